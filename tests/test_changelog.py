"""The stored changelog: computed over the whole timeline, recomputed where a report touches it,
equal after every report to the one computed from the timeline as it stands."""
from __future__ import annotations

import random

from sqlalchemy.orm import Session

from reports import report
from tests_helpers import changelog
from tracker.changelog import timeline_changes
from tracker.parse import parse_report
from tracker.pipeline import ingest_file
from tracker.store import ChangeQuery, query_changes

DAYS = ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z",
        "2026-04-01T00:00:00.000Z"]
FULL = ["Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
        "Central Bank of Testland (CBT): Oversees payments and banks' dealings with crypto firms.[2]"]
SHORT = FULL[:1]


def _write(tmp_path, name: str, **kw):
    p = tmp_path / name
    p.write_text(report(**kw), encoding="utf-8")
    return p


def _material(engine):
    with Session(engine) as s:
        return [(c.to_generated_at.isoformat()[:10], c.category, c.kind, c.entity, c.material, c.omission)
                for c, _ in query_changes(s, ChangeQuery(include_immaterial=True)) if c.kind != "changed"]


def test_an_unexplained_removal_waits_for_the_next_report_and_an_omission_never_counts(engine, tmp_path):
    a = _write(tmp_path, "a.txt", at=DAYS[0], regulators=FULL)
    b = _write(tmp_path, "b.txt", at=DAYS[1], regulators=SHORT)
    for f in (a, b):
        assert ingest_file(engine, f).outcome == "new"
    assert _material(engine) == [("2026-02-01", "regulator", "removed", "Central Bank of Testland", False, False)]
    # the next report brings it back: an omission, on both pairs
    assert ingest_file(engine, _write(tmp_path, "c.txt", at=DAYS[2], regulators=FULL)).outcome == "new"
    assert _material(engine) == [("2026-02-01", "regulator", "removed", "Central Bank of Testland", False, True),
                                 ("2026-03-01", "regulator", "added", "Central Bank of Testland", False, True)]


def test_a_removal_the_next_report_confirms_becomes_news(engine, tmp_path):
    for name, at, regs in (("a.txt", DAYS[0], FULL), ("b.txt", DAYS[1], SHORT), ("c.txt", DAYS[2], SHORT)):
        assert ingest_file(engine, _write(tmp_path, name, at=at, regulators=regs)).outcome == "new"
    assert _material(engine) == [("2026-02-01", "regulator", "removed", "Central Bank of Testland", True, False)]


def test_the_changelog_after_each_report_equals_the_one_of_the_whole_timeline_in_any_order(engine, corpus,
                                                                                          tmp_path):
    files = sorted(corpus.glob("japan_*.txt")) + sorted(corpus.glob("nigeria_*.txt"))
    order = files[:]
    random.Random(3).shuffle(order)
    for k, f in enumerate(order, 1):
        assert ingest_file(engine, f).outcome == "new"
        stored = {(row[0], row[1], row[3], row[4], row[5], row[6], row[8], row[9]) for row in changelog(engine)}
        expected = set()
        for place in ("japan", "nigeria"):
            line = sorted((parse_report(p.read_text(encoding="utf-8")) for p in order[:k] if p.name.startswith(place)),
                          key=lambda s: s.generated_at)
            for p, changes in timeline_changes(line, range(1, len(line))).items():
                for c in changes:
                    expected.add((line[p].jurisdiction, line[p].generated_at, c.category, c.kind, c.entity_key,
                                  c.field, str(c.new), c.material))
        got = {(j, at, cat, kind, key, fld, new, mat) for j, at, cat, kind, key, fld, new, mat in
               ((r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in stored)}
        normalise = lambda rows: {(j, at[:19], *rest) for j, at, *rest in rows}
        assert normalise(got) == normalise(expected), f"after {k} reports"


def test_a_cut_off_report_is_stored_with_a_warning_and_reads_as_no_wave_of_repeals(cli, tmp_path):
    whole = report(at=DAYS[0])
    cut = report(at=DAYS[1]).split("Stance on Crypto Trading")[0].rstrip() + "\nCrypto trading is legal and regul"
    (tmp_path / "a.txt").write_text(whole)
    (tmp_path / "b.txt").write_text(cut)
    r = cli("ingest", "a.txt", "b.txt")
    assert r.exit_code == 0
    assert "Warning: b.txt: the report looks cut off (it ends mid-sentence in 'Key Legislation')" in r.stderr
    r = cli("diff", "--since", "2000-01-01", "--format", "json")
    import json

    assert [c for c in json.loads(r.stdout)["changes"] if c["category"] == "licensing"] == []


def test_history_reads_the_stored_changelog_so_an_omission_is_an_omission(cli, tmp_path):
    for name, at, regs in (("a.txt", DAYS[0], FULL), ("b.txt", DAYS[1], SHORT), ("c.txt", DAYS[2], FULL)):
        (tmp_path / name).write_text(report(at=at, regulators=regs))
    assert cli("ingest", "a.txt", "b.txt", "c.txt").exit_code == 0
    r = cli("history", "Testland", "CBT", "--format", "json")
    import json

    events = json.loads(r.stdout)["events"]
    assert [(e["kind"], e["material"], e["omission"]) for e in events] == [("removed", False, True),
                                                                           ("added", False, True)]
