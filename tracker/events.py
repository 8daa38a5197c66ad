"""A law's status and effective date, read from the events its description reports.

Each clause is read for steps in the instrument's life (proposed, passed by one chamber, adopted,
commencing, repealed), each with its date, its negation ("not yet passed") and its tense ("will be
repealed"). The status is the latest step that has already happened to the instrument itself; the
effective date is the date of its commencement (past, scheduled or targeted), else, for an
instrument in force, the date it was made. Labelled fields ("Status: …", "Effective: …", a table's
columns) are read before any of this.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from tracker import dates
from tracker.dates import DateMention
from tracker.document import sentences
from tracker.vocabulary import (COMMENCEMENT, CURRENT, DATE_MOVE, DRAFT_NAME, DRAFT_STEP, FUTURE, IN_FORCE_STEP,
                                ISSUANCE_STEP, NO_DATE, NOT_COMMENCEMENT, NOT_YET, PARTIAL_PASSAGE, PASSAGE_STEP,
                                REPEAL_VERB, SAME_DAY)

STAGES = {"draft": 0, "adopted": 1, "in_force": 2, "repealed": 3}
_WEAK_START = re.compile(r"\b(?:since|from|as of|as from|starting|beginning)\b", re.I)
_REPLACES = re.compile(r"\breplac(?:es|ing|e)\b(?!\s+by)", re.I)


@dataclass(frozen=True)
class Event:
    """One step in an instrument's life as a clause reports it."""

    step: str  # draft | partial | made | commence | repeal | weak
    start: int
    end: int
    date: DateMention | None
    negated: bool
    future: bool


@dataclass(frozen=True)
class LawFacts:
    """What a law's text says of it: effective date (ISO, reduced precision), the words that gave
    it, and the status."""

    effective_date: str | None
    date_text: str | None
    status: str


def _clauses(text: str) -> list[tuple[int, str]]:
    """The clauses of a text with their offsets."""
    out = []
    pos = 0
    for s in sentences(text, marks=".;!?"):
        for p in re.split(r"\s+(?:but|while|whereas|although|though)\s+", s):
            if p.strip():
                at = text.find(p, pos)
                at = pos if at < 0 else at
                out.append((at, p))
                pos = at + len(p)
    return out


def _self_repeal(clause: str, m: re.Match) -> bool:
    """Whether a repeal verb tells of the instrument itself ("was repealed", "superseded by …",
    "Repealed from 1 April 2026", "lapsed") rather than of one it repeals ("repealed and replaced
    Decree-Law No. 20", "replacing the 1961 Act")."""
    word = m.group(0).casefold()
    if re.match(r"laps|expir|no longer|ceased|invalid", word):
        return True
    before, after = clause[:m.start()], clause[m.end():]
    if re.search(r"\b(?:was|were|has been|have been|had been|been|be|is|are|being|now|got)\s+(?:\w+ly\s+)?$", before, re.I):
        return True
    if re.match(r"\s+by\b", after, re.I):
        return True
    if not before.strip(" ,;:-–—(") or re.search(r"\b(?:and|but)\s+$", before) and re.search(
            r"\b(?:was|were|has been|been|is)\b", before, re.I):
        # a clause that opens with the participle: passive unless an object follows
        return not re.match(r"\s+(?:and\s+\w+\s+)?(?:the|a|an|its|their|this|these|[A-Z0-9])", after)
    return False


def _self_issued(clause: str, m: re.Match) -> bool:
    """Whether an issuance verb tells of the instrument ('Issued in May 2022', 'was published on
    …', 'issued by BaFin on 2 June 2026') rather than of something else ('tokens issued by banks')."""
    before, after = clause[:m.start()], clause[m.end():]
    if not before.strip(" ,;:-–—(") or re.search(r"\b(?:was|were|has been|have been|had been|been|is|are|first|"
                                                  r"and|which|that)\s+(?:\w+ly\s+)?$", before, re.I):
        return True
    return bool(re.match(r"\s+(?:(?:by|in|on|at|from)\s+(?:the\s+)?(?:[A-Z][\w-]*\s*){0,4}\s*)?(?:on|in)?\s*"
                         r"(?:\d|January|February|March|April|May|June|July|August|September|October|November|"
                         r"December)", after))


def _matches(clause: str) -> list[tuple[str, re.Match]]:
    found: list[tuple[str, re.Match]] = []
    for step, rx in (("repeal", REPEAL_VERB), ("partial", PARTIAL_PASSAGE), ("commence", COMMENCEMENT),
                     ("passed", PASSAGE_STEP), ("issued", ISSUANCE_STEP), ("draft", DRAFT_STEP)):
        for m in rx.finditer(clause):
            if any(m.start() < o.end() and o.start() < m.end() for _, o in found):
                continue
            if step == "repeal" and not _self_repeal(clause, m):
                continue
            if step == "issued" and not _self_issued(clause, m):
                continue  # "stablecoins issued by banks": a participle of another noun, not the instrument's issue
            if step == "draft" and re.fullmatch(r"introduced|proposed|proposes|proposing", m.group(0), re.I) and \
                    not re.match(r"\s+(?:in|into|to|before|on|as|at|for)\b", clause[m.end():], re.I) and \
                    not re.search(r"\b(?:was|were|been|is|being)\s+$", clause[:m.start()], re.I):
                continue  # "introduced the VDA tax regime": the act did something, it was not introduced
            found.append((step, m))
    for m in _WEAK_START.finditer(clause):
        # "in force since …", "repealed from …": the word belongs to the step before it
        if not any(m.start() < o.end() + 2 and o.start() < m.end() for _, o in found):
            found.append(("weak", m))
    for m in _REPLACES.finditer(clause):
        if not any(m.start() < o.end() and o.start() < m.end() for _, o in found):
            found.append(("replaces", m))
    return sorted(found, key=lambda f: f[1].start())


def events(text: str, report_date: dt.date) -> list[Event]:
    """Every step the text reports, clause by clause, each with its date: the first date after its
    verb (before the next step's verb), else one just before it that no other step took."""
    out: list[Event] = []
    for offset, clause in _clauses(text):
        found = _matches(clause)
        # "commencement set from 1 January 2027": a 'from' right after a commencement is its date
        merged: list[tuple[str, re.Match]] = []
        for step, m in found:
            if step == "weak" and merged and merged[-1][0] == "commence" and m.start() - merged[-1][1].end() <= 30:
                continue
            merged.append((step, m))
        found = merged
        mentions = [d for d in dates.find_dates(clause) if not _in_title(clause, d)]
        taken: set[int] = set()
        assigned: list[DateMention | None] = []
        for k, (step, m) in enumerate(found):
            nxt = found[k + 1][1].start() if k + 1 < len(found) else len(clause)
            after = [d for d in mentions if m.end() <= d.start < max(nxt, m.end() + 1) and d.start - m.end() <= 100
                     and d.start not in taken]
            date = after[0] if after else None
            if date is not None:
                taken.add(date.start)
            assigned.append(date)
        for k, (step, m) in enumerate(found):
            if assigned[k] is None and not (step == "commence" and re.search(r"\bdate\b", m.group(0), re.I)):
                # ("…on 24 February, which moved the start date back": the noun takes no date before it)
                prev_end = found[k - 1][1].end() if k else 0
                before = [d for d in mentions if prev_end <= d.start and d.end <= m.start() and m.start() - d.end <= 25
                          and d.start not in taken]
                if before:
                    assigned[k] = before[-1]
                    taken.add(before[-1].start)
        for k, (step, m) in enumerate(found):
            date = assigned[k]
            if date is not None and step == "commence":
                # "moved back from 1 March 2027 to 1 June 2027": the date it moved to
                rest = [d for d in mentions if d.start > date.end]
                if rest and re.fullmatch(r"\s*(?:to|until|and|,)\s*", clause[date.end:rest[0].start], re.I) and \
                        DATE_MOVE.search(clause[max(0, m.start() - 60):date.start]):
                    date = rest[0]
            prev_end = found[k - 1][1].end() if k else 0
            head = clause[max(prev_end, m.start() - 45):m.start()]
            negated = bool(NOT_YET.search(head)) or bool(re.match(r"\s*yet\b", clause[m.end():m.end() + 5])) or (
                # "12 months after Royal Assent", "once passed": a point of reference, not a step taken
                date is None and bool(re.search(r"\b(?:after|upon|once|until|before|when|pending|awaiting|following|"
                                                r"on|at)\s+(?:its\s+|the\s+)?$", head, re.I)) and step != "commence")
            future = bool(FUTURE.search(head)) or (step == "commence" and date is not None and date.iso is not None
                                                    and dates.period_start(date.iso) > report_date) or (
                # "comes into force on a day to be fixed", "applies once the rules are made"
                step == "commence" and bool(re.match(r"[^.;]{0,40}?\b(?:to be (?:fixed|set|appointed|determined|"
                                                     r"announced|decided)|once|upon)\b", clause[m.end():]))) or (
                k > 0 and out and out[-1].future and out[-1].start >= offset and not re.search(
                    r"[,;]\s|\band\b|\bbut\b", clause[found[k - 1][1].end():m.start()]))
            if step in ("passed", "issued") and re.search(r"\bdraft\b|\bconsultation\b|\bexposure\b",
                                                          clause[:m.start()], re.I):
                step = "draft"  # "Draft statutory instrument published …": what was published is a draft
            if step == "commence" and date is None and SAME_DAY.search(clause[m.end():m.end() + 30]):
                earlier = [e.date for e in out if e.date is not None]
                date = earlier[-1] if earlier else None
            if date is not None and date.start < len(clause) and clause[date.start:date.end] == date.text:
                # the date where the whole text has it, as the step is
                date = replace(date, start=offset + date.start, end=offset + date.end)
            out.append(Event(step, offset + m.start(), offset + m.end(), date, negated, future))
    return out


def _in_title(clause: str, d: DateMention) -> bool:
    """Whether a year belongs to an instrument's name ("Act, 1961", "the 2025 Act", "ISA 2007",
    "No. 20 of 2018") rather than standing as a date."""
    if d.precision != 1:
        return False
    before, after = clause[:d.start], clause[d.end:]
    return bool(re.search(r"(?:\b(?:Act|Law|Bill|Code|Ordinance|Regulations?|Rules|Order|Decree|Directive|Resolution|"
                          r"Amendment)|\b[A-Z]{2,}[A-Za-z]*)\s*,?\s*$|\bof\s*$|/\s*$", before)) or bool(
        re.match(r"\s+(?:[A-Z][\w-]*\s+){0,3}(?:Act|Law|Bill|Code|Ordinance|Regulations?|Rules|Order|Decree|"
                 r"Amendments?|Crypto Bill)\b", after))


def _field_status(value: str) -> str | None:
    v = value.casefold()
    if re.search(r"\brepealed\b|\brevoked\b|\blapsed\b|\bsuperseded\b|\bno longer in force\b", v):
        return "repealed"
    if re.search(r"\bnot (?:yet )?in force\b|\bawaiting (?:commencement|entry)\b|\bpending commencement\b", v):
        return "adopted"
    if re.search(r"\bin (?:full )?force\b|\beffective\b|\bapplies\b|\bin effect\b|\bapplicable\b|\bcurrent\b", v):
        return "in_force"
    if PARTIAL_PASSAGE.search(v) or DRAFT_STEP.search(v) or DRAFT_NAME.search(v):
        return "draft"
    if PASSAGE_STEP.search(v) or ISSUANCE_STEP.search(v):
        return "adopted"
    return None


_AWAITING_ASSENT = re.compile(r"\b(?:await(?:s|ing)|pending|sent (?:to|for))\s+(?:the\s+)?(?:presidential|royal|"
                              r"president'?s|king'?s|governor'?s|gubernatorial)\s+(?:assent|signature|endorsement)", re.I)


def _another_bill(text: str, e: Event) -> bool:
    """'the AML/CFT statute, which the Bill would extend to VASPs': a bill spoken of as the subject
    of its own verb is another instrument, and 'the former Bill No. 55' what this one was: neither
    is this one's stage."""
    return text[e.start:e.end].casefold() in ("bill", "bills") and bool(
        re.search(r"\b(?:which|that|as)\s+the\s+$|\b(?:former(?:ly)?|previously|originally)\s+(?:the\s+|a\s+)?(?:draft\s+)?$",
                  text[max(0, e.start - 22):e.start], re.I))  # "(the former Bill No. 55)": what it was


def law_facts(name: str, text: str, report_date: dt.date, *, parenthetical: str = "",
              effective_field: str | None = None, status_field: str | None = None) -> LawFacts:
    """A law's effective date and status from its name, description and labelled fields."""
    year_only = re.fullmatch(r"\s*((?:19|20)\d\d)\s*", parenthetical or "")
    body = text if year_only or not parenthetical else f"{parenthetical}; {text}"
    # a field's label is not part of what it says ("Status: Repealed from 01.04.2026")
    body = re.sub(r"(^|[.;]\s+)(?:current\s+)?(?:status|stage)\s*:\s*", r"\1", body, flags=re.I)
    if status_field:
        body = f"{status_field}; {body}"
    evs = [e for e in events(body, report_date) if not _another_bill(body, e)]
    happened = [e for e in evs if not e.negated and not e.future]

    # effective date: a labelled field, a commencement, a made date, a year after the name
    effective: DateMention | None = None
    explicit_none = False
    if effective_field is not None:
        found = [d for d in dates.find_dates(effective_field) if d.iso]
        if found:
            effective = found[0]
        else:
            explicit_none = True
    draft_name = bool(DRAFT_NAME.search(name))
    drafty = draft_name or any(e.step in ("draft", "partial") for e in happened)
    # a bill is passed only by its passage; a regulator's instrument is made by its issue as well
    passed = any(e.step == "passed" or (e.step == "issued" and not draft_name) for e in happened) or bool(
        _AWAITING_ASSENT.search(body))  # the legislature is done with it: only the head of state's signature is left
    repealed = any(e.step == "repeal" and (e.date is None or e.date.iso is None or
                                           dates.period_start(e.date.iso) <= report_date) for e in happened)
    if effective is None and not explicit_none:
        commencing = [e for e in evs if e.step in ("commence", "replaces") and not e.negated and e.date is not None]
        weak = [e for e in evs if e.step == "weak" and e.date is not None and e.date.precision >= 2]
        if weak and not NO_DATE.search(body):
            commencing = sorted(commencing + weak, key=lambda e: e.start) if commencing else weak
        if commencing:
            effective = commencing[0].date
            if effective.iso is None:
                firm = [e.date for e in commencing if e.date.iso]
                effective = firm[0] if firm else effective
        elif NO_DATE.search(body):
            explicit_none = True
    if effective is None and not explicit_none and year_only:
        return _decide(name, body, evs, happened, year_only.group(1), f"({year_only.group(1)})", report_date,
                       drafty, passed, repealed)
    pending = bool(_PENDING.search(body))
    if effective is None and not explicit_none and not (drafty and not passed):
        made = [e.date for e in happened if e.step in ("passed", "issued") and e.date is not None
                and e.date.precision >= 2]
        own = [d for d in dates.find_dates(parenthetical or "") if d.precision >= 2]
        loose = [d for d in dates.find_dates(body) if d.precision >= 2 and not _cued(body, d)]
        named = [d for d in dates.find_dates(name) if d.precision == 3]
        if own:
            effective = own[0]
        elif made and not pending and not repealed:
            effective = made[0]
        elif loose and not evs and not pending:
            effective = loose[0]
        elif named:
            effective = named[0]
    iso = effective.iso if effective is not None else None
    text_of = _phrase(body, effective) if effective is not None and effective_field is None else (
        effective_field.strip() if effective_field else None)
    return _decide(name, body, evs, happened, iso, text_of, report_date, drafty, passed, repealed,
                   status_field=status_field)


_PENDING = re.compile(r"\bawait\w*|\bnot yet\b|\byet to\b|\bexpected\b|\bpending\b|\bto be (?:fixed|set|determined)\b|"
                      r"\bwill (?:take effect|apply|enter|commence|start)\b|\bhas not been (?:set|fixed)\b", re.I)


def _cued(text: str, d: DateMention) -> bool:
    return bool(re.search(r"\b(?:until|by|before|deadline|expir\w*|within|from|to|ran|running)\s*$",
                          text[max(0, d.start - 20):d.start], re.I))


def _decide(name: str, body: str, evs: list[Event], happened: list[Event], iso: str | None, text_of: str | None,
            report_date: dt.date, drafty: bool, passed: bool, repealed: bool, status_field: str | None = None) -> LawFacts:
    labelled = _field_status(status_field) if status_field else None
    if labelled == "repealed" or (labelled is None and repealed):
        return LawFacts(None if _repeal_date_only(evs, iso) else iso, text_of, "repealed")
    future_start = iso is not None and dates.period_start(iso) > report_date
    # in force: a commencement that has happened (dated in the past, or a verb of being in force)
    commenced = (iso is not None and not future_start) or any(
        e.step == "commence" and IN_FORCE_STEP.search(body[e.start:e.end + 12]) and e.date is None for e in happened)
    if labelled is not None:
        status = labelled
        if status == "in_force" and future_start:
            status = "adopted"
    elif drafty and not passed:
        status = "draft"
    elif commenced:
        status = "in_force"
    elif passed or future_start or any(e.step == "commence" and e.future for e in evs):
        status = "adopted"
    elif any(e.step in ("draft", "partial") for e in evs):
        status = "draft"
    elif any(e.step == "repeal" and e.future for e in evs) or any(e.step == "repeal" for e in evs) and not happened:
        status = "in_force"  # "will be repealed in 2027": in force until then
    elif CURRENT.search(body) or (body.strip() and not FUTURE.search(body) and not NOT_YET.search(body)
                                  and not evs):
        status = "in_force"
    else:
        status = "unknown"
    return LawFacts(iso, text_of, status)


def _repeal_date_only(evs: list[Event], iso: str | None) -> bool:
    """Whether the only date given is the repeal's own ('Repealed from 1 April 2026')."""
    if iso is None:
        return False
    dated = [e for e in evs if e.date is not None and e.date.iso == iso]
    return bool(dated) and all(e.step == "repeal" for e in dated)


def _phrase(text: str, m: DateMention) -> str:
    """The words from the clause's cue to the end of the date, verbatim."""
    start = max(0, m.start - 40)
    while start > 0 and not text[start - 1].isspace():
        start -= 1  # whole words
    head = re.split(r"[;.]\s|:\s|,\s", text[start:m.start])[-1]
    return (head + text[m.start:m.end]).strip()
