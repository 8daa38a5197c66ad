"""The timeline's entity registry: every regulator and law a timeline has named, under every name.

Snapshots are resolved in date order, each against everything the timeline has seen before it
(not only the previous report), so an acronym learned once, a bill that became an act, a law cited
by number in one report and by title in another, or an entity left out of one report and back in
the next all keep one key. Resolution is causal: a snapshot's keys depend only on the snapshots
before it, so appending a report never changes an earlier pair.

Each candidate pairing is scored (identifiers, acronyms, names, years, kinds, descriptions and
dates: penalties, not hard guards), exact matches are taken first, and the rest are assigned one
to one: by mutual best, or by scipy's linear_sum_assignment where candidates compete.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from tracker.model import Snapshot
from tracker.names import is_acronym
from tracker.vocabulary import IDENTIFIER, RENAME

MATCH = 0.78  # a pairing scored at or above this is the same entity
LEFTOVER = 0.5  # a law that vanished unexplained and one that appeared, this alike, are one instrument

_STOP = {"the", "of", "on", "and", "for", "in", "a", "an", "to", "by", "with", "no", "nr", "number", "republic",
         "federal", "national", "new", "draft", "s", "de", "do", "da", "des", "du", "la", "le", "del", "partially",
         "partial", "bill", "act", "law", "proposed", "current", "amended", "its", "etc", "cap", "b", "e"}
_AMENDING = re.compile(r"\b(?:amend\w*|reform\w*)\b")
_KINDS = {"act": "statute", "law": "statute", "ordinance": "statute", "code": "statute", "statute": "statute",
          "bill": "statute", "gesetz": "statute",
          "rule": "rules", "rules": "rules", "regulation": "rules", "regulations": "rules", "instrument": "rules",
          "verordnung": "rules",
          "decree": "decree", "order": "decree", "resolution": "decree", "resolutions": "decree",
          "notice": "guidance", "guidance": "guidance", "guideline": "guidance", "guidelines": "guidance",
          "circular": "guidance", "opinion": "guidance", "communique": "guidance", "communiques": "guidance",
          "directive": "directive"}
# acronyms too common to tell two entities apart
_GENERIC_ACRONYMS = {"AML", "CFT", "CTF", "KYC", "EU", "EC", "UK", "US", "VASP", "VASPS", "CASP", "CASPS", "AML/CFT",
                     "AML/CTF", "FX", "IT", "ICT", "SRO", "SROS"}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-folded ASCII with punctuation turned to spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"['’]s\b", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", text)).strip()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude, stable stem: enough to make 'Technologies' and 'Technology' one word."""
    for suffix, repl in (("ies", "y"), ("ments", "ment"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.isdigit():
            return word[: len(word) - len(suffix)] + repl
    return word


def slug(text: str) -> str:
    """A stable key from a name."""
    return "-".join(fold(text).split())[:120] or "entity"


def identifier(name: str) -> str | None:
    """An instrument's own number as its name gives it first ('No. 10 of 2025' -> '10/2025',
    'Regulation (EU) 2023/1114' -> '2023/1114', 'Cap. 571' -> 'cap571'), or None."""
    m = IDENTIFIER.search(name)
    if not m:
        return None
    if m.group("no"):
        nums = re.findall(r"\d[\d,.]*\d|\d", m.group("no"))
        return "/".join(n.replace(",", "").replace(".", "") for n in nums)
    if m.group("eu"):
        return m.group("eu")
    if m.group("cap"):
        return "cap" + m.group("cap").casefold()
    if m.group("code"):
        return m.group("code").casefold()
    return m.group("slash").replace(",", "").replace(".", "")


def _years(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"(?<![\d/.,])(?:19|20|25)\d\d(?![\d/])", text))


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in ("of", "the", "and", "for", "on", "in", "de", "du", "des"))


def _acronym_fits(acronym: str, name: str) -> bool:
    """Whether an acronym abbreviates a name: its letters are the initials, or prefixes of the
    words in order ('AEOI' is Automatic Exchange Of Information, 'FinSA' Financial Services Act)."""
    if "-" in name and _acronym_fits(acronym, name.replace("-", " ")):
        return True  # 'AMLA' is the Anti-Money Laundering Authority
    a = re.sub(r"[^a-z]", "", fold(acronym))
    words = [w for w in fold(name).split() if not w.isdigit()]
    if len(a) < 2 or len(words) < 2:
        return False
    if _initials(words) == a or "".join(w[0] for w in words) == a or _initials([w for w in words if w not in
                                                                                ("ng", "y", "e", "del", "la")]) == a:
        return True

    @lru_cache(maxsize=None)
    def fits(i: int, j: int) -> bool:
        if i == len(a):
            return j == len(words) or all(w in ("act", "law", "the", "of", "and") for w in words[j:])
        if j == len(words):
            return False
        w = words[j]
        if w in ("of", "the", "and", "for", "on", "in", "ng", "de", "del", "la", "y", "e", "des", "du", "der", "fur") \
                and fits(i, j + 1):
            return True
        for k in range(1, len(w) + 1):
            if i + k <= len(a) and a[i:i + k] == w[:k] and fits(i + k, j + 1):
                return True
        return False
    return fits(0, 0)


@dataclass
class Profile:
    """One mention's names prepared for comparison."""

    category: str
    display: str
    variants: tuple[frozenset[str], ...]  # content words of each name, stemmed
    strings: tuple[str, ...]  # each name folded
    acronyms: frozenset[str]
    ident: str | None
    years: frozenset[str]
    kinds: frozenset[str]
    amending: bool
    bill: bool
    words: frozenset[str]  # description words
    effective: str | None = None
    status: str | None = None
    text: str = ""
    objects: tuple[str, ...] = ()  # the instruments it reforms or amends, as named


_OBJECT = re.compile(r"\b(?i:reform(?:ing|s|ed)?|amend(?:ing|s|ed)?|amendments? to|revision of|revising)\s+(?:of\s+)?"
                     r"(?:the\s+)?(?P<obj>(?:No\.?\s*\d[\d,./]*|[A-Z][\w'’-]*|\d[\d,./]*)(?:\s+(?:of\s+|on\s+|the\s+|and\s+|"
                     r"for\s+)?(?:No\.?\s*\d[\d,./]*|[A-Z][\w'’-]*|\d[\d,./]*))*)")

def profile(category: str, name: str, acronym: str | None, aliases: Sequence[str], description: str,
            jurisdiction_words: frozenset[str], effective: str | None = None, status: str | None = None,
            acronyms_defined: dict[str, str] | None = None) -> Profile:
    """The comparable form of one regulator or law of one report; acronyms the report defines are
    spelt out ("Constitutional Law on the AIFC" is also "… on the Astana International Financial Centre")."""
    names = [n for n in (name, *aliases) if n]
    for n in list(names):
        for short, long_ in (acronyms_defined or {}).items():
            if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", n) and fold(long_) != fold(n) and short != n.upper():
                names.append(re.sub(rf"(?<![\w-]){re.escape(short)}(?![\w-])", long_, n))
    acronyms = {acronym.upper()} if acronym else set()
    variants, strings = [], []
    for n in names:
        if is_acronym(n):
            acronyms.add(re.sub(r"\s+(?:19|20)\d\d$", "", n).upper())
        f = fold(n)
        strings.append(f)
        toks = [w for w in f.split() if w not in _STOP and w not in jurisdiction_words]
        variants.append(frozenset(stem(w) for w in toks) or frozenset(stem(w) for w in f.split()))
    joined = " ".join(fold(n) for n in names)
    desc = frozenset(stem(w) for w in fold(description).split() if len(w) > 3 and w not in _STOP)
    objects = tuple(dict.fromkeys(m.group("obj").strip() for text in (name, description[:200])
                                  for m in _OBJECT.finditer(text) if m.group("obj")[:1].isupper()))
    return Profile(category=category, display=name, variants=tuple(variants), strings=tuple(strings),
                   acronyms=frozenset(a for a in acronyms if a not in _GENERIC_ACRONYMS),
                   ident=identifier(name) or next((identifier(a) for a in aliases if identifier(a)), None),
                   years=_years(name), kinds=frozenset(_KINDS[w] for w in joined.split() if w in _KINDS),
                   amending=bool(_AMENDING.search(fold(name))), bill=bool(re.search(r"\b(?:bill|draft|proposal)\b",
                                                                                    fold(name))),
                   words=desc, effective=effective, status=status, text=description, objects=objects)


def name_similarity(a: Profile, b: Profile) -> float:
    """How alike two entities' names are, in [0, 1]: containment of content words, fuzzy token
    ratios, acronyms and initials; years, kinds and amending words that disagree cost."""
    best = 0.0
    for va, sa in zip(a.variants, a.strings):
        for vb, sb in zip(b.variants, b.strings):
            if sa == sb:
                return 1.0
            if not va or not vb:
                continue
            small = min(len(va), len(vb))
            inter = len(va & vb)
            contain = inter / small if small >= 2 else (1.0 if va == vb else 0.0)
            if small >= 2 and inter == small and max(len(va), len(vb)) > small:
                contain = 0.9  # every word of the shorter name in the longer
            fz = max(fuzz.token_sort_ratio(" ".join(sorted(va)), " ".join(sorted(vb))),
                     fuzz.ratio(sa, sb)) / 100
            best = max(best, contain, fz)
    best = max(best, _lead_acronym(a, b), _lead_acronym(b, a))
    shared = a.acronyms & b.acronyms
    if shared:
        best = max(best, 0.96)
    for acr in a.acronyms:
        if any(_acronym_fits(acr, s) for s in b.strings):
            best = max(best, 0.9)
    for acr in b.acronyms:
        if any(_acronym_fits(acr, s) for s in a.strings):
            best = max(best, 0.9)
    return best


def _lead_acronym(a: Profile, b: Profile) -> float:
    """'VASP Act' against 'Virtual Asset Service Providers Bill': a name that opens with an
    acronym, read with the words the acronym abbreviates in the other name."""
    lead, _, rest = a.display.partition(" ")
    if not rest or not is_acronym(lead) or len(lead) < 3:
        return 0.0
    best = 0.0
    for sb in b.strings:
        words = sb.split()
        for k in range(2, len(words)):
            if _acronym_fits(lead, " ".join(words[:k])):
                expanded = " ".join([*words[:k], *fold(rest).split()])
                best = max(best, fuzz.token_sort_ratio(expanded, sb) / 100)
    return best


def score(a: Profile, b: Profile) -> float:
    """How likely two mentions are one entity, in [0, 1]."""
    if a.category != b.category:
        return 0.0
    if a.ident and b.ident:
        if a.ident == b.ident:
            return 0.97
        return 0.05  # "No. 6 of 2025" is not "No. 10 of 2025"
    s = name_similarity(a, b)
    if a.years and b.years and not (a.years & b.years):
        # "Act 2025" is not "Act 1961"; a bill passed a year later keeps its identity
        close = {int(y) for y in a.years} and min(abs(int(x) - int(y)) for x in a.years for y in b.years) <= 1
        if not ((a.bill or b.bill) and close):
            s *= 0.3
    if a.kinds and b.kinds and not (a.kinds & b.kinds) and not (a.bill or b.bill):
        s *= 0.6
    if a.amending != b.amending and not (a.acronyms & b.acronyms) and _amends(a, b):
        s *= 0.75
    if a.category == "regulator" and a.acronyms and b.acronyms and not (a.acronyms & b.acronyms) and s < 1.0:
        s = min(s, 0.74)
    if 0.55 <= s < MATCH and a.words and b.words:
        overlap = len(a.words & b.words) / max(1, min(len(a.words), len(b.words)))
        s = min(MATCH + 0.05, s + 0.2 * overlap)
    return s


def _amends(a: Profile, b: Profile) -> bool:
    """Whether the amending one of two names amends the other: the other's words stand outside
    its parentheses ("Payment Services (Amendment) Act" amends the Payment Services Act;
    "Corporations Amendment (Digital Assets Framework) Bill" is the Digital Assets Framework Bill)."""
    amending, plain = (a, b) if a.amending else (b, a)
    outside = frozenset(stem(w) for w in fold(re.sub(r"\([^()]*\)", " ", amending.display)).split())
    return any(v and v <= outside for v in plain.variants)


def _renamed_from(new: Profile, old: Profile) -> bool:
    """Whether a new entity's own words say it was the old one ('formerly the TSPB', 'renamed')."""
    if not RENAME.search(new.text):
        return False
    text = fold(new.text)
    return any(f" {s} " in f" {text} " for s in old.strings if len(s) > 3) or any(
        re.search(rf"\b{re.escape(a)}\b", new.text) for a in old.acronyms)


def _explained_gone(p: Profile, text: str) -> bool:
    """Whether a report says why an entity left it ('the 2021 bill was dropped')."""
    from tracker.vocabulary import REMOVAL

    low = fold(text)
    for sentence in re.split(r"(?<=[.;!?])\s+", text):
        f = f" {fold(sentence)} "
        if (any(f" {s} " in f for s in p.strings if len(s.split()) >= 2) or any(
                re.search(rf"\b{re.escape(a)}\b", sentence) for a in p.acronyms)) and REMOVAL.search(sentence):
            return True
    del low
    return False


def leftover_score(a: Profile, b: Profile) -> float:
    """How alike a vanished entity and a new one are by what they say and when: a law cited by
    number in one report and by title in the next."""
    if a.category != b.category or (a.ident and b.ident and a.ident != b.ident):
        return 0.0
    words = len(a.words & b.words) / max(1, min(len(a.words), len(b.words))) if a.words and b.words else 0.0
    same_date = 1.0 if a.effective and a.effective == b.effective else 0.0
    same_status = 1.0 if a.status and a.status == b.status else 0.0
    # a bill that disappears as an act appears: the same instrument, passed
    passed = 0.1 if (a.bill or a.status == "draft") != (b.bill or b.status == "draft") and words >= 0.3 else 0.0
    return 0.55 * words + 0.25 * same_date + 0.1 * same_status + 0.1 * name_similarity(a, b) + passed


def _same_object(a: Profile, b: Profile, lookup) -> float:
    """A bonus when two amending instruments amend the same instrument ('a bill reforming the
    Bitcoin Law' and 'the reform of Decree No. 57', the Bitcoin Law's number)."""
    if not a.objects or not b.objects:
        return 0.0
    ka = {lookup(o) for o in a.objects} - {None}
    kb = {lookup(o) for o in b.objects} - {None}
    return 0.3 if ka & kb else 0.0


def assign(scores: list[list[float]], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs (row, column) maximising the total score, none under the threshold.
    Mutual best choices are taken directly; where candidates compete, linear_sum_assignment
    settles the rest (imported only then: it costs a third of a second)."""
    rows = len(scores)
    cols = len(scores[0]) if rows else 0
    pairs: list[tuple[int, int]] = []
    free_r, free_c = set(range(rows)), set(range(cols))
    changed = True
    while changed:
        changed = False
        for i in sorted(free_r):
            cand = [(scores[i][j], j) for j in free_c if scores[i][j] >= threshold]
            if not cand:
                continue
            s, j = max(cand, key=lambda x: (x[0], -x[1]))
            rivals = [(scores[k][j], k) for k in free_r if scores[k][j] >= threshold]
            if max(rivals)[1] == i and sum(1 for x, _ in cand if x >= s - 0.05) == 1 \
                    and sum(1 for x, _ in rivals if x >= s - 0.05) == 1:
                pairs.append((i, j))
                free_r.discard(i)
                free_c.discard(j)
                changed = True
    contested_r = sorted(i for i in free_r if any(scores[i][j] >= threshold for j in free_c))
    contested_c = sorted(j for j in free_c if any(scores[i][j] >= threshold for i in free_r))
    if contested_r and contested_c:
        from scipy.optimize import linear_sum_assignment

        block = [[-(scores[i][j]) if scores[i][j] >= threshold else 0.0 for j in contested_c] for i in contested_r]
        for r, c in zip(*linear_sum_assignment(block)):
            i, j = contested_r[r], contested_c[c]
            if scores[i][j] >= threshold:
                pairs.append((i, j))
    return sorted(pairs)


@dataclass
class Known:
    """An entity the timeline has named: its key and everything it has been called."""

    key: str
    category: str
    profiles: list[Profile] = field(default_factory=list)
    last_index: int = -1

    @property
    def display(self) -> str:
        """The name it went by most recently."""
        return self.profiles[-1].display


def best_score(p: Profile, known: Known) -> float:
    """The best score of a mention against any name the entity has gone by."""
    return max((score(p, q) for q in known.profiles[-6:]), default=0.0)


@dataclass(frozen=True)
class Resolved:
    """A snapshot's regulators and laws, each with its timeline key."""

    regulators: tuple[str, ...]
    laws: tuple[str, ...]


def _jurisdiction_words(name: str) -> frozenset[str]:
    words = fold(name).split()
    initials = "".join(w[0] for w in words if w not in ("of", "the", "and"))
    return frozenset([*words, initials] if len(words) > 1 else words)


def profiles_of(snap: Snapshot) -> tuple[list[Profile], list[Profile]]:
    """The regulators and laws of a snapshot, prepared for comparison."""
    from tracker.names import acronym_definitions

    jw = _jurisdiction_words(snap.jurisdiction)
    text = "\n".join([snap.summary, *(f"{r.name} ({r.acronym}): {r.role}" if r.acronym else r.role for r in snap.regulators),
                      *(x.summary for x in snap.laws), *(s.text for s in snap.sections)])
    defined = acronym_definitions(text)
    regs = [profile("regulator", r.name, r.acronym, r.aliases, r.role, jw) for r in snap.regulators]
    laws = [profile("law", x.name, x.acronym, x.aliases, x.summary, jw, x.effective_date, x.status, defined)
            for x in snap.laws]
    return regs, laws


class Registry:
    """The entities of one timeline, built by resolving its snapshots in order."""

    def __init__(self) -> None:
        self.known: dict[str, list[Known]] = {"regulator": [], "law": []}
        self.index = -1
        self._keys: set[str] = set()

    def _new_key(self, name: str) -> str:
        base = key = slug(name)
        n = 2
        while key in self._keys:
            key, n = f"{base}-{n}", n + 1
        self._keys.add(key)
        return key

    def resolve(self, snap: Snapshot) -> Resolved:
        """Give every regulator and law of the next snapshot its key, learning its names."""
        self.index += 1
        regs, laws = profiles_of(snap)
        text = "\n".join([snap.summary, *(r.role for r in snap.regulators), *(x.summary for x in snap.laws),
                          *(f"{s.text} {' '.join(s.items)}" for s in snap.sections)])
        return Resolved(tuple(self._resolve("regulator", regs, text)), tuple(self._resolve("law", laws, text)))

    def _resolve(self, category: str, items: list[Profile], text: str = "") -> list[str]:
        pool = self.known[category]
        keys: list[str | None] = [None] * len(items)
        # exact names and aliases first: a name the entity went by is the entity
        by_name: dict[str, set[int]] = {}
        for j, k in enumerate(pool):
            for p in k.profiles:
                for s in p.strings:
                    by_name.setdefault(s, set()).add(j)
        taken: set[int] = set()
        for i, p in enumerate(items):
            hits = {j for s in p.strings for j in by_name.get(s, ())} - taken
            if len(hits) == 1:
                j = hits.pop()
                keys[i] = pool[j].key
                taken.add(j)
        rest = [i for i in range(len(items)) if keys[i] is None]
        cols = [j for j in range(len(pool)) if j not in taken]
        if rest and cols:
            matrix = []
            for i in rest:
                row = []
                for j in cols:
                    s = best_score(items[i], pool[j])
                    if s < MATCH and any(_renamed_from(items[i], q) for q in pool[j].profiles[-3:]):
                        s = 0.93
                    if pool[j].last_index == self.index - 1:
                        s += 0.01  # between equals, the one the previous report named
                    row.append(s)
                matrix.append(row)
            for r, c in assign(matrix, MATCH):
                keys[rest[r]] = pool[cols[c]].key
                taken.add(cols[c])
            # a law that vanished from the previous report unexplained and one that appeared in this one,
            # alike by what they say and when: one instrument (a bill passed, a law cited by number)
            rest = [i for i in range(len(items)) if keys[i] is None] if category == "law" else []
            cols = [j for j in range(len(pool)) if j not in taken and pool[j].last_index == self.index - 1
                    and not _explained_gone(pool[j].profiles[-1], text)]
            for _round in range(2):  # the second round knows what the first matched: amended objects resolve
                if not rest or not cols:
                    break
                lookup = self._lookup(category, items, keys)
                matrix = [[leftover_score(items[i], pool[j].profiles[-1]) + _same_object(items[i], pool[j].profiles[-1],
                                                                                        lookup)
                           for j in cols] for i in rest]
                for r, c in assign(matrix, LEFTOVER):
                    keys[rest[r]] = pool[cols[c]].key
                    taken.add(cols[c])
                rest = [i for i in rest if keys[i] is None]
                cols = [j for j in cols if j not in taken]
        out = []
        by_key = {k.key: k for k in pool}
        for i, p in enumerate(items):
            key = keys[i]
            if key is None:
                known = Known(self._new_key(p.display), category)
                pool.append(known)
                by_key[known.key] = known
                key = known.key
            k = by_key[key]
            k.profiles.append(p)
            k.last_index = self.index
            out.append(key)
        return out

    def _lookup(self, category: str, items: list[Profile], keys: list[str | None]):
        """Name or instrument number -> key, over everything known and this report's matches so far."""
        table: dict[str, str] = {}
        for k in self.known[category]:
            for p in k.profiles:
                for s_ in p.strings:
                    table.setdefault(s_, k.key)
                if p.ident:
                    table.setdefault("#" + p.ident, k.key)
        for p, key in zip(items, keys):
            if key is not None:
                for s_ in p.strings:
                    table[s_] = key
                if p.ident:
                    table["#" + p.ident] = key

        def look(name: str) -> str | None:
            ident = identifier(name)
            return table.get("#" + ident) if ident else table.get(fold(name))
        return look

    def names_of(self, key: str) -> list[str]:
        """Every name an entity has gone by, oldest first, each once."""
        for pool in self.known.values():
            for k in pool:
                if k.key == key:
                    return list(dict.fromkeys(p.display for p in k.profiles))
        return []

    def entity(self, key: str) -> Known | None:
        """The entity with this key."""
        for pool in self.known.values():
            for k in pool:
                if k.key == key:
                    return k
        return None


def resolve_timeline(snapshots: Iterable[Snapshot]) -> tuple[Registry, list[Resolved]]:
    """Resolve a whole timeline, oldest first."""
    reg = Registry()
    return reg, [reg.resolve(s) for s in snapshots]
