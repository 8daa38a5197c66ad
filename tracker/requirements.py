"""Licensing requirements as records: what is required, of whom, by which body, at what value.

Reports word, merge and split requirement bullets freely ("Requires sufficient capital, AML/CFT
compliance and secure storage" in one report is three bullets in the next), so each requirement
line is read into obligations: a kind of obligation (minimum capital, AML/CFT, segregation …, or
the line's own words when it names no known kind), the subject it binds (trading platforms,
custodians, stablecoin issuers), the bodies it names, its values (amounts, percentages) and its
polarity (required, lifted, only proposed). Two reports are compared obligation by obligation,
across all their lines at once, so a merged or split bullet still matches: a change is a value,
a body or a polarity that changed, or an obligation that left the whole report.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from tracker.document import sentences
from tracker.model import Snapshot
from tracker.registry import fold, stem
from tracker.vocabulary import LIFTED, OBLIGATION, PLANNED

# The kinds of obligation licensing regimes impose; the label is how a change is named. The licence
# itself comes first: "registration with SEBI" is an obligation of its own, per body.
CONCEPTS: tuple[tuple[str, str], ...] = (
    ("licence", r"\blicen[cs]es?\b(?! holders?)|\bregistration\b|\bregister (?:with|as)\b|\bregistered (?:with|as)\b|"
                r"\bauthori[sz]ation\b|\bpermit\b|\breport (?:accepted|filed|to)\b|\bnotification\b"),
    ("minimum capital", r"\bcapital\b(?![\s-]+(?:markets?|gains?|flows?)\b)|\bnet (?:tangible )?assets\b|\bown funds\b|"
                        r"\bequity\b(?! (?:securities|tokens?))|\bminimum (?:financial )?requirement of\b|"
                        r"\bprudential (?:minimum|requirement)"),
    ("security deposit", r"\bsecurity deposits?\b"),
    ("AML/CFT compliance", r"\bAML\b|\bCFT\b|\bCTF\b|\bATF\b|anti-money|money[- ]laundering|\bKYC\b|\bCDD\b|"
                           r"know[- ]your[- ]customer|customer due diligence|\bdue diligence\b|\bsanctions screening\b"),
    ("travel rule", r"\btravel[- ]rule\b|originator and beneficiary|\btransfer of funds\b"),
    ("suspicious transaction reporting", r"suspicious (?:transaction|activity|operation|matter)s?(?: report\w*)?|\bSTRs?\b"),
    ("record-keeping", r"\brecord[- ]?keeping\b|\bkeep records\b|\bretention of records\b|\brecords? (?:for|retention)\b|"
                       r"\bretain records\b"),
    ("segregation of client assets", r"segregat\w*|statutory trust|held in trust|separate(?:ly)? from (?:the |its |their )?"
                                     r"(?:own|firm|company|provider)|\bbankruptcy-remote\b|\bheld (?:separately|apart)\b|"
                                     r"\bclient (?:money|cash|fiat) (?:held )?(?:at|with|in) banks?\b"),
    ("cold storage", r"\bcold (?:wallets?|storage)\b|\boffline storage\b|\bhot/cold\b"),
    ("custody", r"\bcustod\w*\b|\bsafekeeping\b|\bsecure storage\b|\bsafeguard\w*\b"),
    ("fit and proper management", r"\bfit[- ]and[- ]proper\b|\bfit and proper\b|\bgood repute\b|\bsuitability of "
                                  r"(?:managers|directors|shareholders)\b"),
    ("responsible officers", r"\bresponsible officers?\b|\bprincipal officer\b|\bdesignated director\b|\bcompliance "
                             r"officer\b|\bmanaging directors?\b|\bmoney laundering reporting officer\b|\bMLRO\b"),
    ("technology risk and cybersecurity", r"technology[- ]risk|cyber\w*|technology governance|information[- ]security|"
                                          r"\bISMS\b|information[- ]systems?|\bICT\b|\boperational resilience\b|\bDORA\b"),
    ("risk management", r"(?<!technology )\brisk[- ]management\b|\brisk controls?\b"),
    ("investor protection", r"\b(?:investor|consumer|customer|client|user)[- ]protections?\b|complaint[- ]handling|"
                            r"\bsuitability\b|\bknowledge (?:and suitability )?(?:tests?|checks?)\b"),
    ("disclosure", r"\bwhite ?papers?\b|\bdisclos\w+\b|\bprospectus\b"),
    ("financial promotions", r"\bfinancial promotions?\b|\bpromotions? (?:rules|regime)\b|\badvertis\w+ rules\b|"
                             r"\bmarketing rules\b|\brisk warnings?\b"),
    ("local incorporation", r"\bincorporat\w*\b|\blocal (?:entity|subsidiary|presence|office)\b|\bjoint[- ]stock\b|"
                            r"\bcompany form\b|\bresiden(?:t|ce) (?:director|entity)\b|\bregistered office\b"),
    ("independent audit", r"\battestations?\b|\b(?:independent|external|annual) (?:audit\w*|assurance)\b|\bauditor\b|"
                          r"\baudited\b|\bassurance reports?\b"),
    ("insurance or compensation", r"\binsurance\b|\bcompensation (?:arrangement|scheme|fund)\b|\bindemnity\b"),
    ("reserve backing", r"\breserves?\b|\bbacking\b|\bbacked\b|\bredemption\b|\bredeem\w*\b"),
    ("membership", r"\bmembership\b|\bmember of\b|\bjoin(?:s|ing)? an? (?:SRO|self-regulatory)|\bSRO\b|"
                   r"\bself-regulatory organi[sz]ation\b"),
    ("bank account", r"\bbank accounts?\b|\breal[- ]name\b"),
    ("certification", r"\bcertif\w+\b|\baccredit\w+\b"),
    ("tax reporting", r"\btax (?:data|reporting|information)\b|\breport \w+ transactions to (?:the )?tax\b"),
    ("onboarding programme", r"\bonboard\w*|\bincubat\w*|\bsandbox\w*|\btransitional (?:list|regime|period)\b"),
    ("prudential and conduct standards", r"\bprudential\b|\bconduct (?:standards|rules|requirements)\b|\bgovernance\b"),
)
# Kinds of obligation reports use for one another: a report that spells AML/CFT out as due diligence,
# record-keeping and suspicious-transaction reporting states the same duty.
FAMILIES = {"AML/CFT compliance": "aml", "travel rule": "aml", "suspicious transaction reporting": "aml",
            "record-keeping": "aml", "custody": "custody", "segregation of client assets": "custody",
            "prudential and conduct standards": "prudential", "risk management": "prudential",
            "investor protection": "conduct", "disclosure": "conduct", "financial promotions": "conduct"}


def family(concept: str | None) -> str | None:
    """The family a kind of obligation belongs to (itself when it has none)."""
    return FAMILIES.get(concept, concept) if concept else None
_CONCEPT_RES = tuple((label, re.compile(p, re.I)) for label, p in CONCEPTS)
_RANK = {label: i for i, (label, _) in enumerate(CONCEPTS)}
# Concepts whose obligation is one per body: registration with SEBI and with FIU-IND are two.
_PER_BODY = {"licence"}

_SUBJECTS = (
    ("trading platforms", r"\btrading platforms?\b|\bexchanges?\b(?! (?:of|between|services?))|\bVATPs?\b|\bplatform operators?\b"),
    ("custodians", r"\bcustodians?\b|\bcustody (?:providers?|services?)\b|\bwallet providers?\b"),
    ("stablecoin issuers", r"\bstablecoin issuers?\b|\bissuers? of (?:\w+ )?stablecoins?\b|\bstablecoin issuance\b|"
                           r"\b(?:e-money|asset-referenced) tokens?\b|\bstablecoins?\b"),
    ("brokers and dealers", r"\bbrokers?\b|\bdealers?\b|\bdealing\b|\bintermediar(?:y|ies)\b"),
    ("token issuers", r"\btoken (?:issuers?|offerings?)\b|\bpublic offers?\b|\bICOs?\b"),
    ("banks", r"\bbanks?\b(?= (?:that|offering|providing|must|may))|\bcredit institutions?\b"),
)
_SUBJECT_RES = tuple((label, re.compile(p, re.I)) for label, p in _SUBJECTS)

_CUR = (r"(?:US\$|S\$|R\$|A\$|C\$|HK\$|NZ\$|NT\$|[$€£¥₦₹₽₸₩₺]|N(?=\d)|(?:AED|USD|EUR|GBP|JPY|SGD|NGN|KZT|BRL|CHF|HKD|INR|"
        r"CNY|ZAR|KES|GHS|AUD|CAD|SAR|QAR|BHD|KRW|TRY|RUB|MXN|ARS|PHP|THB|IDR|MYR|VND|PKR|TWD|NZD|SEK|NOK|DKK|PLN)\s?)")
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_MULT = r"(?:\s?(?:million|billion|thousand|trillion|crore|lakh|mn|bn|m|k)\b)?"
_AFTER = r"\s(?:AED|USD|EUR|GBP|yen|naira|dirhams?|dollars?|euros?|tenge|reais|rupees?|pounds?|francs?|won|lira|baht)\b"
_AMOUNT = re.compile(rf"{_CUR}{_NUM}{_MULT}|\b{_NUM}{_MULT}{_AFTER}")
_PERCENT = re.compile(r"\b(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent\b|percent\b)")
_CURRENCY = {"N": "NGN", "$": "USD", "US$": "USD", "S$": "SGD", "R$": "BRL", "A$": "AUD", "C$": "CAD", "HK$": "HKD",
             "NZ$": "NZD", "NT$": "TWD", "€": "EUR", "£": "GBP", "¥": "JPY", "₦": "NGN", "₹": "INR", "₽": "RUB",
             "₸": "KZT", "₩": "KRW", "₺": "TRY", "YEN": "JPY", "NAIRA": "NGN", "DIRHAM": "AED", "DIRHAMS": "AED",
             "DOLLAR": "USD", "DOLLARS": "USD", "EURO": "EUR", "EUROS": "EUR", "TENGE": "KZT", "REAIS": "BRL",
             "RUPEE": "INR", "RUPEES": "INR", "POUND": "GBP", "POUNDS": "GBP", "FRANC": "CHF", "FRANCS": "CHF",
             "WON": "KRW", "LIRA": "TRY", "BAHT": "THB"}
_MULTIPLIER = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
               "trillion": 1e12, "crore": 1e7, "lakh": 1e5}
_SUPERSEDED = re.compile(r"(?:up|down|rising|raised|increased|reduced|lowered|cut|changed|moved) from\s+(?:the\s+|a\s+)?$|"
                         r"\bpreviously\s*$|\(previously\s*$|\bwas\s*$|\bold\s*$|\bformerly\s*$|\b(?:instead of|rather "
                         r"than|compared with|replacing|in place of)\s+(?:the\s+|a\s+)?$|\b(?:originally|initially|"
                         r"earlier|previously) (?:proposed|planned|set)\s+(?:at\s+|of\s+)?$", re.I)
_CHANGE_VERB = re.compile(r"\b(?:rais|increas|reduc|lower|cut|doubl|tripl|quadrupl|hik|revis|amend|chang|lift|mov)\w*",
                          re.I)


@dataclass(frozen=True)
class Amount:
    """A sum of money as written, and its normalised (currency, value) for comparison."""

    text: str
    currency: str
    value: float

    def display(self) -> str:
        """As written, with the ISO currency code where the text gives a symbol: 'S$500,000 (SGD 500,000)'."""
        if self.text.upper().startswith(self.currency) or self.currency == "":
            return self.text
        number = re.search(rf"{_NUM}{_MULT}", self.text)
        figure = number.group(0).strip() if number else f"{self.value:g}"
        return f"{self.text} ({self.currency} {figure})"


def amount_of(text: str) -> Amount | None:
    """Normalise one amount as written ('S$250,000', '₦2 billion', 'JPY 10 million')."""
    m = re.match(rf"\s*({_CUR})?\s*({_NUM})\s*(million|billion|thousand|trillion|crore|lakh|mn|bn|m|k)?\s*([A-Za-z]+)?",
                 text)
    if not m:
        return None
    cur = (m.group(1) or m.group(4) or "").strip().upper().replace(" ", "")
    cur = _CURRENCY.get(cur, cur)
    try:
        value = float(m.group(2).replace(",", ""))
    except ValueError:
        return None
    value *= _MULTIPLIER.get((m.group(3) or "").lower(), 1)
    return Amount(text=text.strip(), currency=cur, value=value)


def amounts_in(text: str) -> list[tuple[int, Amount]]:
    """The amounts a requirement sets, with their positions, leaving out thresholds ('where …
    exceed S$6 million', 'deposits up to CHF 100 million') and superseded values ('up from
    S$250,000', 'raised from A to B')."""
    found = []
    for m in _AMOUNT.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        ranged = re.search(rf"(?:from|between)\s+{_CUR}?{_NUM}{_MULT}\s+(?:up\s+)?(?:to|and)\s+$|{_NUM}{_MULT}\s+(?:up\s+)?to\s+$",
                           text[max(0, m.start() - 60):m.start()], re.I)
        if not ranged and re.search(r"(?:exceed\w*|above|over|more than|greater than|beyond|up to|below|under|"
                                    r"threshold of|transfers? of|worth)\s*$", before, re.I):
            continue
        if re.search(r"(?:up|down|rising|raised|increased|reduced|lowered|cut|changed|moved) from\s+(?:the\s+|a\s+)?$|"
                     r"previously\s*$|\bwas\s*$|\bold\s*$|\bformerly\s*$|\b(?:instead of|rather than|compared with|"
                     r"replacing|in place of)\s+(?:the\s+|a\s+)?$|\b(?:originally|initially|earlier|previously) "
                     r"(?:proposed|planned|set)\s+(?:at\s+|of\s+)?$", before, re.I):
            continue
        clause = re.split(r"[;.]\s", text[:m.start()])[-1]
        if re.search(r"\bfrom\s*$", before, re.I) and _CHANGE_VERB.search(clause):
            continue
        a = amount_of(m.group(0))
        if a:
            found.append((m.start(), a))
    return found


@dataclass(frozen=True)
class Obligation:
    """One obligation one report states: its kind (or its own words), whom it binds, the bodies it
    names, its values, and whether it stands."""

    concept: str | None  # None: the line names no known kind; `words` then identify it
    subject: str | None
    text: str
    bodies: frozenset[str] = frozenset()
    amounts: tuple[Amount, ...] = ()
    percents: tuple[str, ...] = ()
    lifted: bool = False
    proposed: bool = False
    words: frozenset[str] = frozenset()
    elsewhere: bool = False  # stated outside the licensing section
    concepts: frozenset[str] = frozenset()  # every kind its words mention

    @property
    def key(self) -> str:
        """What the obligation is, for alignment: kind, subject and (for licences) the body."""
        if self.concept is None:
            return "item:" + " ".join(sorted(self.words))[:150]
        body = ",".join(sorted(self.bodies)) if self.concept in _PER_BODY else ""
        return f"{self.concept}|{self.subject or ''}|{body}"

    def label(self) -> str:
        """How a reader knows it: the kind, its subject, the report's words."""
        words = self.text if len(self.text) <= 160 else self.text[:157].rsplit(" ", 1)[0] + "…"
        if self.concept is None:
            return words
        head = self.concept + (f" ({self.subject})" if self.subject else "")
        return f"{head}: {words}"

    def value(self) -> str | None:
        """The values as written, for display: None when the report gives none."""
        parts = [a.display() for a in self.amounts] + [f"{p}%" for p in self.percents]
        return ", ".join(dict.fromkeys(parts)) or None


_BODY_TOKEN = re.compile(r"(?<![\w-])[A-ZÀ-ÝİŞĞ][A-Za-zÀ-ÿİŞĞıüöçğş0-9&-]{1,9}(?![\w-])")
_NOT_BODY = {"AML", "CFT", "CTF", "KYC", "CDD", "ATF", "AML/CFT", "AML/CTF", "STR", "STRS", "ICT", "ISMS", "VASP",
             "VASPS", "CASP", "CASPS", "KRW", "USD", "EUR", "GBP", "TRY", "HKD", "SGD", "AED", "NGN", "JPY", "CHF",
             "INR", "BRL", "AUD", "CAD", "THB", "II", "III", "IV", "DLT", "VA", "VAS", "VDA", "VDAS", "IT", "EEA", "EU",
             "MLRS", "FSMA", "PMLA", "DORA", "MICA", "MICAR", "TFR", "ETF", "ETFS", "SRO", "SROS", "OTC", "NFT",
             "NFTS", "DEFI", "ICO", "CBDC", "FIAT", "AFS", "RFB"}


def _bodies(text: str, known: frozenset[str]) -> frozenset[str]:
    """The authorities a requirement names: acronyms, and the regulators' names the report gives."""
    out = {t.upper() for t in _BODY_TOKEN.findall(text) if t.upper() not in _NOT_BODY and not t.isdigit()
           and sum(c.isupper() for c in t) >= 2}
    low = fold(text)
    for name in known:
        if len(name) > 6 and f" {fold(name)} " in f" {low} ":
            out.add(name.upper())
    return frozenset(out)


def _subject(text: str) -> str | None:
    hits = [(m.start(), label) for label, rx in _SUBJECT_RES for m in [rx.search(text)] if m]
    return min(hits)[1] if hits else None


def _amount_subject(clause: str, after: int, nxt: int, prev: int, at: int) -> str | None:
    """Whom a figure binds: 'EUR 150,000 for trading platforms', else 'trading platforms at least
    EUR 150,000' (the subject between the figure before it and this one)."""
    paren = re.match(r"\s*\(([^)]*)\)", clause[after:nxt])
    if paren and _subject(paren.group(1)):
        return _subject(paren.group(1))  # "TRY 250 million (trading platforms)"
    m = re.match(r"\s*(?:\([^)]*\)\s*)?(?:for|of|applies to|applying to)\s+(.{0,70})", clause[after:nxt])
    if m:
        return _subject(m.group(1))
    hits = [(x.start(), label) for label, rx in _SUBJECT_RES for x in rx.finditer(clause[prev:at])]
    return max(hits)[1] if hits else None


def _words(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in fold(text).split() if len(w) > 2 and w not in
                     {"the", "and", "for", "with", "must", "are", "have", "has", "their", "that", "which", "under",
                      "all", "any", "its", "from", "into", "been", "being", "also", "per"})


def _label(item: str) -> tuple[str | None, str]:
    m = re.match(r"^([^:;.]{2,60}):\s+(.+)$", item)
    if m and len(m.group(1).split()) <= 6:
        return m.group(1).strip(), m.group(2)
    return None, item


def _clauses(text: str) -> list[str]:
    return sentences(text, marks=".;")


# Sentences about the requirements rather than requirements ("The corporate requirements are demanding.")
_META = re.compile(r"^\W*(?:the\s+)?(?:\w+\s+){0,3}(?:requirements?|obligations|conditions|rules)\s+(?:are|is|follow|"
                   r"include|cover|apply|remain)\b(?!\s+(?:to|that)\b)|^\W*(?:applications?|applicants?)\s+(?:are|is)\s+"
                   r"(?:filed|made|submitted)\b", re.I)


def _segments(clause: str) -> list[tuple[int, str]]:
    """A clause cut into its list members ("sufficient capital, AML/CFT compliance, secure storage,
    and investor protections"), each with its offset."""
    out, pos = [], 0
    for m in re.finditer(r",\s+(?:and\s+|or\s+)?(?![^()]*\))", clause):
        out.append((pos, clause[pos:m.start()]))
        pos = m.end()
    out.append((pos, clause[pos:]))
    return [(at, seg) for at, seg in out if seg.strip()]


def read_line(line: str, bodies_known: frozenset[str] = frozenset(), elsewhere: bool = False) -> list[Obligation]:
    """The obligations one requirement line states: one per member of its lists, named by the
    first kind of obligation the member mentions, or one for the whole line by its own words when
    it names no known kind."""
    label, body = _label(line)
    label_subject = _subject(label) if label else None
    label_concept = next((c for c, rx in _CONCEPT_RES if label and rx.search(label)), None)
    whole = f"{label}: {body}" if label else body
    if _META.search(body) and not amounts_in(body) and not _PERCENT.search(body):
        return []  # "Governance requirements are extensive.": about the duties, not one of them
    if not any(rx.search(whole) for _, rx in _CONCEPT_RES):
        words = _words(whole)
        if not words or _META.search(whole) or (elsewhere and not _STRONG_OBLIGATION.search(whole)):
            return []
        return [Obligation(None, label_subject or _subject(whole), whole.strip(), _bodies(whole, bodies_known), (), (),
                           bool(LIFTED.search(whole)), bool(PLANNED.search(whole)), words, elsewhere)]
    out: list[Obligation] = []
    for clause in _clauses(body) or [body]:
        lifted = bool(LIFTED.search(clause)) or bool(re.search(r"\bscrapped\b|\bdropped\b", clause, re.I))
        proposed = bool(PLANNED.search(clause)) or bool(re.search(r"\bpropos\w+\b|\bwould\b|\bconsult\w*\b",
                                                                  clause, re.I))
        clause_subject = _subject(clause)
        amounts = amounts_in(clause)
        percents = [(m.start(), m.group(1)) for m in _PERCENT.finditer(clause) if not _SUPERSEDED.search(
            clause[max(0, m.start() - 30):m.start()]) and not re.match(r"\s*(?:of (?:fixed|annual|the)|"
                                                                     r"-of-)", clause[m.end():])]
        elaborating = False
        for at, seg in _segments(clause):
            spots = sorted((m.start(), _RANK[c], c) for c, rx in _CONCEPT_RES for m in [rx.search(seg)] if m)
            concept = spots[0][2] if spots else None
            if any(at <= pos < at + len(seg) + 1 for pos, _ in amounts):
                valued = [c for _, _, c in spots if c in ("minimum capital", "security deposit")]
                concept = valued[0] if valued else concept  # the duty the figure belongs to
            elif any(at - 5 <= pos < at + len(seg) + 1 for pos, _ in percents):
                valued = [c for _, _, c in spots if c in ("cold storage", "reserve backing", "minimum capital")]
                concept = valued[0] if valued else concept
            if elaborating:
                continue  # "…, including customer identification, Travel Rule data …": details of the duty before
            if re.match(r"\s*(?:including|such as|e\.g\.|notably|in particular|covering|incl\.)\b", seg, re.I):
                elaborating = True
                continue
            if concept is None and label_concept is not None:
                concept = label_concept
            if concept is None:
                if _STRONG_OBLIGATION.search(seg) and len(_words(seg)) >= 2:
                    # "…, and must identify all holders of their tokens": a duty of no known kind
                    out.append(Obligation(None, label_subject or _subject(seg) or clause_subject, seg.strip(" ,;."),
                                          _bodies(seg, bodies_known), (), (), lifted, proposed, _words(seg), elsewhere))
                continue
            if label_concept is not None and concept != label_concept and at == 0 and \
                    label_concept in ("minimum capital", "cold storage", "security deposit"):
                concept = label_concept  # "Capital: VARA-licensed exchanges need … AED 1.5 million"
            end = at + len(seg)
            mine = tuple(a for pos, a in amounts if at <= pos < end + 1)
            pct = tuple(p for pos, p in percents if at - 5 <= pos < end + 1)
            text = f"{label}: {clause}" if label else clause
            ranged = bool(re.search(rf"(?:from|between)\s+\S*{_NUM}", seg)) or bool(re.search(rf"{_NUM}{_MULT}\s+(?:up\s+)?to\s", seg))
            if concept == "minimum capital" and len(mine) > 1 and not ranged:
                # "TRY 250 million for trading platforms and TRY 500 million for custodians": one per subject
                spots_at = [pos for pos, a in amounts if a in mine]
                for k, (pos, a) in enumerate([(pos, a) for pos, a in amounts if a in mine]):
                    nxt = spots_at[k + 1] if k + 1 < len(spots_at) else len(clause)
                    prev = spots_at[k - 1] + len(amounts[0][1].text) if k else 0
                    subj = _amount_subject(clause, pos + len(a.text), nxt, prev, pos) or label_subject
                    out.append(Obligation(concept, subj, text.strip(), _bodies(seg, bodies_known), (a,), (), lifted,
                                          proposed, _words(text), elsewhere))
                continue
            subject = label_subject or _subject(seg) or clause_subject
            out.append(Obligation(concept, subject, text.strip(), _bodies(seg, bodies_known), mine, pct, lifted,
                                  proposed, _words(text), elsewhere, frozenset(c for _, _, c in spots)))
    return _merge(out)


def _merge(obligations: list[Obligation]) -> list[Obligation]:
    """One obligation per key: values and bodies of repeated mentions together."""
    by_key: dict[tuple[str, bool], Obligation] = {}
    for o in obligations:
        prev = by_key.get((o.key, o.lifted))
        if prev is None:
            by_key[(o.key, o.lifted)] = o
            continue
        by_key[(o.key, o.lifted)] = Obligation(prev.concept, prev.subject, prev.text, prev.bodies | o.bodies,
                                   tuple(dict.fromkeys([*prev.amounts, *o.amounts])),
                                   tuple(dict.fromkeys([*prev.percents, *o.percents])),
                                   prev.lifted and o.lifted, prev.proposed and o.proposed, prev.words | o.words,
                                   prev.elsewhere and o.elsewhere, prev.concepts | o.concepts)
    return list(by_key.values())


_OBLIGED_SUBJECT = re.compile(r"\b(?:provider|providers|platforms?|exchanges?|firms?|operators?|issuers?|custodians?|"
                              r"VASPs?|CASPs?|DASPs?|businesses|companies|applicants?|licensees?|dealers?|brokers?|"
                              r"intermediaries|entities|institutions)\b", re.I)
_STRONG_OBLIGATION = re.compile(r"\bmust\b|\bshall\b|\brequired to\b|\bis required\b|\bare required\b|\bneeds? (?:a|an|to)\b|"
                                r"\bhas to\b|\bhave to\b|\bmandatory\b|\bcompulsory\b|\bobliged to\b|\bno longer (?:need|"
                                r"required|has to|have to|must)\b|\bdropped the requirement\b", re.I)


@lru_cache(maxsize=1024)
def _obligations(requirements: tuple[str, ...], lead: str, other: tuple[str, ...],
                 bodies: frozenset[str]) -> tuple[Obligation, ...]:
    out: list[Obligation] = []
    for line in requirements:
        out.extend(read_line(line, bodies))
    for sentence in sentences(lead, marks=".;"):
        if OBLIGATION.search(sentence) and not re.match(r"^(?:there is no|no )", sentence, re.I):
            # a lead states the licence and the figures; the rest of what it says is detail
            out.extend(o for o in read_line(sentence, bodies) if o.concept == "licence" or o.amounts or o.percents)
    for sentence in other:
        out.extend(read_line(sentence, bodies, elsewhere=True))
    return tuple(_merge(out))


@dataclass(frozen=True)
class Regime:
    """A report's licensing regime as obligations: those it states, those it says were lifted, and
    every kind of obligation its licensing text mentions at all."""

    stated: tuple[Obligation, ...]
    lifted: tuple[Obligation, ...]
    mentioned: frozenset[str]


@lru_cache(maxsize=1024)
def _regime(snap_obligations: tuple[Obligation, ...], licensing_text: str) -> Regime:
    mentioned = {c for s in sentences(licensing_text, marks=".;")
                 if not LIFTED.search(s) for c, rx in _CONCEPT_RES if rx.search(s)}
    mentioned |= {o.concept for o in snap_obligations if o.concept and not o.lifted}
    mentioned |= {family(c) for c in mentioned}
    return Regime(tuple(o for o in snap_obligations if not o.lifted), tuple(o for o in snap_obligations if o.lifted),
                  frozenset(mentioned))


def regime(snap: Snapshot) -> Regime:
    """The licensing regime a snapshot states."""
    return _regime(obligations(snap), " ".join([snap.licensing.summary, *snap.licensing.requirements]))


_LICENSER = re.compile(
    r"\b(?:registration|licen[cs]e|authori[sz]ation|permit|approval)\s+(?:with|from|by|of|issued by|granted by)\s+"
    r"(?:the\s+)?(?P<a>[^\s,;.()]+(?:\s+(?-i:[A-Z])[^\s,;.()]*){0,5})|"
    r"\b(?:registered|licensed|authori[sz]ed|regulated|approved)\s+(?:with|by)\s+(?:the\s+)?(?P<b>[^\s,;.()]+(?:\s+(?-i:[A-Z])[^\s,;.()]*){0,5})|"
    r"\bregister\s+(?:with|at)\s+(?:the\s+)?(?P<c>[^\s,;.()]+(?:\s+(?-i:[A-Z])[^\s,;.()]*){0,5})|"
    r"\b(?P<d>(?-i:[A-Z])[\w-]{1,12})(?:'s)?\s+(?:registration|licen[cs]e|authori[sz]ation)\b|"
    r"\b(?P<f>(?-i:[A-Z])[\w]{1,12})-(?:registered|licensed|authori[sz]ed|regulated)\b|"
    r"\breport(?:ed)?\s+(?:accepted\s+)?(?:by|to|with)\s+(?:the\s+)?(?P<e>(?-i:[A-Z])[\w-]{1,12})", re.I)


def licensers(text: str) -> list[str]:
    """The bodies a text says grant a licence, registration or authorisation ('registration with
    FIU-IND', 'SEBI registration', 'licensed by the SFC')."""
    out = []
    for m in _LICENSER.finditer(text):
        if re.match(r"\s*(?:'s\s+)?(?:consent|approval|agreement|opinion|input)\b", text[m.end():], re.I):
            continue  # "authorisation with BOK consent": the BOK consents, another body licenses
        name = next(g for g in m.groups() if g)
        out.append(name.strip())
    return out


def concept_pattern(concept: str) -> re.Pattern | None:
    """The words that state a kind of obligation."""
    return dict(_CONCEPT_RES).get(concept)


def obligations(snap: Snapshot) -> tuple[Obligation, ...]:
    """Every obligation a snapshot states: its licensing section's lines and lead, and obligation
    sentences of its other topical sections ("the issuer must identify every holder")."""
    other = tuple(s for sec in snap.sections if sec.kind == "other"
                  for s in sentences(" ".join([sec.text, *sec.items]), marks=".;")
                  if _STRONG_OBLIGATION.search(s) and _OBLIGED_SUBJECT.search(s))
    bodies = frozenset(n for r in snap.regulators for n in (r.name, *(r.aliases or ())) if n)
    return _obligations(tuple(snap.licensing.requirements), snap.licensing.summary, other, bodies)


def similar_words(a: Obligation, b: Obligation) -> float:
    """How alike two obligations' words are, in [0, 1]."""
    if not a.words or not b.words:
        return 0.0
    acr = {w for w in a.words if w.isupper()} & {w for w in b.words if w.isupper()}
    return min(1.0, fuzz.token_set_ratio(" ".join(sorted(a.words)), " ".join(sorted(b.words))) / 100
               + (0.15 if acr or a.bodies & b.bodies else 0.0))


def amounts_contradict(old: Iterable[Amount], new: Iterable[Amount]) -> bool:
    """True when each side states an amount the other does not: a changed figure, not a detail
    added or dropped."""
    key = lambda a: (a.currency, round(a.value, 2))
    o, n = {key(a) for a in old}, {key(a) for a in new}
    return bool(o) and bool(n) and bool(o - n) and bool(n - o)


def percents_contradict(old: Iterable[str], new: Iterable[str]) -> bool:
    """True when the percentages of an obligation changed ('90%' to '95%')."""
    o, n = {float(p) for p in old}, {float(p) for p in new}
    return bool(o) and bool(n) and bool(o - n) and bool(n - o)


def stated_in(concept: str | None, words: frozenset[str], text: str) -> str | None:
    """The sentence of a whole report that still states an obligation (reports move AML/CFT duties
    in and out of the licensing section), or None."""
    rx = dict(_CONCEPT_RES).get(concept) if concept else None
    for sentence in sentences(text, marks=".;"):
        if LIFTED.search(sentence):
            continue
        if rx is not None and rx.search(sentence) and OBLIGATION.search(sentence):
            return sentence.strip()
        if rx is None and words and len(words & _words(sentence)) >= max(2, int(0.7 * len(words))):
            return sentence.strip()
    if rx is None and words:
        # "Licences come in three classes: Class F, the full licence; Class M, …": a list the
        # report spreads over clauses
        parts = sentences(text, marks=".;")
        for k in range(len(parts)):
            window = " ".join(parts[k:k + 4])
            if len(words & _words(window)) >= max(3, int(0.8 * len(words))):
                return window.strip()
    return None


# a sentence that opens with a body ("The FCA dropped …") is about what the body did, not the body itself
BODY_ACRONYM = re.compile(r"^\W*(?:the\s+)?[A-Z]{2,}\s+(?:has|have|had|now|no longer (?!appl|exist|operat)|stopped|dropped|scrapped|removed|"
                          r"abolished|lifted|ended|waived)\b")


_DELISTED = re.compile(r"\b(?:removed|dropped|taken|struck)\s+(?:\w+\s+){0,3}(?:from|off)\s+(?:its|the|a)\s+"
                       r"(?:[\w-]+\s+){0,3}list\b|\b(?:grey|gray|black)[- ]?list(?:ing|ed)?\b", re.I)


@lru_cache(maxsize=256)  # one report's text is searched for every obligation of the report before it
def _lifting_sentences(text: str) -> tuple[tuple[str, frozenset[str], re.Match | None], ...]:
    """The sentences of a text that say something was lifted, each with its words and its leading acronym
    (not "the FATF removed Nigeria from its list of …": a country taken off a list, no duty lifted)."""
    return tuple((sentence, _words(sentence), re.match(r"^\W*(?:the\s+)?([A-Z]{3,})\b", sentence))
                 for sentence in sentences(text, marks=".;")
                 if (LIFTED.search(sentence) or re.search(r"\bscrapped\b|\bremoved\b|\bdropped\b", sentence, re.I))
                 and not _DELISTED.search(sentence))


def lifted_in(ob: Obligation, text: str) -> str | None:
    """The sentence of a report that says an obligation was lifted ("MAS dropped the security
    deposit", "no longer required"), or None."""
    rx = dict(_CONCEPT_RES).get(ob.concept) if ob.concept else None
    for sentence, words, lead in _lifting_sentences(text):
        # "ARIP no longer applies": a sentence whose subject is the duty's own acronym
        shared_acronyms = lead is not None and lead.group(1) in set(re.findall(r"\b[A-Z]{3,}\b", ob.text)) and \
            lead.group(1) not in {"AML", "CFT", "KYC", "VASP", "CASP"} and not BODY_ACRONYM.search(sentence[:60])
        if (rx is not None and rx.search(sentence) and (ob.subject is None or _subject(sentence) in (None, ob.subject))) \
                or (ob.words and len(ob.words & words) >= max(2, len(ob.words) // 2)) or shared_acronyms:
            return sentence.strip()
    return None
