"""The bundled labelled corpus end to end: every report's facts and every material change, exactly."""
from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from tracker.parse import parse_report
from tracker.pipeline import ingest_file
from tracker.render import ChangeView
from tracker.resolve import fold, names_of, similarity
from tracker.store import ChangeQuery, query_changes

TRACKED = ("regulator", "law", "licensing", "stance")


@pytest.fixture(scope="module")
def truth(request):
    from conftest import CORPUS
    return json.loads((CORPUS / "truth.json").read_text(encoding="utf-8"))


def _names(entry: dict) -> set[str]:
    return {fold(n) for n in [entry["name"], *entry.get("aliases", []), entry.get("acronym") or ""] if n}


def test_every_report_parses_to_its_labelled_facts(corpus, truth):
    for name, want in truth["reports"].items():
        snap = parse_report((corpus / name).read_text(encoding="utf-8"), name=name)
        assert (snap.jurisdiction, snap.topic) == (want["jurisdiction"], want["topic"]), name
        assert snap.generated_at == want["generated_at"], name
        assert snap.stance.trading == want["stance"], name
        assert snap.licensing.required == want["licensing_required"], name
        assert len(snap.regulators) == len(want["regulators"]), name
        for reg in want["regulators"]:
            assert any(fold(r.name) in _names(reg) or (r.acronym and fold(r.acronym) in _names(reg))
                       for r in snap.regulators), (name, reg["name"])
        assert len(snap.laws) == len(want["laws"]), name
        for law in want["laws"]:
            want_names = names_of(law["name"], None, tuple(law.get("aliases", [])), frozenset(), {})
            got = [x for x in snap.laws if _names(law) & {fold(x.name), *(fold(a) for a in x.aliases)}
                   or similarity(want_names, names_of(x.name, x.acronym, x.aliases, frozenset(), {})) >= 0.82]
            assert got, (name, law["name"])
            assert (got[0].effective_date, got[0].status) == (law["effective_date"], law["status"]), (name, law["name"])


def test_the_changelog_holds_exactly_the_labelled_material_changes(engine, corpus, truth):
    for f in sorted(corpus.glob("*.txt")):
        assert ingest_file(engine, f).outcome == "new"
    with Session(engine) as s:
        got = [ChangeView(c, at).to_dict() for c, at in query_changes(s, ChangeQuery())]
    at = {n: r["generated_at"] for n, r in truth["reports"].items()}
    material = [c for c in got if c["category"] in TRACKED and not (c["category"] == "regulator" and c["field"] == "role")]
    unmatched = list(material)
    for t in truth["changes"]:
        def fits(c):
            if (c["jurisdiction"], c["to"]["generated_at"], c["from"]["generated_at"]) != \
                    (t["jurisdiction"], at[t["to"]], at[t["from"]]):
                return False
            if (c["category"], c["kind"]) != (t["category"], t["kind"]):
                return False
            if t["kind"] == "changed" and t["category"] in ("law", "regulator") and c["field"] != t["field"]:
                return False
            if t["kind"] == "changed" and t["category"] in ("law", "stance"):
                return c["new"] == t["new"]
            if t["kind"] == "changed" and t["category"] == "licensing":
                return fold(str(t["new"])) in fold(str(c["new"]))
            said = fold(f"{c['entity']} {c['field'] or ''}")
            return any(fold(k) in said for k in t["keywords"]) or fold(t["entity"]) in said
        match = next((c for c in unmatched if fits(c)), None)
        assert match is not None, f"missed: {t}"
        unmatched.remove(match)
    assert unmatched == [], f"not in the truth: {unmatched}"
