"""A DESKS_FILE of many desks for the benchmarks (issue 26): `bin/bench --desks 20`.

Half Dutch desks, half German ones of different Länder, each its own number; the benchmark's
callers dial the desks' numbers in turn, so every desk takes calls and the desk of a call is
found among all of them.
"""

from __future__ import annotations

from pathlib import Path

HOURS = {False: "mon-fri 08:30-17:00", True: "mon-fri 08:00-17:30"}
LANDS = ("BY", "BE", "NW", "HE", "BW", "SN", "HH", "NI", "RP", "SH")


def number_of(index: int) -> str:
    return f"+3141300{index:04d}"


def write(path: Path, count: int) -> tuple[str, ...]:
    """Write `count` desks to `path`; their numbers, in order."""
    tables = []
    for i in range(count):
        german = i % 2 == 1
        tables.append(
            "\n".join(
                [
                    f"[desk.desk{i:02d}]",
                    f'name = "Bench desk {i}"',
                    f'numbers = ["{number_of(i)}"]',
                    f"languages = {['de', 'nl'] if german else ['nl', 'de']}".replace("'", '"'),
                    f'opening_hours = "{HOURS[german]}"',
                    f'timezone = "{"Europe/Berlin" if german else "Europe/Amsterdam"}"',
                    f'holidays = "{"DE" if german else "NL"}"',
                    *(
                        [f'holiday_subdivision = "{LANDS[(i // 2) % len(LANDS)]}"']
                        if german
                        else []
                    ),
                ]
            )
        )
    path.write_text("\n\n".join(tables) + "\n", encoding="utf-8")
    return tuple(number_of(i) for i in range(count))
