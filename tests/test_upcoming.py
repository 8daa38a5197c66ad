"""`tracker upcoming`: laws taking effect in a window, per the newest report of each jurisdiction, with
the date's precision kept, as text, JSON, CSV and an iCalendar file whose UIDs survive a reparse."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import icalendar
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from reports import report
from tracker.db import SnapshotRow, make_engine
from tracker.upcoming import period

LAWS_THEN = [
    "Virtual Assets Act 2021 (VAA): In force since 1 March 2022; the licensing framework.[1]",
    "Stablecoin Act 2026: Effective 1 August 2026; licenses stablecoin issuers.[2]",
    "Custody Rules 2026: Effective July 2026; custody duties.[3]",
]
LAWS_NOW = [
    "Virtual Assets Act 2021 (VAA): In force since 1 March 2022; the licensing framework.[1]",
    "Stablecoin Act 2026: Effective 1 September 2026; licenses stablecoin issuers.[2]",
    "Custody Rules 2026: Effective July 2026; custody duties.[3]",
    "Token Offerings Act: Passed in 2025 and effective 2027; offering rules.[4]",
]


@pytest.fixture
def timeline(cli, tmp_path):
    """Testland's two reports (the Stablecoin Act moved from August to September) and Otherland's one."""
    paths = []
    for name, at, laws, place in (("a.txt", "2026-05-01T00:00:00Z", LAWS_THEN, "Testland"),
                                  ("b.txt", "2026-06-01T00:00:00Z", LAWS_NOW, "Testland"),
                                  ("c.txt", "2026-06-02T00:00:00Z", LAWS_THEN[1:2], "Otherland")):
        p = tmp_path / name
        p.write_text(report(jurisdiction=place, at=at, laws=laws))
        paths.append(str(p))
    r = cli("ingest", "-q", *paths)
    assert r.exit_code == 0, r.stderr
    return cli


def upcoming(cli, *args) -> list[dict]:
    r = cli("upcoming", "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["upcoming"]


@pytest.mark.parametrize("iso,first,last", [
    ("2026-07-11", "2026-07-11", "2026-07-11"), ("2026-07", "2026-07-01", "2026-07-31"),
    ("2028-02", "2028-02-01", "2028-02-29"), ("2027", "2027-01-01", "2027-12-31"),
], ids=["day", "month", "leap-month", "year"])
def test_a_date_of_reduced_precision_stands_for_its_whole_period(iso, first, last):
    assert period(iso) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def test_only_the_newest_report_s_dates_in_the_window_are_listed(timeline):
    got = upcoming(timeline, "--from", "2026-07-15", "--days", "60")
    assert [(u["jurisdiction"], u["name"], u["effective_date"], u["precision"]) for u in got] == [
        ("Testland", "Custody Rules 2026", "2026-07", "month"),  # July meets the window though its 1st is before it
        ("Otherland", "Stablecoin Act 2026", "2026-08-01", "day"),
        ("Testland", "Stablecoin Act 2026", "2026-09-01", "day"),  # not its older report's 2026-08-01
    ]
    assert set(got[0]) >= {"jurisdiction", "topic", "name", "effective_date", "status"}


def test_text_shows_the_precision_of_each_date(timeline):
    r = timeline("upcoming", "--from", "2026-06-15", "--days", "400", "-j", "Testland")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Laws taking effect 2026-06-15 to 2027-07-20, per the newest report of each jurisdiction:"
    assert lines[1].startswith("2026-07 (month)  Testland — Regulatory Status: Custody Rules 2026")
    assert lines[-1].startswith("2027 (year)      Testland — Regulatory Status: Token Offerings Act")
    assert not any("Otherland" in line for line in lines)


def test_an_empty_window_says_so(timeline):
    r = timeline("upcoming", "--from", "2030-01-01")
    assert r.exit_code == 0 and r.stdout.splitlines()[1] == "nothing."


def calendar(cli, *args) -> icalendar.Calendar:
    r = cli("upcoming", "--from", "2026-06-15", "--days", "400", "--format", "ics", *args)
    assert r.exit_code == 0, r.stderr
    return icalendar.Calendar.from_ical(r.stdout_bytes)


def events(cal) -> dict[str, tuple]:
    return {str(e["uid"]): (str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend"))
            for e in cal.walk("VEVENT")}


def test_the_calendar_has_one_all_day_event_per_law_and_date(timeline):
    got = events(calendar(timeline))
    assert len(got) == 4
    spans = sorted((start, end) for _, start, end in got.values())
    assert all(type(s) is dt.date and type(e) is dt.date for s, e in spans)  # all-day: dates, not times
    assert (dt.date(2026, 7, 1), dt.date(2026, 8, 1)) in spans  # "July 2026" is all of July
    assert (dt.date(2027, 1, 1), dt.date(2028, 1, 1)) in spans
    assert (dt.date(2026, 9, 1), dt.date(2026, 9, 2)) in spans
    assert any("Custody Rules 2026 takes effect (sometime in 2026-07" in s for s, _, _ in got.values())


def test_calendar_uids_survive_a_reparse_and_a_new_report(timeline, db_url, tmp_path):
    before = events(calendar(timeline))
    engine = make_engine(db_url)
    with Session(engine) as s, s.begin():  # as an older parser left them: reparse rewrites every row
        for row in s.scalars(select(SnapshotRow).options(undefer(SnapshotRow.data))):
            row.data = {**row.data, "summary": "worded by an older parser"}
    engine.dispose()
    assert timeline("reparse").exit_code == 0
    assert events(calendar(timeline)) == before
    (tmp_path / "d.txt").write_text(report(at="2026-06-20T00:00:00Z", laws=[
        *LAWS_NOW[:3], "Token Offerings Act: Adopted in 2026 and effective 2027; offering rules.[4]"]))
    assert timeline("ingest", "-q", str(tmp_path / "d.txt")).exit_code == 0
    assert set(events(calendar(timeline))) == set(before)  # a re-import updates, never duplicates


def test_csv_has_the_json_keys_as_its_header(timeline):
    r = timeline("upcoming", "--from", "2026-06-15", "--days", "400", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    as_json = upcoming(timeline, "--from", "2026-06-15", "--days", "400")
    assert list(rows[0]) == list(as_json[0])
    assert [row["effective_date"] for row in rows] == [u["effective_date"] for u in as_json]


def test_the_calendar_can_be_written_to_a_file(timeline, tmp_path):
    target = tmp_path / "effective.ics"
    r = timeline("upcoming", "--from", "2026-06-15", "--format", "ics", "-o", str(target))
    assert r.exit_code == 0 and r.stdout == ""
    assert icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")


@pytest.mark.parametrize("args,first_line", [
    (("--from", "next week"), "Error: --from 'next week' is not an ISO date or timestamp (e.g. 2026-01-31 or "
                              "2026-01-31T12:00:00Z)"),
    (("-j", "Testlnd"), "Error: no snapshots for jurisdiction 'Testlnd'; did you mean 'Testland'?"),
    (("--from", "9998-12-01", "--days", "90"), "Error: --from '9998-12-01' with --days 90 runs past the year 9999"),
], ids=["from", "jurisdiction", "overflow"])
def test_a_bad_value_is_one_line_naming_it(timeline, args, first_line):
    r = timeline("upcoming", *args)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [first_line]


def test_negative_days_do_not_parse(timeline):
    r = timeline("upcoming", "--days", "-1")
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0].startswith("Error: Invalid value for '--days'")
