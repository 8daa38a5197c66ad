"""Dates in report prose: find them, normalise them to ISO with reduced precision, and tell an
effective date from the signing, publishing and expected dates that stand beside it."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MON = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_VAGUE = r"(?P<vague>early|mid|late|end of|beginning of|start of|spring|summer|autumn|fall|winter|later in|first half of|second half of|[QH][1-4])"

# Most specific first: a mention is taken by the first pattern that matches at its position.
_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b"),
    re.compile(r"\b(?P<d>[0-3]?\d)[./](?P<m>0?[1-9]|1[0-2])[./](?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)/(?P<m>0?[1-9]|1[0-2])/(?P<d>[0-3]?\d)\b"),
    re.compile(rf"\b{_MON}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_VAGUE}[\s-]+(?:{_MON}\s+)?{_YEAR}\b", re.I),
    re.compile(rf"\b{_MON},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}-(?P<m>0[1-9]|1[0-2])\b(?!-)"),
    re.compile(rf"(?<![\d,./-]){_YEAR}(?![\d/-]|,\d)"),
]


@dataclass(frozen=True)
class DateMention:
    """One date as written in the text, with its ISO form (None when only vague)."""

    start: int
    end: int
    text: str
    iso: str | None

    @property
    def precision(self) -> int:
        """1 for a year, 2 for a month, 3 for a day, 0 for a vague date."""
        return 0 if self.iso is None else self.iso.count("-") + 1


def _iso(m: re.Match) -> str | None:
    g = m.groupdict()
    if g.get("vague"):
        return None
    year = int(g["year"])
    month = int(g["m"]) if g.get("m") else (_MONTHS[g["mon"].lower()] if g.get("mon") else None)
    day = g.get("d") or g.get("day")
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, int(day)).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"


def find_dates(text: str) -> list[DateMention]:
    """Every date mention in text, in order, none overlapping another."""
    taken: list[DateMention] = []
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            if any(m.start() < t.end and t.start < m.end() for t in taken):
                continue
            taken.append(DateMention(m.start(), m.end(), m.group(0), _iso(m)))
    return sorted(taken, key=lambda d: d.start)


def parse_date(text: str) -> str | None:
    """The first date in text as ISO (reduced precision allowed), or None."""
    found = [d for d in find_dates(text) if d.iso]
    return found[0].iso if found else None


def period_start(iso: str) -> dt.date:
    """The first day of a reduced-precision ISO date ('2026-07' is 2026-07-01)."""
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def refines(old: str | None, new: str | None) -> bool:
    """True when one date only adds or drops precision without contradicting the other."""
    if not old or not new or old == new:
        return False
    short, long_ = sorted((old, new), key=len)
    return long_.startswith(short)


# What stands just before a date decides what the date is.
_CUES = [
    ("effective", r"in force|into force|effective|take[sn]? effect|took effect|taking effect|in effect|"
                  r"appl(?:y|ies|ied|icable|ying)|commenc\w*|operative|entered into|enter into|"
                  r"go(?:es)? live|went live|start(?:s|ed|ing)? on|set (?:the )?(?:effective )?date (?:at|to|for)"),
    ("since", r"\bsince|\bfrom|\bas of|\bstarting"),
    ("made", r"issued|published|signed|enacted|adopted|passed|approved|promulgated|dated|gazetted|"
             r"assented|decree\b|\bof\b"),
    ("other", r"expected|announced|submitted|proposed|consultation|until|\bby\b|before|deadline|"
              r"transition|expir\w*|laps\w*|within|planned|scheduled for review|introduced|tabled|"
              r"running to|\bto\b|after|reported|launched|opened|held"),
]
_CUE_RE = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _CUES), re.I)
_CHANGE_VERB = re.compile(r"defer\w*|postpone\w*|push\w* back|mov\w*|brought forward|bring\w* forward|"
                          r"delay\w*|chang\w*|extend\w*|shift\w*|amend\w*|revis\w*", re.I)
_NO_DATE = re.compile(r"no (?:effective|commencement|adoption) date|(?:effective|commencement) date (?:has|have) "
                      r"not (?:yet )?been (?:set|fixed)|not yet (?:been )?(?:set|fixed)", re.I)
_PENDING = re.compile(r"not yet|has not been (?:set|fixed)|no (?:effective|commencement) date|awaiting|"
                      r"yet to be|to be (?:fixed|set|determined)|pending|expected|under (?:review|"
                      r"deliberation|discussion|consideration)|\bbill\b|\bdraft\b|propos\w*|would\b",
                      re.I)


def _cue(text: str, mention: DateMention) -> str | None:
    """The kind of the nearest cue before the mention, within its clause."""
    window = text[max(0, mention.start - 70):mention.start]
    window = re.split(r"[;.!?]\s|\)\s*:|:\s", window)[-1]
    last = None
    for m in _CUE_RE.finditer(window):
        last = m
    return last.lastgroup if last else None


@dataclass(frozen=True)
class EffectiveDate:
    """An effective date as ISO (or None when vague or absent) and the words that gave it."""

    iso: str | None
    text: str | None


def effective_date(description: str, *, name: str = "", parenthetical: str = "") -> EffectiveDate:
    """The effective date a law's line gives: a date cued as effective wins; failing one, for an
    instrument that is not pending, the date it was made (issued, signed, a bare month)."""
    year_only = re.fullmatch(r"\s*((?:19|20)\d\d)\s*", parenthetical or "")
    if year_only:
        parenthetical = ""
    text = f"{parenthetical}; {description}" if parenthetical else description
    mentions = find_dates(text)
    fallback: list[tuple[DateMention, str]] = []
    for i, m in enumerate(mentions):
        cue = _cue(text, m)
        if cue in ("effective", "since"):
            if m.precision == 1 and cue == "since":
                continue
            chosen = m
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            if nxt and re.fullmatch(r"\s*(?:to|until|and)\s*", text[m.end:nxt.start], re.I) \
                    and _CHANGE_VERB.search(text[max(0, m.start - 60):m.start]):
                chosen = nxt
            return EffectiveDate(chosen.iso, _phrase(text, chosen))
        if cue in ("made", None) and m.precision >= 2:
            fallback.append((m, cue))
    if _NO_DATE.search(description):
        return EffectiveDate(None, None)
    if year_only:
        return EffectiveDate(year_only.group(1), f"({year_only.group(1)})")
    if _PENDING.search(description):
        return EffectiveDate(None, None)
    if fallback:
        m = fallback[0][0]
        return EffectiveDate(m.iso, _phrase(text, m))
    named = [d for d in find_dates(name) if d.precision == 3]
    if named:
        return EffectiveDate(named[0].iso, named[0].text)
    return EffectiveDate(None, None)


def _phrase(text: str, m: DateMention) -> str:
    """The words from the clause's cue to the end of the date, verbatim."""
    start = max(0, m.start - 40)
    head = re.split(r"[;.]\s|:\s|,\s", text[start:m.start])[-1]
    return (head + text[m.start:m.end]).strip()


def table_date(cell: str) -> EffectiveDate:
    """A table's Effective column: any date in it is the effective date."""
    cell = cell.strip()
    found = find_dates(cell)
    if not found:
        return EffectiveDate(None, cell or None)
    return EffectiveDate(found[0].iso, cell)
