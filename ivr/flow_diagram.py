"""The call flow drawn from its own definition (`ivr.domain.call_flow`), as Graphviz DOT."""

from __future__ import annotations

from collections import defaultdict

from ivr.domain.call_flow import (
    GIVE_UP,
    MAX_ATTEMPTS,
    MENUS,
    TRANSITIONS,
    Menu,
    Step,
    Transition,
)

TITLES = {
    Step.INCOMING: "Incoming call",
    Step.LANGUAGE: "Language?",
    Step.ANNOUNCE: "Announcements\n(closed today, planned maintenance)",
    Step.DISRUPTION: "Known disruption:\nthis is my problem?",
    Step.PURPOSE: "What for?",
    Step.STATUS: "Key in a reference\n(two more tries)",
    Step.STATUS_CHECK: "Not the reporter's phone:\nlast four digits of the callback number",
    Step.IMPACT: "How many users?",
    Step.SEVERITY: "How bad?",
    Step.ROUTE: "Agents on duty\nin the caller's language?",
    Step.QUEUE: "Queue: category 1 first, then waiting time;\n"
    "position, expected wait, hold music;\n"
    "a free agent hears a whisper, presses 1 to take it",
    Step.QUEUE_CALLBACK: "Callback number;\nthe caller hangs up, keeps the place",
    Step.SUMMARY: "One sentence about the problem\n(speech, kept with its confidence)",
    Step.INTAKE: "Take the report\n(GDPR notice, recording)",
    Step.CALLBACK: "Call back on caller ID?",
    Step.CALLBACK_NUMBER: "Key in another number",
    Step.CONFIRM: "Reference, pick-up time,\nreaction target",
    Step.END: "End",
}
OPEN_COLOUR, CLOSED_COLOUR = "#1b7f3b", "#a33a1e"


def to_dot(languages: tuple[str, ...] = ("nl", "de"), desk_name: str = "") -> str:
    """The diagram; for a desk of one language (issue 26) without the language menu: its
    callers go straight on in that language."""
    one_language = len(languages) == 1
    title = f"{desk_name}: call flow" if desk_name else "Helpdesk voice line: call flow"
    switch = "" if one_language else ", 9 switches language"
    lines = [
        "digraph call_flow {",
        '  graph [rankdir=TB, fontname="Helvetica", labelloc=t,',
        f'         label="{title} (no input {MAX_ATTEMPTS - 1}x repeated, '
        f'then the safest path; * repeats{switch})"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for step in Step:
        if one_language and step is Step.LANGUAGE:
            continue
        shape = ", shape=doublecircle" if step is Step.END else ""
        fill = ', fillcolor="#fff6d5"' if step in MENUS else ""
        lines.append(f'  {step.value} [label="{_label(step)}"{shape}{fill}];')
    for (source, target, when_open), outcomes in _grouped(one_language).items():
        lines.append(_edge(source, target, when_open, outcomes))
    lines.append(
        "  legend [shape=plaintext, fillcolor=none, "
        'label="green: desk open   red, dashed: desk closed   yellow: a menu"];'
    )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _label(step: Step) -> str:
    menu = MENUS.get(step)
    title = TITLES[step].replace("\n", "\\n")
    if menu is None:
        return title
    return title + "\\n" + "\\n".join(_choices(menu))


def _choices(menu: Menu) -> list[str]:
    return [
        f"{c.key}: {c.value.replace('_', ' ')} ({c.words['nl'][0]} / {c.words['de'][0]})"
        for c in menu.choices
    ]


def _grouped(one_language: bool = False) -> dict[tuple[Step, Step, bool | None], list[str]]:
    """One arrow per source, target and opening state, naming every outcome that takes it."""
    edges: dict[tuple[Step, Step, bool | None], list[str]] = defaultdict(list)
    for t in TRANSITIONS:
        if one_language and t.source is Step.LANGUAGE:
            continue  # no language menu: a new caller goes on as one who is known
        target = Step.ANNOUNCE if one_language and t.target is Step.LANGUAGE else t.target
        edges[(t.source, target, t.when_open)].append(_outcome(t))
    return edges


def _outcome(t: Transition) -> str:
    menu = MENUS.get(t.source)
    keys = {c.value: c.key for c in menu.choices} if menu else {}
    if t.outcome == GIVE_UP:
        return f"no answer x{MAX_ATTEMPTS}"
    return keys.get(t.outcome, t.outcome)


def _edge(source: Step, target: Step, when_open: bool | None, outcomes: list[str]) -> str:
    label = ", ".join(outcomes)
    if when_open is True:
        style = f', color="{OPEN_COLOUR}", fontcolor="{OPEN_COLOUR}"'
        label += " (open)"
    elif when_open is False:
        style = f', color="{CLOSED_COLOUR}", fontcolor="{CLOSED_COLOUR}", style=dashed'
        label += " (closed)"
    else:
        style = ""
    return f'  {source.value} -> {target.value} [label="{label}"{style}];'
