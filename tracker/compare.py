"""Compare two consecutive snapshots of a timeline: resolved entities in, changes out.

Entities carry their timeline keys (tracker.registry), so both snapshots become keyed dicts of a
few fields each, compared key by key and field by field (what deepdiff with
threshold_to_diff_deeper=0 reported of them, at a tenth of its cost); licensing is compared as
obligations (tracker.requirements). Every difference becomes a `Change` in the CONTRACT's
vocabulary, marked material or not.

What is not news: rewording, reordering, renumbered citations, a date that only gains or loses
precision, a removal the report does not explain until the next report confirms it (one the next
report brings back is an omission), and whatever a collapsed or cut-off parse makes of a category
(`suspect`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tracker import dates
from tracker.document import sentences
from tracker.model import Snapshot
from tracker.registry import Registry, Resolved, fold, identifier, slug
from tracker.requirements import (Obligation, amounts_contradict, family, licensers, lifted_in, percents_contradict,
                                  regime, similar_words, stated_in)
from tracker.vocabulary import IDENTIFIER, REMOVAL, RENAME

ORDER = {"stance": 0, "regulator": 1, "law": 2, "licensing": 3, "other": 4}


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots, in the CONTRACT's vocabulary."""

    category: str
    kind: str
    entity: str
    entity_key: str
    field: str | None = None
    old: object = None
    new: object = None
    material: bool = True
    confirmed: bool | None = None
    omission: bool = False
    refinement: bool = False
    evidence: str | None = None
    citations: tuple[int, ...] = ()
    suspect: bool = False
    # evidence: the parsed sentence of each report that states the fact, with the citation numbers
    # of the entity that states it (tracker.evidence finds them verbatim in the report's text)
    old_said: str | None = None
    new_said: str | None = None
    old_cited: tuple[int, ...] = ()
    new_cited: tuple[int, ...] = ()
    citation_lost: bool = False


@dataclass(frozen=True)
class Side:
    """One snapshot with the timeline keys of its regulators and laws."""

    snap: Snapshot
    keys: Resolved

    def entities(self, category: str) -> dict[str, object]:
        """Key -> regulator or law."""
        items = self.snap.regulators if category == "regulator" else self.snap.laws
        keys = self.keys.regulators if category == "regulator" else self.keys.laws
        return dict(zip(keys, items))


def full_text(s: Snapshot) -> str:
    """Everything the report says, as one text (for evidence and explanations)."""
    parts = [s.summary, s.stance.summary, s.licensing.summary, *s.licensing.requirements]
    parts += [f"{r.name}{f' ({r.acronym})' if r.acronym else ''}: {r.role}" for r in s.regulators]
    parts += [f"{x.name}: {x.summary}" for x in s.laws]
    for sec in s.sections:
        parts += [sec.text, *sec.items]
    return "\n".join(p for p in parts if p)


def _sentences(text: str | None) -> list[str]:
    return sentences(text or "", marks=".!?")


def lead(text: str | None) -> str | None:
    """The first sentence of a text, or None."""
    found = _sentences(text)
    return found[0] if found else None


def _containing(text: str | None, needle: str | None) -> str | None:
    if not needle:
        return None
    return next((x for x in _sentences(text) if needle.casefold() in x.casefold()), None)


def said_of(category: str, e, fld: str | None = None) -> str | None:
    """The sentence(s) of a regulator's or law's line that state the fact a change is about: its
    date's sentence for a date or status, else its first sentence (with the date's, for a law)."""
    if e is None:
        return None
    if category == "regulator":
        return lead(e.role) or e.name
    dated = _containing(e.summary, e.date_text)
    if fld in ("effective_date", "status"):
        return dated or e.date_text or lead(e.summary) or e.name
    first = lead(e.summary)
    return " ".join(x for x in dict.fromkeys((first, dated)) if x) or e.name


def first_differing(old: str | None, new: str | None) -> tuple[str | None, str | None]:
    """The first sentence of each text that the other does not hold (a rewording's evidence)."""
    a, b = _sentences(old), _sentences(new)
    return (next((x for x in a if x not in b), lead(old)), next((x for x in b if x not in a), lead(new)))


def _names(registry: Registry, key: str, *items) -> tuple[list[str], list[str]]:
    """Every name and acronym an entity has gone by in the timeline."""
    known = registry.entity(key)
    names: list[str] = []
    acronyms: list[str] = []
    for it in items:
        if it is not None:
            names.extend([it.name, *(it.aliases or ())])
            if it.acronym:
                acronyms.append(it.acronym)
    if known is not None:
        for p in known.profiles:
            names.append(p.display)
            acronyms.extend(p.acronyms)
    names = [n for n in dict.fromkeys(names) if n and len(n) > 3 and not re.fullmatch(r"[A-Z]{2,}", n)]
    return names, list(dict.fromkeys(a for a in acronyms if a))


def mentions(text: str, names: list[str], acronyms: list[str]) -> list[str]:
    """The sentences of a text that name an entity, by any name, acronym or instrument number
    ('Provisional Measure 1,303/2025' is 'Provisional Measure No. 1,303/2025') it went by."""
    idents = {i for i in (identifier(n) for n in names) if i and re.search(r"\d{3,}|/", i)}
    if idents:
        numbered = []
        for sentence in sentences(text, marks=".;!?"):
            found = {identifier(m.group(0)) for m in IDENTIFIER.finditer(sentence)}
            if idents & found:
                numbered.append(sentence.strip())
        if numbered:
            return numbered + [s for s in _by_name(text, names, acronyms) if s not in numbered]
    return _by_name(text, names, acronyms)


def _by_name(text: str, names: list[str], acronyms: list[str]) -> list[str]:
    out = []
    patterns = [re.compile(rf"(?<![\w-]){re.escape(n)}(?![\w-])", re.I) for n in names] + \
               [re.compile(rf"(?<![\w-]){re.escape(a)}(?![\w-])") for a in acronyms]
    folded = [f" {fold(n)} " for n in names if len(fold(n).split()) >= 2]
    for sentence in sentences(text, marks=".;!?"):
        f = f" {fold(sentence)} "
        if any(p.search(sentence) for p in patterns) or any(n in f for n in folded):
            out.append(sentence.strip())
    return out


def _explained(text: str, names: list[str], acronyms: list[str]) -> str | None:
    """The sentence that says why an entity left: it names it with a removal word."""
    patterns = [re.compile(rf"(?<![\w-]){re.escape(n)}(?![\w-])", re.I) for n in names if n] + \
               [re.compile(rf"(?<![\w-]){re.escape(a)}(?![\w-])") for a in acronyms if a]
    for sentence in mentions(text, names, acronyms):
        found = [m.start() for p in patterns for m in p.finditer(sentence)]
        for removal in REMOVAL.finditer(sentence):
            # the removal speaks of the entity, not of something else the sentence names on its way
            # ("repealed the 2007 Act and …, bringing VASPs under SEC registration"): near it, or its subject
            if not found or any(abs(at - removal.start()) <= 60 or at <= 12 for at in found):
                return sentence
    return None


def _count(side: Side | None, category: str) -> int | None:
    if side is None:
        return None
    s = side.snap
    if category == "regulator":
        return len(s.regulators)
    if category == "law":
        return len(s.laws)
    return len(s.licensing.requirements)


def collapsed(side: Side, previous: Side | None, following: Side | None, category: str) -> bool:
    """Whether a report's parse collapsed in a category: far fewer entities than its neighbours
    (or a cut-off report that holds none), so its differences there say more about the parse than
    about the law."""
    n = _count(side, category)
    refs = [c for c in (_count(previous, category), _count(following, category)) if c is not None]
    if not refs or n is None:
        return False
    if side.snap.truncated and n < max(refs):
        return True
    return all(r >= 3 and n <= r // 2 for r in refs)


@dataclass
class _Pair:
    older: Side
    newer: Side
    before: Side | None
    after: Side | None
    registry: Registry
    old_text: str = ""
    new_text: str = ""
    suspect: set[str] = field(default_factory=set)  # categories whose differences are the parse's
    suspect_added: set[str] = field(default_factory=set)  # … whose additions undo an earlier collapse


def compare_pair(older: Side, newer: Side, registry: Registry, *, before: Side | None = None,
                 after: Side | None = None) -> list[Change]:
    """Every difference between two consecutive snapshots, each marked material or not. `before`
    and `after` (the neighbours in the timeline) tell an omission from a removal and a collapsed
    parse from a change."""
    if older.snap.sha256() == newer.snap.sha256():
        return []
    p = _Pair(older, newer, before, after, registry, full_text(older.snap), full_text(newer.snap))
    for category in ("regulator", "law", "licensing"):
        if collapsed(newer, older, after, category):
            p.suspect.add(category)
        if before is not None and collapsed(older, before, newer, category):
            p.suspect_added.add(category)
    changes: list[Change] = []
    changes += _entities(p, "regulator")
    changes += _entities(p, "law")
    changes += _stance(p)
    changes += _licensing(p)
    changes += _other(p)
    return sorted(changes, key=lambda c: (ORDER[c.category], not c.material, c.entity_key, c.field or ""))


def _state(side: Side, category: str) -> dict:
    fields = ("name", "acronym") if category == "regulator" else ("name", "effective_date", "status")
    return {k: {f: getattr(e, f) for f in fields} for k, e in side.entities(category).items()}


def _entities(p: _Pair, category: str) -> list[Change]:
    old_ents, new_ents = p.older.entities(category), p.newer.entities(category)
    old_state, new_state = _state(p.older, category), _state(p.newer, category)
    keys = [k for k in old_state.keys() | new_state.keys() if old_state.get(k) != new_state.get(k)]
    out: list[Change] = []
    for key in keys:  # compare_pair sorts what comes out
        if key not in old_state:
            out.append(_added(p, category, key, new_ents[key]))
        elif key not in new_state:
            out.append(_removed(p, category, key, old_ents[key]))
        else:
            for fld, old in old_state[key].items():
                new = new_state[key][fld]
                if old != new:
                    c = _changed(p, category, key, fld, old, new, old_ents[key], new_ents[key])
                    if c is not None:
                        out.append(c)
    out += _reworded(category, old_ents, new_ents)
    return out


def _public(category: str, e) -> dict:
    keep = ("name", "acronym", "role") if category == "regulator" else ("name", "effective_date", "status")
    return {k: getattr(e, k) for k in keep}


def _added(p: _Pair, category: str, key: str, e) -> Change:
    back = p.before is not None and key in p.before.entities(category) and key not in p.older.entities(category)
    if back:
        names, acronyms = _names(p.registry, key, e)
        back = _explained(p.old_text, names, acronyms) is None  # left unexplained, now back: an omission
    suspect = category in p.suspect_added and not back
    return Change(category, "added", e.name, key, new=_public(category, e), material=not back and not suspect,
                  omission=back, suspect=suspect, citations=e.citations,
                  evidence=(e.role if category == "regulator" else e.summary) or None,
                  new_said=said_of(category, e), new_cited=e.citations)


def _removed(p: _Pair, category: str, key: str, e) -> Change:
    names, acronyms = _names(p.registry, key, e)
    evidence = _explained(p.new_text, names, acronyms)
    if evidence is not None:
        return Change(category, "removed", e.name, key, old=_public(category, e), material=True, confirmed=True,
                      evidence=evidence, citations=e.citations, old_said=said_of(category, e), old_cited=e.citations)
    still = mentions(p.new_text, names, acronyms)
    back = p.after is not None and key in p.after.entities(category)
    suspect = category in p.suspect
    # unexplained: news only once the next report also lacks it (and the report did not just lose it)
    confirmed_by_absence = p.after is not None and not back and not still and not suspect
    return Change(category, "removed", e.name, key, old=_public(category, e), material=confirmed_by_absence,
                  confirmed=False, omission=back, suspect=suspect, citations=e.citations,
                  evidence=still[0] if still else None, old_said=said_of(category, e), old_cited=e.citations)


def _renamed(p: _Pair, key: str, old, new) -> str | None:
    """The sentence of the newer report that says a body took a new name."""
    old_names = [n for n in (old.name, *(old.aliases or ())) if n and n != new.name]
    olds = old_names + ([old.acronym] if old.acronym and old.acronym != new.acronym else [])
    if not olds:
        return None
    text = "\n".join([new.role or "", p.new_text])
    new_names = [n for n in (new.name, *(new.aliases or ())) if n and len(n) > 3]
    new_acr = [new.acronym] if new.acronym else []
    for sentence in mentions(text, [n for n in old_names if len(n) > 3],
                             [old.acronym] if old.acronym and old.acronym != new.acronym else []):
        if RENAME.search(sentence) and (sentence in (new.role or "") or mentions(sentence, new_names, new_acr)):
            return sentence
    return None


def _changed(p: _Pair, category: str, key: str, fld: str, old, new, eo, en) -> Change | None:
    c = _changed_facts(p, category, key, fld, old, new, eo, en)
    return None if c is None else replace(c, old_said=said_of(category, eo, fld), new_said=said_of(category, en, fld),
                                          old_cited=eo.citations, new_cited=en.citations)


def _changed_facts(p: _Pair, category: str, key: str, fld: str, old, new, eo, en) -> Change | None:
    cites = en.citations
    if category == "law":
        if fld == "effective_date":
            refinement = dates.refines(old, new)
            return Change("law", "changed", en.name, key, fld, old, new, material=new is not None and not refinement
                          and "law" not in p.suspect, refinement=refinement, evidence=en.date_text or en.summary or None,
                          citations=cites, suspect="law" in p.suspect)
        if fld == "status":
            return Change("law", "changed", en.name, key, fld, old, new, material="unknown" not in (old, new)
                          and "law" not in p.suspect, evidence=en.summary or None, citations=cites,
                          suspect="law" in p.suspect)
        return Change("law", "changed", en.name, key, fld, old, new, material=False, citations=cites)
    evidence = _renamed(p, key, eo, en) if fld in ("name", "acronym") else None
    if fld == "acronym" and (old is None or new is None):
        return Change("regulator", "changed", eo.name, key, fld, old, new, material=False, citations=cites)
    return Change("regulator", "changed", eo.name, key, fld, old, new, material=evidence is not None,
                  evidence=evidence, citations=cites)


def _reworded(category: str, old_ents: dict, new_ents: dict) -> list[Change]:
    """A non-material change for every entity both sides hold whose description was rephrased."""
    attr = "role" if category == "regulator" else "summary"
    fld = "role" if category == "regulator" else "summary"
    out = []
    for key, e in old_ents.items():
        n = new_ents.get(key)
        if n is not None and getattr(e, attr) != getattr(n, attr):
            old_said, new_said = first_differing(getattr(e, attr), getattr(n, attr))
            out.append(Change(category, "changed", e.name, key, fld, getattr(e, attr), getattr(n, attr),
                              material=False, citations=n.citations, old_said=old_said, new_said=new_said,
                              old_cited=e.citations, new_cited=n.citations))
    return out


def _stance(p: _Pair) -> list[Change]:
    old, new = p.older.snap.stance, p.newer.snap.stance
    if old.trading == new.trading:
        return []
    return [Change("stance", "changed", "trading", "trading", "trading", old.trading, new.trading,
                   material="unclear" not in (old.trading, new.trading), evidence=new.summary or None,
                   old_said=lead(old.summary), new_said=lead(new.summary))]


# --- licensing ------------------------------------------------------------------------------

def _body_keys(side: Side) -> dict[str, str]:
    """Regulators' names and acronyms (upper case) -> their timeline keys."""
    out: dict[str, str] = {}
    for key, r in side.entities("regulator").items():
        for n in (r.name, *(r.aliases or ()), r.acronym):
            if n:
                out[n.upper()] = key
    return out


def _same_bodies(a: frozenset[str], b: frozenset[str], ka: dict[str, str], kb: dict[str, str]) -> bool:
    ra = {ka.get(x, x) for x in a}
    rb = {kb.get(x, x) for x in b}
    return ra == rb


# Duties a body discharges (it certifies, admits members, audits): a new body is a changed duty.
_BODY_WORDS = re.compile(r"\bcertif\w+|\baccredit\w+|\bmembership\b|\bmember of\b|\baudit\w*", re.I)


def _compatible(o: Obligation, n: Obligation) -> bool:
    return o.subject is None or n.subject is None or o.subject == n.subject


def _counterpart(o: Obligation, pool: tuple[Obligation, ...], valued: bool = False) -> Obligation | None:
    """The obligation of another report that states the same duty as `o`: the same kind for a
    compatible subject (the same subject first), or, for a duty of no known kind, the same words."""
    if o.concept is None or (o.concept == "licence" and not o.bodies):
        # a duty of no known kind, or a licence of no named body: the same words
        best = max(((similar_words(o, n), n) for n in pool if n.concept == o.concept), default=(0.0, None),
                   key=lambda x: x[0])
        return best[1] if best[0] >= 0.62 else None
    cands = [n for n in pool if n.concept == o.concept and _compatible(o, n) and (not valued or n.amounts or n.percents)]
    cands.sort(key=lambda n: (n.subject != o.subject, not (n.amounts or n.percents)))
    return cands[0] if cands else None


def _stated(ob: Obligation, side: Side | None) -> bool:
    if side is None:
        return False
    reg = regime(side.snap)
    return _counterpart(ob, reg.stated) is not None or (ob.concept is not None and ob.concept in reg.mentioned
                                                        and ob.concept != "licence")


def _licence_bodies(side: Side, keys: dict[str, str], text: str, roles: bool = False) -> dict[str, str]:
    """The regulators a report says grant the licence (registration, authorisation), by key, each
    with the sentence that says so; with `roles`, also those whose role says they license."""
    out: dict[str, str] = {}
    for key, r in side.entities("regulator").items() if roles else ():
        if re.search(r"\blicen[cs](?:es|ing)\b|\bregisters\b|\bauthori[sz]es\b|\bgrants? (?:\w+ )?licen[cs]es\b|"
                     r"\bregistration\b|\bregistry\b|\bregister of\b", r.role or "", re.I):
            out.setdefault(key, f"{r.name}: {r.role}")
    for sentence in sentences(text, marks=".;"):
        for name in licensers(sentence):
            for n in (name, *name.split()):
                key = keys.get(n.upper().strip(" ."))
                if key is not None:
                    out.setdefault(key, sentence)
                    break
    return out


def _licensing(p: _Pair) -> list[Change]:
    out: list[Change] = []
    old_req, new_req = p.older.snap.licensing.required, p.newer.snap.licensing.required
    suspect = "licensing" in p.suspect
    if old_req != new_req:
        out.append(Change("licensing", "changed", "licence required", "required", "required", old_req, new_req,
                          material=old_req is not None and new_req is not None and not suspect,
                          evidence=p.newer.snap.licensing.summary or None,
                          old_said=lead(p.older.snap.licensing.summary), new_said=lead(p.newer.snap.licensing.summary)))
    old, new = regime(p.older.snap), regime(p.newer.snap)
    ka, kb = _body_keys(p.older), _body_keys(p.newer)
    seen: set[str] = set()
    # figures and bodies of the duties both reports state
    for o in old.stated:
        if o.amounts or o.percents:
            n = _counterpart(o, new.stated, valued=True)
            if n is not None and (amounts_contradict(o.amounts, n.amounts) or percents_contradict(o.percents, n.percents)):
                label = o.concept + (f" ({o.subject or n.subject})" if (o.subject or n.subject) else "")
                key = "req:" + slug(f"{o.concept}|{o.subject or n.subject or ''}")
                label = f"{label}: {_short(n.text)}"
                if key not in seen:
                    seen.add(key)
                    out.append(Change("licensing", "changed", label, key, o.concept, o.value(), n.value(),
                                      material=not suspect, suspect=suspect, evidence=n.text, old_said=o.text,
                                      new_said=n.text))
        if o.bodies and _BODY_WORDS.search(o.text):
            kinds = o.concepts | {o.concept}
            cands = [n for n in new.stated if (n.concepts | {n.concept}) & kinds and n.bodies and _compatible(o, n)
                     and _BODY_WORDS.search(n.text)]
            if cands and not any(_same_bodies(o.bodies, n.bodies, ka, kb) or {ka.get(x, x) for x in o.bodies} &
                                 {kb.get(x, x) for x in n.bodies} for n in cands):
                n = cands[0]
                if not any(re.search(rf"(?<![\w-]){re.escape(b)}(?![\w-])", n.text, re.I) for b in o.bodies):
                    key = "req:" + slug(f"{o.concept}|{o.subject or ''}")
                    out.append(Change("licensing", "changed", f"{n.concept}: {n.text}",
                                      key, o.concept, ", ".join(sorted(o.bodies)), ", ".join(sorted(n.bodies)),
                                      material=not suspect, suspect=suspect, evidence=n.text, old_said=o.text,
                                      new_said=n.text))
    # duties that left the report
    for o in old.stated:
        gone = lifted_in(o, p.new_text)
        if o.concept == "licence":
            if gone is not None and not o.bodies and similar_words(o, _as_obligation(gone)) >= 0.5 \
                    and _counterpart(o, new.stated) is None:
                out.append(Change("licensing", "removed", o.label(), "req:" + slug(o.key), old=o.text,
                                  material=True, confirmed=True, evidence=gone, old_said=o.text))
            continue
        if gone is not None and not _restated(o, new):
            out.append(Change("licensing", "removed", o.label(), "req:" + slug(o.key), old=o.value() or o.text,
                              material=True, confirmed=True, evidence=gone, old_said=o.text))
            continue
        if o.elsewhere or _counterpart(o, new.stated) is not None or (o.concept and (
                o.concept in new.mentioned or family(o.concept) in new.mentioned)):
            continue
        if stated_in(o.concept, o.words, p.new_text) is not None:
            continue  # still stated, in another section
        back = _stated(o, p.after)
        # a duty of no known kind is matched by its words, which a paraphrase changes: its silent
        # absence is no evidence it was dropped
        material = p.after is not None and not back and not suspect and o.concept is not None
        out.append(Change("licensing", "removed", o.label(), "req:" + slug(o.key), old=o.value() or o.text,
                          material=material, confirmed=False, omission=back, suspect=suspect, old_said=o.text))
    # duties the report adds: one change per line that states them
    for n in new.stated:
        if n.concept == "licence" or n.elsewhere or n.text in seen:
            continue
        if _counterpart(n, old.stated) is not None or (n.concept and (
                n.concept in old.mentioned or family(n.concept) in old.mentioned)):
            continue
        if n.concept is None and stated_in(None, n.words, p.old_text) is not None:
            continue
        seen.add(n.text)
        back = p.before is not None and _stated(n, p.before) and not _stated(n, p.older)
        sus = "licensing" in p.suspect_added and not back
        out.append(Change("licensing", "added", n.label(), "req:" + slug(n.key), new=n.value() or n.text,
                          material=not back and not sus, omission=back, suspect=sus, evidence=n.text,
                          new_said=n.text))
    # a licence from a body that did not license before
    lic = lambda side: " ".join([side.snap.licensing.summary, *side.snap.licensing.requirements])
    old_bodies = _licence_bodies(p.older, ka, p.old_text, roles=True)
    new_bodies = _licence_bodies(p.newer, kb, lic(p.newer))
    for body, sentence in new_bodies.items():
        if body in old_bodies or sentence in seen:
            continue
        reg = p.newer.entities("regulator")[body]
        if any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", lic(p.older)) for n in
               (reg.name, reg.acronym, *(reg.aliases or ())) if n):
            continue  # the older report already required something of this body
        seen.add(sentence)
        name = p.newer.entities("regulator")[body]
        out.append(Change("licensing", "added", f"licence ({name.acronym or name.name}): {sentence}",
                          "req:" + slug(f"licence|{body}"), new=sentence, material="licensing" not in p.suspect_added,
                          suspect="licensing" in p.suspect_added, evidence=sentence, new_said=sentence))
    return out


def _as_obligation(sentence: str) -> Obligation:
    from tracker.requirements import _words  # the same words the obligations are compared by
    return Obligation("licence", None, sentence, words=_words(sentence))


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[:limit - 3].rsplit(" ", 1)[0] + "…"


def _restated(o: Obligation, new) -> bool:
    """Whether a report that lifts a duty also states it again as it was (its old figures)."""
    n = _counterpart(o, new.stated, valued=bool(o.amounts or o.percents))
    if n is None:
        return False
    if o.amounts or o.percents:
        return bool({(a.currency, a.value) for a in o.amounts} & {(a.currency, a.value) for a in n.amounts}
                    or set(o.percents) & set(n.percents))
    return True


def _other(p: _Pair) -> list[Change]:
    """Sections that are none of the four facts: added, removed or reworded, never material."""
    def texts(s: Snapshot) -> dict[str, tuple[str, str]]:
        return {slug(sec.heading): (sec.heading, " ".join([sec.text, *sec.items]).strip())
                for sec in s.sections if sec.kind == "other"}

    old, new = texts(p.older.snap), texts(p.newer.snap)
    out = []
    for key in old.keys() | new.keys():
        o, n = old.get(key), new.get(key)
        if o is None:
            out.append(Change("other", "added", n[0], key, new=n[1], material=False, new_said=lead(n[1]) or n[0]))
        elif n is None:
            out.append(Change("other", "removed", o[0], key, old=o[1], material=False, old_said=lead(o[1]) or o[0]))
        elif o[1] != n[1]:
            old_said, new_said = first_differing(o[1], n[1])
            out.append(Change("other", "changed", o[0], key, "text", o[1], n[1], material=False, old_said=old_said,
                              new_said=new_said))
    return out


def compare(older: Snapshot, newer: Snapshot, *, before: Snapshot | None = None,
            after: Snapshot | None = None) -> list[Change]:
    """Compare two snapshots on their own (their neighbours, when given, resolved with them): the
    changelog's pairs are compared through `compare_pair` with the whole timeline's registry."""
    from tracker.registry import Registry as _Registry

    reg = _Registry()
    snaps = [s for s in (before, older, newer, after) if s is not None]
    sides = {id(s): Side(s, reg.resolve(s)) for s in snaps}
    side = lambda s: sides[id(s)] if s is not None else None
    return compare_pair(side(older), side(newer), reg, before=side(before), after=side(after))


__all__ = ["Change", "Side", "compare", "compare_pair", "full_text", "collapsed", "mentions", "replace"]
