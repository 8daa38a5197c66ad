"""Licensing requirements as comparable facts.

Reports word, merge and split requirement bullets freely, so requirements are compared as
facets: a facet is one kind of obligation a licence brings (minimum capital, AML/CFT, client
asset segregation …), with the amounts the report gives for it. A bullet that names no known
kind of obligation is kept as a facet of its own, matched across reports by its words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from tracker.resolve import fold, sentences, stem

# The kinds of obligation licensing regimes impose; the label is how a change is named.
CONCEPTS: tuple[tuple[str, str], ...] = (
    ("minimum capital", r"\bcapital\b(?![\s-]+(?:markets?|gains?|flows?)\b)|\bnet assets\b"),
    ("security deposit", r"\bsecurity deposits?\b"),
    ("AML/CFT compliance", r"\bAML\b|\bCFT\b|anti-money|money[- ]laundering|\bKYC\b|know[- ]your[- ]customer|"
                           r"travel rule|suspicious (?:transaction|activity|operation)"),
    ("segregation of client assets", r"segregat\w*|statutory trust|held in trust|separate from the (?:firm|"
                                     r"company|provider)|separate(?:d)? from (?:its|their) own"),
    ("cold storage", r"\bcold (?:wallets?|storage)\b"),
    ("secure storage", r"\bsecure storage\b|\bsafekeeping\b"),
    ("fit and proper management", r"\bfit and proper\b"),
    ("technology risk and cybersecurity", r"technology[- ]risk|cyber\w*|technology governance|information security"),
    ("risk management", r"(?<!technology )\brisk[- ]management\b"),
    ("investor protection", r"\b(?:investor|consumer|customer)[- ]protection\b|complaint handling"),
    ("local incorporation", r"\bincorporated in\b|\blocal (?:entity|subsidiary|incorporation)\b|"
                            r"\blocally incorporated\b"),
    ("independent audit", r"\battestations?\b|\b(?:independent|external) (?:audit\w*)\b|\bauditor\b"),
    ("prudential and conduct standards", r"\bprudential\b|\bconduct (?:standards|rules|requirements)\b"),
)
_CONCEPT_RES = tuple((label, re.compile(p, re.I)) for label, p in CONCEPTS)

_GONE = re.compile(r"\bno longer\b|\b(?:has been|was|were|been|is) (?:dropped|abolished|removed|scrapped|"
                   r"eliminated|lifted|repealed|withdrawn|discontinued)\b|\bdropped\b|\babolished\b|\bscrapped\b|"
                   r"\bnot required\b|\bno (?:longer )?(?:requirement|need)\b|\bstopped\b|\bceased\b|\bwound down\b",
                   re.I)
_PLAN = re.compile(r"\bplans?\b|\bplanned\b|\bflagged\b|\bproposals?\b|\bproposed\b|"
                   r"\bexpected to\b|\bmay (?:in future|later)\b", re.I)
_OBLIGATION = re.compile(r"\bmust\b|\brequire\w*|\bneed\w*\b|\bmandatory\b|\bshall\b|\bha(?:ve|s) to\b|\bobliged\b|"
                         r"\bobligat\w*|\bsubject to\b|\bcompl\w+ with\b|\bprohibit\w*|\bnot (?:be )?(?:allowed|"
                         r"permitted)\b|\bcannot\b|\bonly\b", re.I)
_LICENCE_ITSELF = re.compile(r"^(?:a |an |the )?(?:prior |full |formal )?(?:licen[cs]e|licensing|registration|"
                             r"authori[sz]ation)\b", re.I)

_CUR = (r"(?:US\$|S\$|R\$|A\$|C\$|HK\$|NZ\$|[$€£¥₦₹₽₸₩]|N(?=\d)|(?:AED|USD|EUR|GBP|JPY|SGD|NGN|KZT|BRL|CHF|HKD|INR|CNY|"
        r"ZAR|KES|GHS|AUD|CAD|SAR|QAR|BHD|KRW|TRY|RUB|MXN|ARS|PHP|THB|IDR|MYR|VND|PKR)\s?)")
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_MULT = r"(?:\s?(?:million|billion|thousand|mn|bn|m|k)\b)?"
_AFTER = r"\s(?:AED|USD|EUR|yen|naira|dirhams?|dollars?|euros?|tenge|reais|rupees?|pounds?|francs?)\b"
_AMOUNT = re.compile(rf"{_CUR}{_NUM}{_MULT}|\b{_NUM}{_MULT}{_AFTER}")
_CURRENCY = {"N": "NGN", "$": "USD", "US$": "USD", "S$": "SGD", "R$": "BRL", "A$": "AUD", "C$": "CAD", "HK$": "HKD",
             "NZ$": "NZD", "€": "EUR", "£": "GBP", "¥": "JPY", "₦": "NGN", "₹": "INR", "₽": "RUB", "₸": "KZT",
             "₩": "KRW", "YEN": "JPY", "NAIRA": "NGN", "DIRHAM": "AED", "DIRHAMS": "AED", "DOLLAR": "USD",
             "DOLLARS": "USD", "EURO": "EUR", "EUROS": "EUR", "TENGE": "KZT", "REAIS": "BRL"}
_MULTIPLIER = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
_CHANGE_VERB = re.compile(r"\b(?:rais|increas|reduc|lower|cut|doubl|tripl|quadrupl|hik|revis|amend|chang|"
                          r"lift|mov)\w*", re.I)


@dataclass(frozen=True)
class Amount:
    """A sum of money as written, and its normalised (currency, value) for comparison."""

    text: str
    currency: str
    value: float


def amount_of(text: str) -> Amount | None:
    """Normalise one amount as written ('S$250,000', '₦2 billion', 'JPY 10 million')."""
    m = re.match(rf"\s*({_CUR})?\s*({_NUM})\s*(million|billion|thousand|mn|bn|m|k)?\s*([A-Za-z]+)?", text)
    if not m:
        return None
    cur = (m.group(1) or m.group(4) or "").strip().upper().replace(" ", "")
    cur = _CURRENCY.get(cur, _CURRENCY.get(cur.lower(), cur))
    try:
        value = float(m.group(2).replace(",", ""))
    except ValueError:
        return None
    value *= _MULTIPLIER.get((m.group(3) or "").lower(), 1)
    return Amount(text=text.strip(), currency=cur, value=value)


def amounts_in(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """The amounts a requirement sets between start and end, leaving out thresholds ('where …
    exceed S$6 million') and superseded values ('up from S$250,000', 'raised from A to B')."""
    found = []
    for m in _AMOUNT.finditer(text):
        if m.start() < start or (end is not None and m.start() >= end):
            continue
        before = text[max(0, m.start() - 30):m.start()]
        if re.search(r"(?:exceed\w*|above|over|more than|greater than|beyond)\s*$", before, re.I):
            continue
        if re.search(r"(?:up|down|rising|raised|increased|reduced|lowered|cut) from\s*$|previously\s*$|"
                     r"\bwas\s*$|\bold\s*$", before, re.I):
            continue
        clause = re.split(r"[;.]\s", text[:m.start()])[-1]
        if re.search(r"\bfrom\s*$", before, re.I) and _CHANGE_VERB.search(clause):
            continue
        a = amount_of(m.group(0))
        if a:
            found.append(a)
    return found


@dataclass
class Facet:
    """One obligation as one report states it."""

    label: str
    text: str
    present: bool = True
    amounts: list[Amount] = field(default_factory=list)
    known: bool = True

    def value(self) -> str | None:
        """The amounts as written, for display: None when the report gives none."""
        if not self.amounts:
            return None
        return ", ".join(dict.fromkeys(a.text for a in self.amounts))


def _label(item: str) -> tuple[str | None, str]:
    m = re.match(r"^([^:;.]{2,60}):\s+(.+)$", item)
    if m and len(m.group(1).split()) <= 6:
        return m.group(1).strip(), m.group(2)
    return None, item


def _clauses(text: str) -> list[str]:
    return sentences(text, marks=".;")


@lru_cache(maxsize=512)
def facets(requirements: tuple[str, ...], lead: str = "") -> dict[str, Facet]:
    """The facets a licensing section states: keyed by concept label, or by an item's own words.
    Cached: callers must treat the result as read-only."""
    out: dict[str, Facet] = {}
    loose: list[Facet] = []

    def note(label: str, clause: str, gone: bool, start: int = 0, end: int | None = None) -> None:
        f = out.get(label)
        if f is None:
            f = out[label] = Facet(label=label, text=clause, present=False)
        if not gone:
            f.present = True
            for a in amounts_in(clause, start, end):
                if all(a.text != b.text for b in f.amounts):
                    f.amounts.append(a)
        elif not f.present:
            f.text = clause

    sources = [(r, True) for r in requirements] + [(c, False) for c in _clauses(lead)]
    for item, is_item in sources:
        label, body = _label(item)
        label_concepts = [c for c, rx in _CONCEPT_RES if label and rx.search(label)]
        hit = bool(label_concepts)
        for c in label_concepts:
            first = _clauses(body)[0] if _clauses(body) else body
            note(c, body, bool(_GONE.search(first)))
        for clause in _clauses(item if not label else body):
            spots = sorted((m.start(), c) for c, rx in _CONCEPT_RES for m in [rx.search(clause)] if m)
            for k, (pos, c) in enumerate(spots):
                if c in label_concepts:
                    continue
                end = spots[k + 1][0] if k + 1 < len(spots) else len(clause)
                hit = True
                note(c, clause, bool(_GONE.search(clause)), pos, end)
        if hit or not is_item:
            continue
        kept = " ".join(s for s in _clauses(item) if not _PLAN.search(s))
        gone = bool(_GONE.search(kept))
        if not kept or (not gone and (_LICENCE_ITSELF.match(kept) or not _OBLIGATION.search(kept))):
            continue
        loose.append(Facet(label=label or kept, text=kept, present=not gone,
                           amounts=amounts_in(kept), known=False))
    for f in loose:
        key = "item:" + " ".join(sorted({stem(w) for w in fold(f.label).split() if len(w) > 2}))[:150]
        out.setdefault(key, f)
    return out


def stated_elsewhere(label: str, text: str) -> str | None:
    """The sentence of a whole report that still states a known kind of obligation (reports move
    AML/CFT duties in and out of the licensing section), or None."""
    rx = dict(_CONCEPT_RES).get(label)
    if rx is None:
        return None
    for sentence in sentences(text):
        if rx.search(sentence) and not _GONE.search(sentence):
            return sentence.strip()
    return None


def _words(text: str) -> str:
    return " ".join(sorted({stem(w) for w in fold(text).split() if len(w) > 2}))


def loose_similarity(a: Facet, b: Facet) -> float:
    """How alike two unlabelled requirement items are, in [0, 1]."""
    acr_a = set(re.findall(r"\b[A-Z]{3,}\b", a.text)) - {"AML", "CFT", "KYC"}
    acr_b = set(re.findall(r"\b[A-Z]{3,}\b", b.text)) - {"AML", "CFT", "KYC"}
    bonus = 0.15 if acr_a & acr_b else 0.0
    return min(1.0, fuzz.token_set_ratio(_words(a.text), _words(b.text)) / 100 + bonus)


def amounts_contradict(old: list[Amount], new: list[Amount]) -> bool:
    """True when each side states an amount the other does not: a changed figure, not a detail
    added or dropped."""
    if not old or not new:
        return False
    key = lambda a: (a.currency, round(a.value, 2))
    o, n = {key(a) for a in old}, {key(a) for a in new}
    return bool(o - n) and bool(n - o)
