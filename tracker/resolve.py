"""Entity resolution: the same law or agency under a variant name is one entity.

Names are compared after normalising (case, accents, punctuation, plural and verb endings,
filler words, the jurisdiction's own name) and expanding acronyms the reports define, with
rapidfuzz for the fuzzy part. Three guards keep siblings apart: numbers must agree ("No. 6" is
not "No. 10"), an amending instrument is not the act it amends, and an act is not the rules,
decree or guidance made under it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

MATCH = 0.82

_STOP = {"the", "of", "on", "and", "for", "in", "a", "an", "to", "by", "with", "no", "nr", "number",
         "republic", "federal", "national", "new", "draft", "s", "de", "do", "da", "des", "du", "la", "le",
         "del", "partially", "partial", "bill", "amendment", "act"}
_AMENDING = re.compile(r"\bamend\w*|\breform\w*")
_KINDS = {"act": "statute", "law": "statute", "ordinance": "statute", "code": "statute", "statute": "statute",
          "rule": "rules", "rules": "rules", "regulation": "rules", "regulations": "rules", "instrument": "rules",
          "decree": "decree", "order": "decree", "resolution": "decree", "resolutions": "decree",
          "notice": "guidance", "guidance": "guidance", "guideline": "guidance", "guidelines": "guidance",
          "circular": "guidance", "opinion": "guidance", "communique": "guidance"}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-folded ASCII with punctuation turned to spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    text = text.replace("'s", "")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", text)).strip()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude, stable stem: enough to make 'Technologies' and 'Technology' one word."""
    for suffix, repl in (("ies", "y"), ("ments", "ment"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.isdigit():
            return word[: len(word) - len(suffix)] + repl
    return word


def numbers(text: str) -> frozenset[str]:
    """The numbers in a name, commas and dots dropped ('14,478/2022' -> {'14478', '2022'})."""
    return frozenset(n.replace(",", "").replace(".", "") for n in re.findall(r"\d[\d,.]*\d|\d", text))


def kinds(text: str) -> frozenset[str]:
    """The kinds of instrument a name names (statute, rules, decree, guidance)."""
    return frozenset(_KINDS[w] for w in fold(text).split() if w in _KINDS)


@dataclass(frozen=True)
class Names:
    """Everything an entity goes by, prepared for comparison."""

    display: str
    acronym: str | None
    variants: tuple[str, ...]
    amending: bool
    kinds: frozenset[str]
    ident: frozenset[str] = frozenset()


def acronym_map(texts: list[str]) -> dict[str, str]:
    """Acronyms the texts define: 'Astana International Financial Centre (AIFC)' -> AIFC."""
    found: dict[str, str] = {}
    for text in texts:
        for short, long_ in _acronyms_in(text).items():
            found.setdefault(short, long_)
    return found


@lru_cache(maxsize=256)
def _acronyms_in(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in re.finditer(r"((?:[A-Z][\w'’-]+\s+(?:(?:of|the|and|for|on|de|do|da|des)\s+){0,2}){1,8}[A-Z][\w'’-]+)"
                         r"\s+\(([A-Z][A-Za-z&]{1,9})\)", text):
        long_, short = m.group(1), m.group(2)
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", long_) if w[0].isupper())
        if short[0].upper() in initials and short.upper() not in found:
            found[short.upper()] = long_
    return found


def names_of(name: str, acronym: str | None, aliases: tuple[str, ...], jurisdiction_words: frozenset[str],
             acronyms: dict[str, str]) -> Names:
    """Prepare an entity's names: folded, stemmed, the jurisdiction and filler words dropped, the
    acronyms the reports define expanded."""
    words = {w.upper() for text in (name, *aliases) for w in fold(text).split()}
    relevant = tuple(sorted((w, acronyms[w]) for w in words if w in acronyms))
    return _names_of(name, acronym, tuple(aliases), jurisdiction_words, relevant)


@lru_cache(maxsize=8192)
def _names_of(name: str, acronym: str | None, aliases: tuple[str, ...], jurisdiction_words: frozenset[str],
              relevant: tuple[tuple[str, str], ...]) -> Names:
    acronyms = dict(relevant)
    variants = []
    for text in (name, *aliases):
        words = fold(text).split()
        expanded: list[str] = []
        for w in words:
            long_ = acronyms.get(w.upper())
            if long_ and long_.casefold() != text.casefold() and len(w) >= 2:
                expanded.extend(fold(long_).split())
            else:
                expanded.append(w)
        kept = [stem(w) for w in expanded
                if w not in _STOP and w not in jurisdiction_words and not _AMENDING.match(w)]
        variants.append(" ".join(kept) or " ".join(stem(w) for w in words))
    joined = " ".join([name, *aliases])
    return Names(display=name, acronym=acronym.upper() if acronym else None, variants=tuple(variants),
                 amending=bool(_AMENDING.search(fold(name))), kinds=kinds(joined), ident=identifier(name))


_IDENT = re.compile(r"\b(?:No|Nr|Number)\.?\s*(\d[\d,.]*(?:\s*(?:/|of)\s*\d{4})?)|\b(\d[\d,.]*\s*/\s*\d{4})\b", re.I)


def identifier(name: str) -> frozenset[str]:
    """An instrument's number as its name gives it ('No. 10 of 2025', '14,478/2022'), or empty."""
    m = _IDENT.search(name)
    return numbers(m.group(0)) if m else frozenset()


def identifiers(text: str) -> set[frozenset[str]]:
    """Every instrument number a text gives."""
    return {numbers(m.group(0)) for m in _IDENT.finditer(text)}


def _pair_score(a: str, b: str) -> float:
    wa, wb = set(a.split()), set(b.split())
    if not wa or not wb:
        return 0.0
    na = {w for w in wa if w.isdigit()}
    nb = {w for w in wb if w.isdigit()}
    if na and nb and not (na <= nb or nb <= na):
        return 0.0
    small = min(len(wa), len(wb))
    contain = len(wa & wb) / small if small >= 2 else (1.0 if wa == wb else 0.0)
    return max(contain, fuzz.token_sort_ratio(a, b) / 100, fuzz.ratio(a, b) / 100)


def similarity(x: Names, y: Names, *, unique_acronyms: bool = True) -> float:
    """How alike two entities' names are, in [0, 1]."""
    if x.amending != y.amending:
        return 0.0
    if x.kinds and y.kinds and not (x.kinds & y.kinds):
        return 0.0
    if unique_acronyms and x.acronym and y.acronym and x.acronym == y.acronym:
        return 1.0
    best = 0.0
    if x.ident and x.ident == y.ident:
        best = 0.95
    for a in x.variants:
        for b in y.variants:
            best = max(best, _pair_score(a, b))
    if x.acronym and not y.acronym:
        best = max(best, 0.9 if any(x.acronym.casefold() == v for v in y.variants) else 0.0)
    if y.acronym and not x.acronym:
        best = max(best, 0.9 if any(y.acronym.casefold() == v for v in x.variants) else 0.0)
    if x.acronym and y.acronym and x.acronym != y.acronym and best < 1.0:
        best = min(best, 0.75)
    return best


def match(old: list[Names], new: list[Names], threshold: float = MATCH) -> list[tuple[int, int, float]]:
    """Globally greedy one-to-one matching: best pairs first, none under the threshold."""
    def dup(xs):
        seen: dict[str, int] = {}
        for x in xs:
            if x.acronym:
                seen[x.acronym] = seen.get(x.acronym, 0) + 1
        return {a for a, n in seen.items() if n > 1}
    dup_acr = dup(old) | dup(new)
    scored = []
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            unique = not (a.acronym in dup_acr or b.acronym in dup_acr)
            s = similarity(a, b, unique_acronyms=unique)
            if s >= threshold:
                scored.append((s, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_i, used_j, pairs = set(), set(), []
    for s, i, j in scored:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j, s))
    return pairs


_ABBREVIATION = re.compile(r"(?:\b(?:No|Nr|Nos|Art|Arts|Sec|Secs|para|paras|e\.g|i\.e|etc|vs|Mr|Ms|Dr|St|Inc|Ltd|Co|"
                           r"Corp|approx|cf|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$")


def sentences(text: str, *, marks: str = ".;!?") -> list[str]:
    """Split text into sentences (or clauses, with ';' and ':' among the marks) without splitting
    after an abbreviation such as 'No.' or an initial."""
    out: list[str] = []
    for line in text.split("\n"):
        start = 0
        for m in re.finditer(rf"[{re.escape(marks)}]\s+", line):
            piece = line[start:m.start() + 1]
            if piece.endswith(".") and _ABBREVIATION.search(piece):
                continue
            out.append(piece.strip())
            start = m.end()
        out.append(line[start:].strip())
    return [p for p in out if p]


def slug(text: str) -> str:
    """A stable key from a name."""
    return "-".join(fold(text).split())[:120] or "entity"


def mentions(text: str, names: Names, raw_names: tuple[str, ...]) -> list[str]:
    """The sentences of `text` that name the entity (by a name, alias or acronym)."""
    out = []
    needles = [n for n in raw_names if n and len(n) > 3]
    if names.acronym:
        needles.append(names.acronym)
    for sentence in sentences(text):
        for n in needles:
            pattern = r"\b" + re.escape(n) + r"\b"
            if re.search(pattern, sentence, 0 if n.isupper() else re.I):
                out.append(sentence)
                break
    return out
