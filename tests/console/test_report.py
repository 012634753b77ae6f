"""The service-level report against a generated month whose true figures the test knows.

March 2027 has Good Friday (26th), the change to summer time (Sunday 28th) and Easter Monday
(29th). Calls go through the webhooks as Twilio sends them; agents acknowledge and resolve in
the console at chosen instants, some exactly at the target (late: the targets are "< 30 min").
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import local
from tests.console.conftest import post_form
from tests.voice.conftest import Line, incident_of

# Keys: language, purpose (1 incident), impact, severity -> category.
CATEGORY_KEYS = {1: "1111", 2: "1112", 3: "1113", 4: "1133"}
AS_OF = local(2027, 4, 15, 12, 0)
QUEUE_OUTCOMES = ("agent", "callback", "report", "taken_out", "abandoned", "waiting")


@dataclass
class Month:
    line: Line
    staff: FlaskClient
    clock: FixedClock
    callers: int = 0

    @property
    def app(self) -> Flask:
        return self.line.app

    def call(self, when: datetime, keys: str) -> TwilioCall:
        """A first-time caller (a returning one would skip the language menu)."""
        self.clock.set(when)
        self.callers += 1
        call = self.line.caller(f"+316123{self.callers:05d}")
        call.start()
        for key in keys:
            call.press(key)
        return call

    def agent_answers(self, when: datetime, category: int) -> str:
        call = self.call(when, CATEGORY_KEYS[category])
        self.line.board.pump()  # the agent's phone rings, the agent presses 1
        assert call.bridged_to, call.as_text()
        self.line.board.finish(call.bridged_to)
        return incident_of(self.app, call).reference

    def report(self, when: datetime, category: int, in_hours: bool = False) -> str:
        call = self.call(when, CATEGORY_KEYS[category])
        if in_hours:
            call.press("2")  # rather than wait in the queue, the caller leaves a report
        call.record(duration=20)
        call.press("1")
        call.hang_up()
        return incident_of(self.app, call).reference

    def abandoned(self, when: datetime, keys: str) -> None:
        self.call(when, keys).hang_up()

    def acknowledge(self, reference: str, when: datetime) -> None:
        self._act(reference, "acknowledge", when)

    def resolve(self, reference: str, when: datetime) -> None:
        self._act(reference, "resolve", when)

    def status_update(self, reference: str, when: datetime) -> None:
        self._act(reference, "updates", when, text="Leverancier werkt aan de storing.")

    def _act(self, reference: str, action: str, when: datetime, **fields: str) -> None:
        self.clock.set(when)
        page = f"/console/incidents/{reference}"
        assert post_form(self.staff, page, f"{page}/{action}", **fields).status_code == 302


@pytest.fixture
def march(line: Line, staff: FlaskClient, clock: FixedClock, agents: None) -> dict[str, str]:
    """The generated month; returns the references by name."""
    m = Month(line, staff, clock)
    refs: dict[str, str] = {}
    # Category 1. Monday 1 March 09:00, answered at once and restored in 3 hours.
    refs["c1_agent"] = m.agent_answers(local(2027, 3, 1, 9, 0), 1)
    m.resolve(refs["c1_agent"], local(2027, 3, 1, 12, 0))
    # Monday 00:15, out of hours: acknowledged 08:59 (29 min), never resolved (late restore).
    refs["c1_night"] = m.report(local(2027, 3, 1, 0, 15), 1)
    m.acknowledge(refs["c1_night"], local(2027, 3, 1, 8, 59))
    # Thursday before Easter 16:45, nobody answers: 15 min that day, 15 on Tuesday after
    # Easter Monday and the DST change: acknowledged exactly at the target (late).
    refs["c1_easter"] = m.report(local(2027, 3, 25, 16, 45), 1, in_hours=True)
    m.acknowledge(refs["c1_easter"], local(2027, 3, 30, 8, 45))
    # Status reports every 2 opening hours: owed Tue 10:15, then 2 h after each one written.
    m.status_update(refs["c1_easter"], local(2027, 3, 30, 10, 0))
    m.status_update(refs["c1_easter"], local(2027, 3, 30, 11, 59))
    m.resolve(refs["c1_easter"], local(2027, 3, 30, 12, 14))  # 3 h 59 min: in time
    # Category 3. Four answered by agents at once, restored within an hour.
    mornings = [local(2027, 3, 3, 9, 0), local(2027, 3, 4, 9, 0)]
    afternoons = [local(2027, 3, 9, 14, 0), local(2027, 3, 10, 14, 0)]
    for n, when in enumerate(mornings + afternoons):
        refs[f"c3_agent{n}"] = m.agent_answers(when, 3)
        m.resolve(refs[f"c3_agent{n}"], when.replace(minute=50))
    # Saturday night before the clocks change: reaction 1 h 59 (in time), restore exactly 16 h.
    refs["c3_dst"] = m.report(local(2027, 3, 27, 23, 0), 3)
    m.acknowledge(refs["c3_dst"], local(2027, 3, 30, 10, 29))
    m.resolve(refs["c3_dst"], local(2027, 3, 31, 16, 0))
    # Category 2. Sunday after the change: reacted in 59 min, not restored by 15 April.
    refs["c2_sunday"] = m.report(local(2027, 3, 28, 10, 0), 2)
    m.acknowledge(refs["c2_sunday"], local(2027, 3, 30, 9, 29))
    # The last half hour of March (summer time): reaction 30 min... of category 2 (< 1 h).
    refs["c2_last"] = m.report(local(2027, 3, 31, 23, 30), 2)
    m.acknowledge(refs["c2_last"], local(2027, 4, 1, 9, 0))
    m.resolve(refs["c2_last"], local(2027, 4, 1, 16, 29))
    # Category 4 on Good Friday, acknowledged on Tuesday exactly 4 opening hours on (late).
    refs["c4_good_friday"] = m.report(local(2027, 3, 26, 10, 0), 4)
    m.acknowledge(refs["c4_good_friday"], local(2027, 3, 30, 12, 30))
    # Hung up before a report: after the language, and after choosing "incident".
    m.abandoned(local(2027, 3, 2, 10, 0), "1")
    m.abandoned(local(2027, 3, 6, 11, 0), "11")
    # The queue on Tuesday 16 March: Dutch and German questions (no category, so the SLA
    # figures above stay as they are). Anouk speaks Dutch and German, Jonas only German.
    ANOUK = "+31687654321"
    q1 = m.call(local(2027, 3, 16, 10, 0), "12")
    m.clock.set(local(2027, 3, 16, 10, 0, 45))
    m.line.board.pump()  # Anouk takes it after 45 s, and is busy
    assert q1.bridged_to, q1.as_text()
    q2 = m.call(local(2027, 3, 16, 10, 1), "12")  # waits: nobody free who speaks Dutch
    m.clock.set(local(2027, 3, 16, 10, 3))
    q2.press("1")  # a callback after 2 min on the line
    m.clock.set(local(2027, 3, 16, 10, 3, 20))
    q2.press("1")  # this number
    assert q2.waiting_for is None, q2.as_text()
    m.clock.set(local(2027, 3, 16, 10, 10))
    m.line.board.finish(ANOUK)
    m.line.board.pump()  # Anouk calls the caller back; they answer
    assert (ANOUK, q2.from_number) in m.line.board.connected
    q3 = m.call(local(2027, 3, 16, 11, 0), "12")
    m.line.board.pump()  # Anouk takes it at once, and is busy until 11:30
    assert q3.bridged_to, q3.as_text()
    q4 = m.call(local(2027, 3, 16, 11, 1), "12")
    q5 = m.call(local(2027, 3, 16, 11, 2), "12")
    m.clock.set(local(2027, 3, 16, 11, 2, 30))
    q5.press("2")  # rather a report, after 30 s
    q5.record(duration=15)
    q5.press("1")
    q5.hang_up()
    m.clock.set(local(2027, 3, 16, 11, 4, 30))
    q4.hang_up()  # hung up after 3 min 30 s
    q6 = m.call(local(2027, 3, 16, 11, 5), "12")
    g1 = m.call(local(2027, 3, 16, 11, 10), "22")  # German: Jonas is free
    m.clock.set(local(2027, 3, 16, 11, 10, 20))
    m.line.board.pump()
    assert g1.bridged_to, g1.as_text()
    m.line.board.finish("+4917612345678")
    m.clock.set(local(2027, 3, 16, 11, 19, 59))
    q6.keep_waiting()  # 14 min 59 s: still waiting
    assert q6.queued, q6.as_text()
    m.clock.set(local(2027, 3, 16, 11, 20))
    q6.keep_waiting()  # exactly QUEUE_MAX_WAIT_SECONDS (15 min): taken out to leave a report
    assert not q6.queued, q6.as_text()
    q6.record(duration=15)
    q6.press("1")
    q6.hang_up()
    m.clock.set(local(2027, 3, 16, 11, 30))
    m.line.board.finish(ANOUK)
    # Outside March by a minute or so: not in its report.
    m.report(local(2027, 2, 28, 23, 50), 1)
    m.report(local(2027, 4, 1, 0, 30), 1)
    clock.set(AS_OF)
    return refs


def sla_json(app: Flask) -> dict:  # type: ignore[type-arg]
    result = app.test_cli_runner().invoke(
        args=["report", "sla", "--month", "2027-03", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_generated_month_has_the_true_figures(app: Flask, march: dict[str, str]) -> None:
    report = sla_json(app)
    cats = {c["category"]: c for c in report["categories"]}
    # Category 1: reactions 0, 29, 30 min (the last late); restores 3:00, 3:59, one never.
    assert cats[1]["incidents"] == 3
    assert (cats[1]["reaction_met"], cats[1]["reaction_measured"]) == (2, 3)
    assert cats[1]["reaction_within_target_pct"] == 66.7
    assert (cats[1]["restore_met"], cats[1]["restore_measured"]) == (2, 3)
    assert (cats[1]["reaction_median_minutes"], cats[1]["reaction_p90_minutes"]) == (29, 30)
    assert (cats[1]["restore_median_minutes"], cats[1]["restore_p90_minutes"]) == (209.5, 239)
    # Status reports: none for the first two (due 11:00 and 10:30, missed), two in time for
    # the Easter one (due 10:15, written 10:00; due 12:00, written 11:59; restored 12:14).
    assert (cats[1]["status_reports_on_time"], cats[1]["status_reports_measured"]) == (2, 4)
    assert cats[1]["status_reports_on_time_pct"] == 50.0
    # Category 2: reactions 59 and 30 min; one restored in 7:59, one not by 15 April.
    assert (cats[2]["incidents"], cats[2]["reaction_met"], cats[2]["reaction_measured"]) == (
        2,
        2,
        2,
    )
    assert (cats[2]["restore_met"], cats[2]["restore_measured"]) == (1, 2)
    assert cats[2]["restore_within_target_pct"] == 50.0
    # Category 3: four at once and one in 1:59; restores 50 min x4 and exactly 16 h (late).
    assert (cats[3]["incidents"], cats[3]["reaction_met"], cats[3]["restore_met"]) == (5, 5, 4)
    assert (cats[3]["reaction_median_minutes"], cats[3]["reaction_p90_minutes"]) == (0, 119)
    assert cats[3]["restore_p90_minutes"] == 960
    # Category 4: exactly 4 h is late; restore by appointment.
    assert (cats[4]["incidents"], cats[4]["reaction_met"], cats[4]["reaction_measured"]) == (
        1,
        0,
        1,
    )
    assert cats[4]["restore_by_appointment"] is True and cats[4]["restore_measured"] == 0
    assert sorted((b["reference"], b["clock"], b["took_minutes"]) for b in report["breaches"]) == (
        sorted(
            [
                (march["c1_night"], "restore", None),
                (march["c1_easter"], "reaction", 30),
                (march["c3_dst"], "restore", 960),
                (march["c2_sunday"], "restore", None),
                (march["c4_good_friday"], "reaction", 240),
            ]
        )
    )
    line = report["line"]
    assert line["calls"] == 20
    # Agents: five incidents, Q1, Q3, G1, and Q2's callback. Reports in hours: the Easter one,
    # Q5 (chose it) and Q6 (taken out). Hung up: two in the menus, Q4 in the queue.
    assert (line["agent"], line["report_in_hours"], line["report_out_of_hours"]) == (9, 3, 5)
    assert (line["forwarded"], line["abandoned"]) == (0, 3)
    assert (line["abandoned_menu"], line["abandoned_waiting"]) == (2, 1)
    by_hour = {hour: n for hour, n in enumerate(line["calls_by_hour"]) if n}
    # 10:00 on Sunday the 28th is summer time (08:00 UTC) and still counts at 10.
    assert by_hour == {0: 1, 9: 3, 10: 5, 11: 6, 14: 2, 16: 1, 23: 2}
    assert line["calls_by_day"]["2027-03-01"] == {
        "agent": 1,
        "report_in_hours": 0,
        "report_out_of_hours": 1,
        "callback": 0,
        "forwarded": 0,
        "disruption": 0,
        "status": 0,
        "agent_phone": 0,
        "abandoned_menu": 0,
        "abandoned_waiting": 0,
    }
    assert sum(sum(d.values()) for d in line["calls_by_day"].values()) == 20
    # The queue: the six in-hours incident callers (five taken at once, the Easter one chose a
    # report at once) and the seven of 16 March (waits 45 s, 2:00 to the callback, 0, 3:30 hung
    # up, 30 s to a report, exactly 15:00 taken out; the German one 20 s).
    queue = report["queue"]
    assert queue["joined"] == 13
    assert [queue[f"ended_{o}"] for o in QUEUE_OUTCOMES] == [8, 1, 2, 1, 1, 0]
    assert queue["waits_measured"] == 13
    # Sorted: 0 x7, 20, 30, 45, 120, 210, 900: the 7th is the median, the 12th the p90.
    assert (queue["wait_median_seconds"], queue["wait_p90_seconds"]) == (0, 210)
    assert queue["abandoned_pct"] == 7.7
    assert [queue[f"callbacks_{r}"] for r in ("requested", "reached", "report", "pending")] == [
        1,
        1,
        0,
        0,
    ]
    nl, de = queue["languages"]["nl"], queue["languages"]["de"]
    assert (nl["joined"], nl["wait_median_seconds"], nl["wait_p90_seconds"]) == (12, 0, 210)
    assert (de["joined"], de["ended_agent"], de["wait_median_seconds"]) == (1, 1, 20)


def test_queue_waits_of_the_busy_week_with_the_limit_exactly(
    app: Flask, march: dict[str, str]
) -> None:
    result = app.test_cli_runner().invoke(
        args=["report", "sla", "--from", "2027-03-15", "--to", "2027-03-21", "--format", "json"]
    )
    queue = json.loads(result.output)["queue"]
    # 0, 20, 30, 45, 120, 210, 900: median the 4th; p90 by nearest rank the 7th, the wait of
    # the caller taken out at exactly QUEUE_MAX_WAIT_SECONDS (a round at 14:59 kept them).
    assert (queue["joined"], queue["wait_median_seconds"], queue["wait_p90_seconds"]) == (
        7,
        45,
        900,
    )
    assert [queue[f"ended_{o}"] for o in QUEUE_OUTCOMES] == [3, 1, 1, 1, 1, 0]
    nl = queue["languages"]["nl"]
    # 0, 30, 45, 120, 210, 900: the mean of the 3rd and 4th; the 6th.
    assert (nl["wait_median_seconds"], nl["wait_p90_seconds"]) == (82.5, 900)
    text = app.test_cli_runner().invoke(
        args=["report", "sla", "--from", "2027-03-15", "--to", "2027-03-21"]
    )
    rows = {line.split()[0]: line.split()[1:] for line in text.output.splitlines()[-5:-1]}
    assert rows["all"] == ["7", "3", "1", "1", "1", "1", "0", "0:45", "15:00"]
    assert rows["nl"][-2:] == ["1:22", "15:00"] and rows["de"][-2:] == ["0:20", "0:20"]
    assert "callbacks requested 1: reached 1, left as a report 0, pending 0" in text.output


def test_text_csv_and_periods(app: Flask, march: dict[str, str]) -> None:
    runner = app.test_cli_runner()
    text = runner.invoke(args=["report", "sla", "--month", "2027-03"]).output
    assert "Service level 2027-03" in text
    row = next(line.split() for line in text.splitlines() if line.strip().startswith("1 "))
    assert row[:4] == ["1", "3", "66.7", "%"]
    easter = march["c1_easter"]
    assert f"{easter[:4]} {easter[4:]}  cat. 1  reaction  took 0:30 (target < 0:30)" in text
    assert "abandoned                 3" in text
    german = runner.invoke(args=["report", "sla", "--month", "2027-03", "--lang", "de"]).output
    assert "Service-Level 2027-03" in german and "Überschreitungen:" in german
    assert f"{easter[:4]} {easter[4:]}  Kat. 1  Reaktion  Dauer 0:30 (Vorgabe < 0:30)" in german
    assert "Anrufe: 20" in german and "aufgelegt" in german
    rows = list(csv.reader(io.StringIO(runner.invoke(
        args=["report", "sla", "--month", "2027-03", "--format", "csv"]).output)))  # fmt: skip
    assert rows[0] == ["period", "scope", "metric", "value"]
    assert ["2027-03", "category 3", "restore_met", "4"] in rows
    assert ["2027-03", "category 4", "reaction_breach", march["c4_good_friday"]] in rows
    assert ["2027-03", "line", "calls", "20"] in rows
    assert ["2027-03", "queue", "wait_p90_seconds", "210.0"] in rows
    assert ["2027-03", "queue nl", "ended_taken_out", "1"] in rows
    week = runner.invoke(
        args=["report", "sla", "--from", "2027-03-25", "--to", "2027-03-31", "--format", "json"]
    )
    assert json.loads(week.output)["line"]["calls"] == 5  # 25th, 26th, 27th, 28th, 31st
    bad = runner.invoke(args=["report", "sla", "--month", "March"])
    assert bad.exit_code != 0 and "not a month" in bad.output


def test_the_report_page_with_charts_and_exports(staff: FlaskClient, march: dict[str, str]) -> None:
    page = staff.get("/console/report?month=2027-03").get_data(as_text=True)
    assert "Service level" in page and "01-03-2027 – 31-03-2027" in page
    category_1 = re.search(r'<tr data-category="1">(.*?)</tr>', page, re.DOTALL)
    assert category_1 and "66.7 %" in category_1.group(1) and "(2/3)" in category_1.group(1)
    assert march["c4_good_friday"][4:] in page.split('id="breaches"')[1]
    assert page.count("<svg") == 3
    # Closed days shaded: 8 weekend days and the two Easter holidays.
    assert page.count('class="closed-day"') == 10
    assert page.count('class="open-hours"') == 9  # 08:30-17:00
    exported = staff.get("/console/report.json?month=2027-03")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="sla-2027-03.json"'
    assert exported.get_json()["line"]["calls"] == 20
    queue = re.search(r'<table class="figures" id="queue">(.*?)</table>', page, re.DOTALL)
    assert queue is not None
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", queue.group(1).split("</thead>")[1])
    assert cells[:11] == ["all", "13", "8", "1", "2", "1", "1", "0", "0:00", "3:30", "German"]
    assert "Callbacks requested: 1; reached 1" in page
    assert staff.get("/console/report.csv?month=2027-03").mimetype == "text/csv"
    incidents = staff.get("/console/incidents.json?month=2027-03").get_json()
    # 11 incident reports, the 7 questions of the queue, and what the caller who hung up
    # after choosing "incident" had said.
    assert len(incidents) == 19
    assert sorted(i["kind"] for i in incidents if i["status"] == "partial") == [
        "incident",
        "question",  # Q4, who hung up while waiting
    ]
    assert {i["reference"] for i in incidents} >= set(march.values())
    listed = list(csv.DictReader(io.StringIO(staff.get(
        "/console/incidents.csv?month=2027-03").get_data(as_text=True))))  # fmt: skip
    assert len(listed) == 19 and listed[0]["received_at"] == "2027-03-01T00:15:00+01:00"


def test_the_report_needs_a_login(client: FlaskClient) -> None:
    for path in ("/console/report", "/console/report.csv", "/console/incidents.json"):
        assert client.get(path).status_code == 302
