"""The bundled labelled samples, read end to end: every report's facts and every material change,
exactly. `corpus` and `corpus-b` are the project's two released samples; `corpus-c` and
`corpus-d` were written in layouts neither of those shows (inline labels, prose, per-entity
sub-headings, tables, definition lists, setext and question headings, other topics)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from truth import check_changes, check_extraction, load, parse_all
from tracker.pipeline import ingest_file
from tracker.render import ChangeView
from tracker.store import ChangeQuery, query_changes

HERE = Path(__file__).resolve().parent
SAMPLES = ["corpus", "corpus-b", "corpus-c", "corpus-d"]


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request):
    folder = HERE / request.param
    truth = load(folder)
    return request.param, truth, parse_all(folder, truth)


def test_every_report_parses_to_its_labelled_facts(sample):
    name, truth, snaps = sample
    assert check_extraction(truth, snaps) == []


def test_the_changelog_holds_exactly_the_labelled_material_changes(sample):
    name, truth, snaps = sample
    reading = check_changes(truth, snaps)
    assert reading.missed == []
    assert reading.extra == []


def test_each_timeline_has_a_paraphrase_only_pair_with_no_material_change(sample):
    name, truth, snaps = sample
    from tracker.changelog import timeline_changes

    by_place: dict[str, list[str]] = {}
    for n, r in truth["reports"].items():
        by_place.setdefault(r["jurisdiction"], []).append(n)
    labelled = {(c["from"], c["to"]) for c in truth["changes"] if not c.get("omission")}
    quiet = 0
    for names in by_place.values():
        names.sort(key=lambda n: truth["reports"][n]["generated_at"])
        changes = timeline_changes([snaps[n] for n in names], range(1, len(names)))
        for p in range(1, len(names)):
            if (names[p - 1], names[p]) not in labelled:
                quiet += 1
                assert [c for c in changes[p] if c.material] == [], (names[p - 1], names[p])
    assert quiet >= 1


def test_the_stored_changelog_equals_the_one_computed_from_the_reports(engine, corpus):
    truth = load(corpus)
    for f in sorted(corpus.glob("*.txt")):
        assert ingest_file(engine, f).outcome == "new"
    with Session(engine) as s:
        stored = [ChangeView(c, at).to_dict() for c, at in query_changes(s, ChangeQuery())]
    snaps = parse_all(corpus, truth)
    computed = check_changes(truth, snaps)
    assert computed.missed == [] and computed.extra == []
    material = {(c["jurisdiction"], c["to"]["generated_at"], c["category"], c["kind"], c["entity"], c["field"])
                for c in stored}
    assert len(material) == len({(t["jurisdiction"], truth["reports"][t["to"]]["generated_at"], t["category"],
                                  t["kind"], t["entity"], t.get("field")) for t in truth["changes"]
                                 if not t.get("omission")})
