"""Check the tracker's reading of a labelled corpus against its truth.json, with the matching
rules the corpus README states (names by any alias or a close match, values exactly)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tracker.changelog import timeline_changes
from tracker.model import Snapshot
from tracker.parse import parse_report
from tracker.registry import fold, name_similarity, profile

TRACKED = ("regulator", "law", "licensing", "stance")


def load(corpus: Path) -> dict:
    """A corpus's truth, with only the reports that are in the folder (a third-party report may be
    labelled but not bundled)."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    present = {p.name for p in corpus.glob("*.txt")}
    truth["reports"] = {n: r for n, r in truth["reports"].items() if n in present}
    truth["changes"] = [c for c in truth["changes"] if c["from"] in present and c["to"] in present]
    return truth


def _score(names: list[str], got: str | None, category: str) -> float:
    """2 for a name or alias exactly, else how alike the names are (0 to 1)."""
    if not got:
        return 0.0
    if fold(got) in {fold(n) for n in names if n}:
        return 2.0
    mine = profile(category, got, None, (), "", frozenset())
    return max((name_similarity(profile(category, n, None, (), "", frozenset()), mine) for n in names if n), default=0.0)


def _same_name(names: list[str], got: str | None, category: str) -> bool:
    return _score(names, got, category) >= 0.8


def _pair_up(want: list[dict], got: list, category: str) -> list[tuple[dict, object]]:
    """Labelled and found entities matched one to one, best pairs first, none under 0.8."""
    scored = sorted(((_score([w["name"], *w.get("aliases", []), w.get("acronym") or ""], g.name, category), i, j)
                     for i, w in enumerate(want) for j, g in enumerate(got)), key=lambda x: (-x[0], x[1], x[2]))
    used_i, used_j, out = set(), set(), []
    for sc, i, j in scored:
        if sc >= 0.8 and i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((want[i], got[j]))
    return out


@dataclass
class Reading:
    """What went wrong reading a corpus: one line per miss."""

    extraction: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def parse_all(corpus: Path, truth: dict) -> dict[str, Snapshot]:
    """Every report of a corpus, parsed."""
    return {n: parse_report((corpus / n).read_text(encoding="utf-8"), name=n) for n in truth["reports"]}


def check_extraction(truth: dict, snaps: dict[str, Snapshot]) -> list[str]:
    """Every labelled regulator and law found with its date and status, nothing else, and the
    stance and licence flag right."""
    out = []
    for name, want in truth["reports"].items():
        s = snaps[name]
        if s.stance.trading != want["stance"]:
            out.append(f"{name}: stance {s.stance.trading} != {want['stance']}")
        if s.licensing.required != want["licensing_required"]:
            out.append(f"{name}: licensing required {s.licensing.required} != {want['licensing_required']}")
        regs = _pair_up(want["regulators"], list(s.regulators), "regulator")
        by_acronym = {r.acronym.casefold(): r for r in s.regulators if r.acronym}
        for reg in want["regulators"]:
            if not any(w is reg for w, _ in regs) and (reg.get("acronym") or "").casefold() not in by_acronym:
                out.append(f"{name}: regulator missed: {reg['name']}")
        if len(s.regulators) != len(want["regulators"]):
            out.append(f"{name}: {len(s.regulators)} regulators, not {len(want['regulators'])}: "
                       f"{[r.name for r in s.regulators]}")
        laws = _pair_up(want["laws"], list(s.laws), "law")
        for law in want["laws"]:
            hit = next((g for w, g in laws if w is law), None)
            if hit is None:
                out.append(f"{name}: law missed: {law['name']}")
            elif (hit.effective_date, hit.status) != (law["effective_date"], law["status"]):
                out.append(f"{name}: {law['name']}: {hit.effective_date}/{hit.status}, not "
                           f"{law['effective_date']}/{law['status']}")
        if len(s.laws) != len(want["laws"]):
            out.append(f"{name}: {len(s.laws)} laws, not {len(want['laws'])}: {[x.name for x in s.laws]}")
    return out


def _fits(t: dict, c, aliases: dict[str, list[str]]) -> bool:
    if (c.category, c.kind) != (t["category"], t["kind"]):
        return False
    said = f"{c.entity} {c.field or ''}".casefold()
    if t["category"] != "stance" and not (_same_name([t["entity"], *aliases.get(t["entity"], [])], c.entity,
                                                     t["category"] if t["category"] != "licensing" else "law")
                                          or any(k.casefold() in said for k in t.get("keywords", []))):
        return False
    if t["kind"] != "changed":
        return True
    if t["category"] in ("law", "regulator") and c.field != t["field"]:
        return False
    if t["category"] in ("law", "stance") or (t["category"] == "regulator" and t["field"] == "acronym"):
        return (c.new or None) == (t["new"] or None)
    if t["category"] == "regulator":
        return _same_name([str(t["new"])], str(c.new), "regulator")
    return " ".join(fold(str(t["new"])).split()) in " ".join(fold(f"{c.entity} {c.new}").split())


def check_changes(truth: dict, snaps: dict[str, Snapshot]) -> Reading:
    """Every labelled material change found once, no other material change in the four tracked
    categories, no omission reported as a change."""
    reading = Reading()
    aliases: dict[str, list[str]] = {}
    for r in truth["reports"].values():
        for e in [*r["regulators"], *r["laws"]]:
            aliases.setdefault(e["name"], []).extend([*e.get("aliases", []), e.get("acronym") or ""])
    timelines: dict[tuple[str, str], list[str]] = {}
    for name, r in truth["reports"].items():
        timelines.setdefault((r["jurisdiction"], r.get("topic") or "Regulatory Status"), []).append(name)
    for names in timelines.values():
        names.sort(key=lambda n: truth["reports"][n]["generated_at"])
        changes = timeline_changes([snaps[n] for n in names], range(1, len(names)))
        for p in range(1, len(names)):
            pair = (names[p - 1], names[p])
            material = [c for c in changes[p] if c.material and c.category in TRACKED
                        and not (c.category == "regulator" and c.field == "role")]
            for t in truth["changes"]:
                if (t["from"], t["to"]) != pair:
                    continue
                hit = next((c for c in material if _fits(t, c, aliases)), None)
                if t.get("omission"):
                    if hit is not None:
                        reading.extra.append(f"{pair[1]}: omission reported as a change: {hit}")
                    continue
                if hit is None:
                    reading.missed.append(f"{pair[1]}: {t['category']} {t['kind']} {t['entity']!r} "
                                          f"{t.get('field') or ''} {t.get('old')!r}->{t.get('new')!r}")
                else:
                    material.remove(hit)
            reading.extra += [f"{pair[1]}: {c.category} {c.kind} {c.entity!r} {c.field or ''} {c.old!r}->{c.new!r}"
                              for c in material]
    return reading
