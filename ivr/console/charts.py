"""Server-side SVG charts for the service-level report: no script, prints as drawn on A4."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from ivr.domain.hours import OpeningHours
from ivr.domain.service_level import Outcome

WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 40
LEGEND_ROW = 16  # a further row of the legend
CHAR_WIDTH = 7  # a legend letter at most, in the drawing's units (10 px text)
OUTCOME_COLOURS = {
    Outcome.AGENT: "#0b5cab",
    Outcome.REPORT_IN_HOURS: "#5b9bd5",
    Outcome.REPORT_OUT_OF_HOURS: "#8e6bbf",
    Outcome.CALLBACK: "#2e8b57",
    Outcome.FORWARDED: "#a15c07",
    Outcome.DISRUPTION: "#c99a06",
    Outcome.STATUS: "#3aa6a0",
    Outcome.AGENT_PHONE: "#9aa5b1",
    Outcome.ABANDONED_MENU: "#b42318",
    Outcome.ABANDONED_WAITING: "#e0736a",
}
CATEGORY_COLOURS = {1: "#b42318", 2: "#a15c07", 3: "#0b5cab", 4: "#6b7785"}
CLOSED = "#eef1f4"


@dataclass(frozen=True)
class Series:
    key: object
    label: str
    colour: str


def _nice_max(value: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value <= step * 4:
            return step * 4
    return int(value) + 1


def _svg(label: str, body: list[str], legend: Sequence[Series] = ()) -> Markup:
    # The legend wraps onto more rows below the plot when a language's labels are long (they
    # were cut off at the drawing's right edge); the drawing grows by a row each time.
    items, x, row = [], LEFT, 0
    for series in legend:
        width = 24 + CHAR_WIDTH * len(series.label)
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, row = LEFT, row + 1
        y = HEIGHT + row * LEGEND_ROW
        items.append(
            f'<rect x="{x}" y="{y - 14}" width="10" height="10" fill="{series.colour}"/>'
            f'<text x="{x + 14}" y="{y - 5}" class="legend">{escape(series.label)}</text>'
        )
        x += width
    height = HEIGHT + row * LEGEND_ROW
    # Every text from outside (labels, month names) went through escape() above.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}{''.join(items)}</svg>"
    )


def _y_axis(top: int, suffix: str = "") -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = top * i // 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
            f"{value}{suffix}</text>"
        )
    return parts


def calls_per_day(
    per_day: Mapping[date, Mapping[Outcome, int]],
    closed: set[date],
    outcomes: Sequence[Series],
    label: str,
) -> Markup:
    """Stacked bars, one a day, split by how the call ended; closed days shaded."""
    days = list(per_day)
    top = _nice_max(max((sum(c.values()) for c in per_day.values()), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    body = []
    for n, day in enumerate(days):
        x = LEFT + n * slot
        if day in closed:
            body.append(
                f'<rect x="{x:.1f}" y="{TOP}" width="{slot:.1f}" height="{plot_h}" '
                f'fill="{CLOSED}" class="closed-day"/>'
            )
    body += _y_axis(top)
    for n, day in enumerate(days):
        x, y = LEFT + n * slot + slot * 0.15, HEIGHT - BOTTOM
        for series in outcomes:
            count = per_day[day].get(series.key, 0)  # type: ignore[call-overload]
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{series.colour}"><title>{day:%d-%m} {escape(series.label)}: {count}'
                "</title></rect>"
            )
        body.append(
            f'<text x="{LEFT + (n + 0.5) * slot:.1f}" y="{HEIGHT - BOTTOM + 13}" class="axis" '
            f'text-anchor="middle">{day.day}</text>'
        )
    return _svg(label, body, outcomes)


def open_within_hours(hours: OpeningHours) -> list[tuple[float, float]]:
    """Per hour of day, the part of it (start, end as fractions) open on any weekday."""
    spans = [(1.0, 0.0)] * 24
    for intervals in hours.weekly:
        for start, end in intervals:
            a = start.hour + start.minute / 60
            b = end.hour + end.minute / 60 + (1 / 60 if end.second else 0)
            for hour in range(int(a), min(24, int(b) + 1)):
                lo, hi = max(a - hour, 0.0), min(b - hour, 1.0)
                if hi > lo:
                    spans[hour] = (min(spans[hour][0], lo), max(spans[hour][1], hi))
    return [(lo, hi) if hi > lo else (0.0, 0.0) for lo, hi in spans]


def calls_by_hour(
    per_hour: Sequence[int], open_spans: Sequence[tuple[float, float]], label: str
) -> Markup:
    """24 bars by local hour; the opening hours as a band behind them."""
    top = _nice_max(max(per_hour, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / 24
    body = []
    for hour, (lo, hi) in enumerate(open_spans):
        if hi > lo:
            body.append(
                f'<rect x="{LEFT + (hour + lo) * slot:.1f}" y="{TOP}" '
                f'width="{(hi - lo) * slot:.1f}" height="{plot_h}" fill="#e3f4e8" '
                'class="open-hours"/>'
            )
    body += _y_axis(top)
    for hour, count in enumerate(per_hour):
        h = plot_h * count / top
        x = LEFT + hour * slot + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#0b5cab"><title>{hour:02d}:00–{hour:02d}:59: {count}'
            "</title></rect>"
            f'<text x="{LEFT + (hour + 0.5) * slot:.1f}" y="{HEIGHT - BOTTOM + 13}" '
            f'class="axis" text-anchor="middle">{hour:02d}</text>'
        )
    return _svg(label, body)


def sla_per_month(
    months: Sequence[tuple[str, Mapping[int, float | None]]],
    categories: Sequence[Series],
    label: str,
) -> Markup:
    """Grouped bars: % within target per category, one group a month; no bar = no incidents."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(months), 1)
    bar = slot * 0.8 / max(len(categories), 1)
    body = _y_axis(100, " %")
    for n, (month, values) in enumerate(months):
        for k, series in enumerate(categories):
            value = values.get(series.key)  # type: ignore[call-overload]
            if value is None:
                continue
            h = max(plot_h * value / 100, 1.5)  # 0 % still shows: a month with incidents
            x = LEFT + n * slot + slot * 0.1 + k * bar
            body.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{bar * 0.9:.1f}" '
                f'height="{h:.1f}" fill="{series.colour}"><title>{escape(month)} '
                f"{escape(series.label)}: {value:.1f} %</title></rect>"
                f'<text x="{x + bar * 0.45:.1f}" y="{HEIGHT - BOTTOM - h - 3:.1f}" class="axis" '
                f'text-anchor="middle">{value:.0f}</text>'
            )
        body.append(
            f'<text x="{LEFT + (n + 0.5) * slot:.1f}" y="{HEIGHT - BOTTOM + 13}" class="axis" '
            f'text-anchor="middle">{escape(month)}</text>'
        )
    return _svg(label, body, categories)
