"""Names of agencies and instruments as reports write them: split from their descriptions, with
acronyms and aliases, compounds cut in two ("FinSA and FinIA"), and found in running prose."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tracker import dates
from tracker.document import strip_markup
from tracker.vocabulary import BODY, IDENTIFIER, INSTRUMENT, INSTRUMENT_HEAD, NAME_CONNECTORS

INSTRUMENT_WORD = re.compile(INSTRUMENT.pattern, re.I)
# Body words that make a name an agency by themselves ("Services" alone does not).
STRONG_BODY = re.compile(r"\b(?:authorit(?:y|ies)|commission|bank|agency|ministry|council|board|office|regulator|"
                         r"bureau|unit|department|directorate|inspectorate|secretariat|treasury|tribunal|"
                         r"institute|committee|administration|centre|center|[A-Z]{2,})\b", re.I)

_DASH_SEP = re.compile(r"\s(?:[–—]|--?)\s")


def is_acronym(s: str) -> bool:
    """'NBK', 'FinSA', 'AML/CFT', 'TÜBİTAK', 'FSMA 2023': short, mostly capitals."""
    core = re.sub(r"\s(?:19|20)\d\d$", "", s.strip())
    if not 2 <= len(core) <= 12 or not core[0].isalpha() or not core[0].isupper():
        return False
    if any(not (ch.isalpha() or ch in "&./-") for ch in core):
        return False
    upper = sum(ch.isupper() for ch in core)
    letters = sum(ch.isalpha() for ch in core)
    return upper >= 2 and upper >= max(2, letters // 2 - 1)


_VERB = re.compile(
    r"\b(?:takes|took|enters|entered|comes|came|signs|signed|publishes|sets|starts|started|begins|began|ends|"
    r"ended|lapses|lapsed|expires|expired|moves|moved|becomes|became|obliges|bars|blocks|warns|"
    r"is|are|was|were|has|have|had|will|would|shall|may|can|must|be|been|being|does|do|did|applies|apply|"
    r"requires|require|sets|set out|covers|governs|took|came|entered|gives|makes|brings|creates|regulates|"
    r"supervises|licenses|licences|registers|issues|oversees|enforces|defines|establishes|provides|remains|"
    r"introduced|introduces|replaced|replaces|passed|adopted|enacted|signed|published|approved|received|"
    r"extends|bans|prohibits|allows|permits|grants|keeps|runs|handles|receives|writes|drafts|sits|works)\b")


def sentence_like(text: str) -> bool:
    """Whether a bullet's name part reads as a sentence (it has a verb of its own, parentheses
    aside) rather than a name."""
    t = re.sub(r"\((?:[^()]|\([^()]*\))*\)", " ", strip_markup(text))
    verbs = [m for m in _VERB.finditer(t) if m.group(0).casefold() not in NAME_CONNECTORS]
    # "Under FINMA Guidance 06/2024, …": a clause, not a name
    opens_clause = re.match(r"\s*(?:Under|In|From|Since|On|By|With|For|At|As|After|Before|Until|Through|Following|"
                            r"Once|When|While|If|Unlike|Besides|Beyond|Alongside)\s", t)
    return bool(verbs) or bool(opens_clause) or len(t.split()) > 28


def name_and_rest(item: str) -> tuple[str, str]:
    """'Name (X): description' -> ('Name (X)', 'description'); the split is the first colon or
    spaced dash outside parentheses, else the first clause."""
    text = re.sub(r"\*\*|__", "", item).strip()
    colon = _first_colon(text)
    named = colon is not None and re.sub(r"\((?:[^()]|\([^()]*\))*\)", " ", text[:colon])
    if colon is not None and colon < 160 and (_name_only(named) or (
            # "Ủy ban Chứng khoán Nhà nước — State Securities Commission of Vietnam (SSC): …"
            (two := re.fullmatch(r"[^–—]{3,}?\s+[–—]\s+(?P<b>[^–—]{3,})", named.strip()))
            and _name_only(two.group("b")) and re.search(r"\([A-Z][\w&./-]{1,11}\)\s*$", text[:colon]))):
        # "Financial Intelligence Unit - India (FIU-IND): …": the colon ends the name, the dash is in it
        return text[:colon].strip(), text[colon + 1:].strip()
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and ch == ":" and (i + 1 == len(text) or text[i + 1] == " "):
            return text[:i].strip(), text[i + 1:].strip()
        elif depth == 0 and i < 160 and (m := _DASH_SEP.match(text, i)):
            return text[:i].strip(), text[m.end():].strip()
        elif depth == 0 and ch == "." and i + 1 < len(text) and text[i + 1] == " " and i < 120 \
                and not re.search(r"\b(?:No|Nr|Cap|Art|Sec|[A-Z])$", text[:i]) and _name_only(text[:i]):
            return text[:i].strip(), text[i + 1:].strip()
    m = re.search(r"[,;]\s", text)
    if m and m.start() < 160:
        return text[:m.start()].strip(), text[m.end():].strip()
    return text.strip(), ""


def _first_colon(text: str) -> int | None:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and ch == ":" and (i + 1 == len(text) or text[i + 1] == " "):
            return i
    return None


def paragraph_entry(text: str) -> tuple[str, str] | None:
    """A paragraph that opens with a bare name and a separator ('Bank of Canada (BoC). The
    designated supervisor …', 'KMAG: The Kryptomärkteaufsichtsgesetz …', 'SSF – ongoing
    supervision …'): (name, rest), or None for running prose."""
    t = strip_markup(text)
    depth = 0
    for i, ch in enumerate(t[:200]):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif ch == ":" and t[i + 1:i + 2] == " " or _DASH_SEP.match(t, i) or (
                ch == "." and t[i + 1:i + 2] == " " and not re.search(r"\b(?:No|Nr|Cap|Art|Sec|B\.E|S\.O|[A-Z])$", t[:i])):
            name = t[:i].strip()
            rest = t[i + 1:].strip(" –—-") if ch in ":." else t[_DASH_SEP.match(t, i).end():].strip()
            acronym = bool(re.search(r"\([A-ZÀ-Ý][\w&./-]{1,11}\)\s*$", name))
            if rest and _name_only(re.sub(r"\((?:[^()]|\([^()]*\))*\)", " ", name), acronym):
                return name, rest
            return None
        elif ch == "," and (t[i + 1:i + 2].isdigit() or t[i + 1:i + 3].strip()[:1].isdigit()):
            continue  # "No. 11,563/2023", "Income-tax Act, 1961"
        elif ch == "," and re.match(r",\s+(?-i:[A-Z])", t[i:]) and _name_only(t[:i]) and not re.search(
                r"\b(?:which|who|that|where)\b", t[i:i + 40]):
            continue  # "Money Laundering, Terrorist Financing and … Regulations 2017 —"
        elif ch in ",;!?":
            return None
    return None


def _name_only(text: str, acronym_follows: bool = False) -> bool:
    """Whether a piece of text is a bare name (no verb-like lower-case words)."""
    words = strip_markup(text).split()
    subject = re.search(r"\b(?:No|Nr)\.?\s*\d[\d/.,]*(?:\s+of\s+(?:19|20)\d\d)?\s+(?:on|concerning|regarding)\s",
                        strip_markup(text))
    if subject and INSTRUMENT_WORD.search(strip_markup(text)[:subject.start()]):
        # "Federal Decree-Law No. 10 of 2025 on AML/CFT and proliferation financing": a title's subject
        words = strip_markup(text)[:subject.end()].split()
    lower = [w for w in words if w[:1].islower() and w.casefold() not in NAME_CONNECTORS
             and not INSTRUMENT_WORD.fullmatch(w.strip(",;"))]
    return 0 < len(words) <= 16 and len(lower) <= (2 if acronym_follows else 0)


def _ascii_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) / len(letters) if letters else 0.0


def split_name(raw: str) -> tuple[str, str | None, tuple[str, ...], str]:
    """A bullet's name part -> (name, acronym, aliases, parenthetical text). Handles
    'Name (ACR)', 'ACR (Name)', 'Name (ACR, Other name)', 'Name (Other name, enacted June 2025)',
    'ACR / Name', 'Name — ACR'."""
    raw = strip_markup(raw).strip(" .,;")
    mid = re.match(r"^(?P<main>[^()]+?)\s*\((?P<acr>[A-Z][A-Za-z&./-]{1,11})\),\s+(?P<alias>[A-Z(].+)$", raw)
    if mid and is_acronym(mid.group("acr")):
        # "Digital Operational Resilience Act (DORA), Regulation (EU) 2022/2554"
        main, acronym, aliases, paren = split_name(f"{mid.group('main')} ({mid.group('acr')})")
        return main, acronym, tuple(dict.fromkeys([*aliases, mid.group("alias").strip()])), paren
    tail = re.search(r"(?:\s*\((?:[^()]|\([^()]*\))*\))+$", raw)
    parens = re.findall(r"\(((?:[^()]|\([^()]*\))*)\)", tail.group(0)) if tail else []
    main = (raw[:tail.start()] if tail else raw).strip(" ,")
    # a parenthesis that is part of the name ("Payment Services (Amendment) Act") is not an alias
    if tail and (re.fullmatch(r"(?:EU|EC|EEC)|Cap\.?\s*\d+[A-Z]?|(?:19|20)\d\d(?:/\d+)?|No\.?\s*[\d,./]+", parens[0].strip())
                 and INSTRUMENT_HEAD.search(main) and not is_acronym(parens[0])):
        if re.fullmatch(r"Cap\.?\s*\d+[A-Z]?|No\.?\s*[\d,./]+|(?:EU|EC|EEC)", parens[0].strip()):
            main = f"{main} ({parens[0].strip()})"
            parens = parens[1:]
    acronym = None
    aliases: list[str] = []
    for p in parens:
        for piece in [x.strip() for x in re.split(r",\s+|;\s+|\s+/\s+|\s+or\s+", p) if x.strip()]:
            if dates.find_dates(piece) and not re.search(r"[A-Za-z]{3,}.*\b(?:act|law|code|decree|order|"
                                                         r"regulations?)\b", piece, re.I):
                continue
            if re.fullmatch(r"(?:19|20)\d\d|(?:the )?(?:new|former|old|draft|proposed|amended)", piece, re.I):
                continue
            if re.match(r"^(?:formerly|previously|now|also|known as|aka|a\.k\.a\.|i\.e\.|e\.g\.|see)\b", piece, re.I):
                piece = re.sub(r"^(?:formerly|previously|now|also known as|also|known as|aka|a\.k\.a\.)\s+(?:the\s+)?",
                               "", piece, flags=re.I)
            if is_acronym(piece) and acronym is None:
                acronym = piece
            elif len(piece) > 2 and re.search(r"[A-Za-zÀ-ÿ]", piece):
                aliases.append(piece)
    # "SPK / Capital Markets Board", "CMB/SPK", "Name — ACR"
    if "/" in main and not IDENTIFIER.search(main) and not re.search(r"\bAML/|/CFT|/CTF|/KYC", main):
        parts = [p.strip() for p in re.split(r"\s*/\s*", main) if p.strip()]
        if len(parts) == 2 and (is_acronym(parts[0]) or is_acronym(parts[1])):
            long_ = [p for p in parts if not is_acronym(p)]
            short = [p for p in parts if is_acronym(p)]
            main = long_[0] if long_ else parts[0]
            for s in short if long_ else parts[1:]:
                if acronym is None and s != main:
                    acronym = s
                elif s != main:
                    aliases.append(s)
    m = re.match(r"^(.+?)\s+[–—-]\s+([A-Z][A-Za-z&./-]{1,11})$", main)
    if m and is_acronym(m.group(2)):
        main = m.group(1)
        acronym = acronym or m.group(2)
    elif (two := re.fullmatch(r"(?P<a>[^–—]{3,}?)\s+[–—]\s+(?P<b>[^–—]{3,})", main)) and not is_acronym(two.group("b")):
        # "Ủy ban Chứng khoán Nhà nước — State Securities Commission of Vietnam": a name in two
        # languages; the one in the report's language (its body or instrument word) is the name
        a, b = two.group("a").strip(), two.group("b").strip()
        said = [x for x in (a, b) if BODY.search(x) or INSTRUMENT_WORD.search(x)]
        if len(said) == 1 or (len(said) == 2 and _ascii_share(b) > _ascii_share(a)):
            main = said[-1] if len(said) == 2 else said[0]
            aliases.insert(0, a if main == b else b)
    if is_acronym(main) and aliases and not acronym:
        acronym, main = main, aliases.pop(0)
    elif is_acronym(main) and aliases and not is_acronym(aliases[0]):
        main, aliases = aliases[0], [main, *aliases[1:]]
    main = re.sub(r"^(?:the|a|an)\s+(?=[A-Z0-9])", "", main, flags=re.I)
    if parens and not INSTRUMENT_WORD.search(main) and not is_acronym(main) and not BODY.search(main) and any(
            INSTRUMENT_WORD.search(a) for a in aliases):
        main = f"{main} ({'; '.join(parens)})"  # "CARF implementation (amended … Act)": the words say what it is
    return main, acronym, tuple(dict.fromkeys(a for a in aliases if a != main)), "; ".join(parens)


# --- compounds -------------------------------------------------------------------------------

def split_compound(name: str, kind: str) -> list[str]:
    """'Financial Services Act (FinSA) and Financial Institutions Act (FinIA)' -> both names;
    'CMB Communiqués III-35/B.1 and III-35/B.2' -> 'CMB Communiqué III-35/B.1', 'CMB Communiqué III-35/B.2'.
    A name whose parts are not each a name ('Law on Banks and Banking Activities', 'Resolutions
    No. 519, 520 and 521') stays whole."""
    head = INSTRUMENT_HEAD if kind == "law" else re.compile(BODY.pattern, re.I)
    m = re.search(r"\s+(?:and|&|as well as)\s+(?:the\s+)?", name)
    if not m or name.count("(") != name.count(")"):
        return [name]
    depth = name[:m.start()].count("(") - name[:m.start()].count(")")
    if depth:
        return [name]
    left, right = name[:m.start()].strip(" ,"), name[m.end():].strip(" ,")
    if kind == "law" and re.search(r"\b(?:amending|amendments? to|on|concerning|relating to|regarding|governing|"
                                   r"implementing|for)\b", left, re.I) and INSTRUMENT_HEAD.search(left.split()[0]):
        return [name]  # "Law No. 7581 Amending the Capital Markets Law and Certain Laws" is one title
    # "Communiqués III-35/B.1 and III-35/B.2": a shared plural head and two identifiers
    ids_l, ids_r = IDENTIFIER.search(left), IDENTIFIER.fullmatch(right.strip())
    if ids_l and ids_r and ids_l.group("code") and ids_r.group("code"):
        prefix = left[:ids_l.start()].strip()
        singular = re.sub(r"(?<=[A-Za-zé])s$", "", prefix)
        return [f"{singular} {ids_l.group(0)}".strip(), f"{singular} {right.strip()}".strip()]
    initials = re.search(r"\(([A-Z]{3,8})\)\s*$", right)
    if initials and "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", f"{left} {right[:initials.start()]}")
                            if w[0].isupper()) == initials.group(1):
        return [name]  # "Financial Services and the Treasury Bureau (FSTB)": one body, its acronym says so
    short = lambda t: is_acronym(t) or bool(re.fullmatch(r"[A-Z][a-zà-ÿ]+[A-Za-z]*(?:\s+\([A-Z]{2,8}\))?", t))
    if kind != "law" and short(left) and short(right):
        return [left, right]  # "Banxico and the UIF": two short names
    if kind != "law" and not STRONG_BODY.search(left):
        return [name]
    left_name = bool(head.search(left)) and (kind != "law" or _ends_as_name(left))
    right_name = bool(head.search(right)) or (bool(re.fullmatch(r"[A-Z][A-Za-z&.-]{1,11}", right))
                                               and is_acronym(right))
    if kind == "law":
        right_name = right_name and _ends_as_name(right)
    if left_name and right_name and right[:1].isupper():
        return [left, *split_compound(right, kind)]
    return [name]


def _ends_as_name(text: str) -> bool:
    """Whether an instrument's name is complete: it holds a head noun ('Act', 'Law') and is not
    just a head ('Law on Banks' is, 'Banking Activities' is not)."""
    t = re.sub(r"\s*\([^()]*\)\s*$", "", text).strip()
    return bool(INSTRUMENT_HEAD.search(t)) and len(t.split()) >= 2 or is_acronym(t)


# --- names in running prose -----------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """A name as it stands in prose: where, and the name split into its parts."""

    start: int
    end: int
    text: str
    name: str
    acronym: str | None
    aliases: tuple[str, ...]


_TOKEN = re.compile(r"\((?:[^()]|\([^()]*\))*\)|\b(?:No|Nr|Nos|Cap|Art|B\.E|S\.O|S\.C|Inc|Ltd)\.|"
                    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:/\d+)?|[\w][\w'’./&-]*[\w]|[\w]|[^\w\s]")
_STARTERS = {"the", "a", "an", "under", "in", "since", "from", "both", "its", "this", "these", "also", "meanwhile",
             "however", "separately", "additionally", "while", "although", "through", "with", "by", "and", "or",
             "as", "at", "on", "for", "of", "to", "via", "after", "before", "until", "when", "where", "which",
             "that", "there", "here", "today", "currently", "now", "alongside", "beyond", "besides", "following",
             "per", "each", "every", "all", "any", "such", "another", "other", "further", "finally", "first",
             "second", "third", "then", "thus", "so", "yet", "but", "if", "unlike", "like", "including",
             "notably", "meanwhile", "instead", "only", "not", "no", "why", "how", "what", "who", "is", "are",
             "was", "were", "be", "it", "they", "their", "his", "her", "our", "we", "you", "your", "key", "main",
             "primary", "new", "old", "former", "draft", "proposed", "amended", "relevant", "existing"}
_POSSESSIVE = re.compile(r"['’]s$")


def _is_cap(tok: str) -> bool:
    return bool(tok) and (tok[0].isupper() or tok[0].isdigit()) and tok[0] != "("


# "a bill reforming the Bitcoin Law", "the Commission's proposal amending MiCA": an instrument
# named by what it does, before it has a title of its own
_DESCRIBED = re.compile(
    r"\b(?:a|an|the|its|this)\s+(?:(?:draft|new|proposed|government|Commission(?:'s)?|legislative|separate)\s+){0,2}"
    r"(?P<head>bill|proposal|draft law|draft regulation|draft decree|draft act|amendment|amending law|reform bill)"
    r"\s+(?P<verb>reforming|amending|to amend|to reform|on|concerning|introducing|creating|establishing|"
    r"regulating|implementing|replacing|for)\s+(?P<obj>(?:the\s+)?[A-Z][\w'’/-]*(?:\s+(?:of|on|the|and|for|in)?\s*"
    r"[A-Z0-9][\w'’/-]*)*)")


@lru_cache(maxsize=4096)
def find_mentions(text: str, kind: str) -> tuple[Mention, ...]:
    """Names of agencies (kind 'regulator') or instruments (kind 'law') in running prose, in order."""
    found = _find_mentions(text, kind)
    if kind != "law":
        return found
    described = []
    for m in _DESCRIBED.finditer(text):
        if any(x.start <= m.start("head") < x.end for x in found):
            continue
        name = f"{m.group('head').capitalize()} {m.group('verb')} {m.group('obj').strip()}"
        described.append(Mention(m.start("head"), m.end(), text[m.start("head"):m.end()], name, None, ()))
    if not described:
        return found
    # the instrument the description names is part of the description, not a mention of its own
    kept = [x for x in found if not any(d.start <= x.start < d.end for d in described)]
    return tuple(sorted([*kept, *described], key=lambda x: x.start))


def _find_mentions(text: str, kind: str) -> tuple[Mention, ...]:
    toks = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        if not _is_cap(toks[i][2]):
            i += 1
            continue
        j = i
        last_cap = i
        while j + 1 < len(toks):
            tok = toks[j + 1][2]
            if _is_cap(tok) or tok.startswith("(") and _name_paren(tok):
                j += 1
                last_cap = j
                continue
            if (tok.casefold() in NAME_CONNECTORS or tok in {",", "-"}) and j + 2 < len(toks) \
                    and (_is_cap(toks[j + 2][2]) or toks[j + 2][2].casefold() in {"the"} and j + 3 < len(toks)
                         and _is_cap(toks[j + 3][2])):
                j += 1
                continue
            break
        run = toks[i:last_cap + 1]
        i = last_cap + 1
        # leading function words: "The Central Bank", "Under the Payment Services Act"
        while run and (run[0][2].casefold() in _STARTERS or not run[0][2][0].isalnum()):
            run = run[1:]
        while run and (run[-1][2] in {",", "-"} or run[-1][2].casefold() in NAME_CONNECTORS):
            run = run[:-1]
        if not run:
            continue
        out.extend(_names_in_run(text, run, kind))
    return tuple(out)


def _name_paren(tok: str) -> bool:
    inner = tok[1:-1].strip()
    return bool(inner) and (inner[0].isupper() or inner[0].isdigit()) and len(inner) <= 80 \
        and not re.search(r"\[\d", inner) and not dates.find_dates(inner) or bool(re.fullmatch(r"Cap\.?\s*\d+[A-Z]?", inner))


def _names_in_run(text: str, run: list[tuple[int, int, str]], kind: str) -> list[Mention]:
    """The names one run of capitalised words holds: split at commas and conjunctions between
    complete names, trimmed to the head noun."""
    # segments between commas that are not inside a name ("Money Laundering, Terrorist Financing … Regulations")
    pieces: list[list[tuple[int, int, str]]] = [[]]
    for t in run:
        if t[2] == ",":
            pieces.append([])
        else:
            pieces[-1].append(t)
    merged: list[list[tuple[int, int, str]]] = []
    for p in pieces:
        starts_anew = bool(p) and p[0][2].casefold() in _STARTERS
        while p and (p[0][2].casefold() in _STARTERS or not p[0][2][0].isalnum()):
            p = p[1:]
        if not p:
            continue
        if merged and not _complete(merged[-1], kind) and not starts_anew and not re.fullmatch(r"(?:19|20)\d\d", p[0][2]):
            merged[-1] = merged[-1] + p
        elif merged and re.fullmatch(r"(?:19|20)\d\d", p[0][2]) and len(p) == 1:
            merged[-1] = merged[-1] + p  # "Income-tax Act, 1961"
        else:
            merged.append(p)
    out = []
    for seg in merged:
        start, end = seg[0][0], seg[-1][1]
        raw = text[start:end]
        for part in split_compound(raw, kind):
            m = _trim(part, kind)
            if m is None:
                continue
            offset = text.find(part, start)
            offset = offset if offset >= 0 else start
            at = text.find(m, offset)  # the trimmed name may begin later than the run ("Thai SEC")
            out.append(_mention(text, at if 0 <= at < offset + len(part) else offset, m))
    return out


def _complete(seg: list[tuple[int, int, str]], kind: str) -> bool:
    words = " ".join(t[2] for t in seg)
    if kind == "law":
        return bool(INSTRUMENT_HEAD.search(words)) or bool(IDENTIFIER.search(words))
    return bool(BODY.search(words)) or any(is_acronym(t[2]) for t in seg)


def qualified_acronym(name: str) -> str | None:
    """'SEC Ghana', 'Thai SEC': a body by its acronym and its country, the acronym."""
    m = re.fullmatch(r"(?P<a>[A-Z][A-Za-z&]{1,9})\s+[A-Z][a-z]{2,}|[A-Z][a-zà-ÿ]{2,}\s+(?P<b>[A-Z][A-Za-z&]{1,9})",
                     name.strip())
    acronym = m and (m.group("a") or m.group("b"))
    return acronym if acronym and is_acronym(acronym) and not BODY.search(name) else None


def _trim(raw: str, kind: str) -> str | None:
    """A run cut to the name of one agency or instrument, or None when it holds none."""
    raw = _POSSESSIVE.sub("", raw.strip())
    if kind == "law":
        heads = [h for h in INSTRUMENT_HEAD.finditer(raw) if raw[:h.start()].count("(") == raw[:h.start()].count(")")]
        if not heads:
            ident = IDENTIFIER.search(raw)
            return None if ident is None else raw
        # keep what follows the last head: a year, a number, "(Cap. 571)", "(EU) 2023/1114", "B.E. 2561";
        # a title that goes on after its head ("Decree on Digital Asset Businesses B.E. 2561") is kept whole
        last = heads[-1]
        if re.match(r"(?i:\s+(?:on|of|for|against|concerning|regarding|relating to|amending|governing|establishing|"
                    r"implementing|in|to|über|zur|zum|sur)\s+(?:the\s+)?)[A-Z]", raw[last.end():]):
            return raw.strip(" ,")
        tail = re.match(r"(?:\s*,?\s*(?:\d+/\d+|(?:19|20)\d\d|No\.?\s*[\d,./]+(?:\s+of\s+(?:19|20)\d\d)?|"
                        r"\((?:[^()]|\([^()]*\))*\)|(?:EU|EC)\s*\d+/\d+|B\.E\.\s*\d{4}|[IVX]{1,4}-\d{1,3}(?:/[A-Z](?:\.\d)?)?|"
                        r"Cap\.?\s*\d+))*", raw[last.end():])
        name = raw[:last.end() + tail.end()].strip(" ,")
        if len(name.split()) < 2 and not IDENTIFIER.search(name) and not re.search(r"\w(?:gesetz|verordnung)$", name):
            return None  # a bare "Act" or "Law"
        if re.fullmatch(r"(?:The\s+)?(?:Act|Law|Code|Bill|Decree|Regulations?|Rules|Order|Framework|Directive)s?"
                        r"(?:\s+(?:19|20)\d\d)?", name, re.I):
            return None
        return name
    if (acr := qualified_acronym(raw)) and raw.endswith(acr):
        # "the Thai SEC", "the Swiss FINMA": the body by its acronym ("SEC Nigeria (…)" keeps its
        # parenthesis, the full name, by staying whole)
        return acr
    if not BODY.search(raw) and not is_acronym(raw) and not re.fullmatch(r"[A-Z][a-zà-ÿ]+[A-Za-z]*(?:\s+\([A-Z]{2,8}\))?", raw):
        return None  # a single capitalised word may be a body's short name ("Banxico"): the caller checks
    if INSTRUMENT_HEAD.search(raw.split()[-1] if raw.split() else ""):
        return None
    return raw


def _mention(text: str, start: int, raw: str) -> Mention:
    end = start + len(raw)
    # a parenthesis right after the name: its acronym or alias
    after = re.match(r"\s*(\((?:[^()]|\([^()]*\))*\))", text[end:])
    full = raw + (after.group(0) if after and not raw.endswith(")") else "")
    name, acronym, aliases, _ = split_name(full)
    return Mention(start, start + len(full), full, name, acronym, aliases)


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms the text defines: 'Astana International Financial Centre (AIFC)' -> AIFC."""
    found: dict[str, str] = {}
    for m in re.finditer(r"((?:[A-Z][\w'’-]+[ \t]+(?:(?:of|the|and|for|on|de|do|da|des|in|y|e|del|la|las|los|el|ng|für|der)[ \t]+){0,2}){1,8}[A-Z][\w'’-]+)"
                         r"\s+\(([A-Z][A-Za-z&/]{1,9})\)", text):
        long_, short = m.group(1), m.group(2)
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", long_) if w[0].isupper())
        if short[0].upper() in initials and short.upper() not in found:
            found[short.upper()] = re.sub(r"^The\s+", "", long_)
    for m in re.finditer(r"\b([A-Z][A-Za-z&]{1,9})\s+\(((?:[A-Z][\w'’-]+[ \t]+(?:(?:of|the|and|for|on)[ \t]+){0,2}){1,8}"
                         r"[A-Z][\w'’-]+)\)", text):
        short, long_ = m.group(1), m.group(2)
        if is_acronym(short) and short.upper() not in found:
            found[short.upper()] = re.sub(r"^The\s+", "", long_)
    # a glossary: "AFMI = Amt für Finanzmarktintegrität (Office …)", "POJK -- OJK Regulation"
    for m in re.finditer(r"^[ \t]*(?:[-*•][ \t]+)?\**([A-Z][A-Za-z&/-]{1,11})\**[ \t]*(?:=|--|—|–|:)[ \t]*"
                         r"([A-ZÀ-Ý][^()\n,;:.]{3,90}?)[ \t]*(?:[(,;.]|$)", text, re.M):
        short, long_ = m.group(1), m.group(2).strip()
        sep = text[m.end(1):m.start(2)]
        if is_acronym(short) and short.upper() not in found and (":" not in sep or _fits(short, long_)) \
                and not sentence_like(long_):
            found[short.upper()] = re.sub(r"^The\s+", "", long_)
    # "the Digital Assets Issuance Law (Ley de Emisión de Activos Digitales, LEAD)": the acronym
    # of a name given in its own language too
    for m in re.finditer(r"((?:[A-Z][\w'’-]+[ \t]+(?:(?:of|the|and|for|on)[ \t]+){0,2}){1,8}[A-Z][\w'’-]+)"
                         r"\s+\(([A-ZÀ-Ý][^(),;]{3,80}),\s*([A-Z][A-Za-z&/]{1,9})\)", text):
        long_, own, short = m.group(1), m.group(2), m.group(3)
        initials = "".join(w[0] for w in re.findall(r"\w+", f"{long_} {own}") if w[0].isupper())
        if is_acronym(short) and short[0] in initials and short.upper() not in found:
            found[short.upper()] = re.sub(r"^The\s+", "", long_)
    return found


_CAPITALISED_RUN = re.compile(r"(?<![\w-])(?:[A-ZÀ-Ý][\w'’-]+[ \t]+(?:(?:of|the|and|for|on|de|do|da|des|del|la|las|los|"
                              r"el|y|e|ng|für|der|du)[ \t]+){0,2}){1,7}[A-ZÀ-Ý][\w'’-]+")


def spelled_out(acronym: str, text: str) -> str | None:
    """The name an acronym abbreviates, written out somewhere in the text without being tied to it
    ('the SAT' and, in another section, 'the Tax Administration Service (Servicio de Administración
    Tributaria)'): a run of capitalised words whose initials are the acronym's letters, or None
    when none is, or when two different ones are."""
    from tracker.registry import _acronym_fits

    if len(acronym) < 3 or not is_acronym(acronym):
        return None
    found = []
    for m in _CAPITALISED_RUN.finditer(text):
        words = m.group(0).split()
        for i in range(len(words)):  # 'The National Banking…', 'Crypto Comisión Nacional…': any tail
            run = " ".join(words[i:])
            if words[i][0].isupper() and words[i].casefold() != "the" and _acronym_fits(acronym, run) \
                    and "".join(w[0] for w in run.replace("-", " ").split() if w[0].isupper()) == acronym.upper():
                found.append(run)
                break
    names = list(dict.fromkeys(found))
    return names[0] if len(names) == 1 else None


def _fits(acronym: str, name: str) -> bool:
    from tracker.registry import _acronym_fits

    return _acronym_fits(acronym, name)
