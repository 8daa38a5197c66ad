"""Entities from the document tree: regulators, laws, the trading stance and the licensing
requirements, from bullets, table rows, per-entity sub-headings and running prose alike.

Each section is classified by its heading and, where the heading says nothing, by its content
(are the names in it agencies, instruments, obligations?); sub-sections inherit their parent's
kind. Sections that restate or narrate (key takeaways, recent developments, outlooks) never
contribute entities of their own unless the report has no other section of that kind.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker import dates
from tracker.document import Body, Item, Section, Table, citations, flatten_item, sentences, strip_markup
from tracker.events import law_facts
from tracker.model import Law, Licensing, Regulator, Section as SectionRecord, Stance
from tracker.names import (INSTRUMENT_WORD, Mention, find_mentions, is_acronym, name_and_rest, paragraph_entry,
                           qualified_acronym, sentence_like, spelled_out, split_compound, split_name)
from tracker.vocabulary import (STRONG_INSTRUMENT, BODY, BOILERPLATE_HEADING, HEADING_KINDS, IDENTIFIER, INSTRUMENT_HEAD,
                                LICENCE_REQUIRED, LIFTED, NARRATIVE_KINDS, NO_LICENCE, NOT_LEGAL, OBLIGATION,
                                OFF_TOPIC_STANCE, PLAIN_LEGAL, REMOVAL, STANCE_NEGATED, STANCE_RULES, STANCE_UNCLEAR)
from tracker.document import FIELD_LABEL

CORE = ("regulators", "laws", "stance", "licensing")


# The noun a heading ends on says what it is about ("Licensing Authorities" are authorities).
_HEAD_NOUNS = (
    ("regulators", re.compile(r"\b(?:authorit(?:y|ies)|regulators?|supervisors?|bodies|agencies|institutions|"
                              r"stakeholders|watchdogs?|oversight)\W*$", re.I)),
    ("laws", re.compile(r"\b(?:legislation|laws?|acts|statutes|instruments|rules|rulebook|framework|basis)\W*$", re.I)),
    ("licensing", re.compile(r"\b(?:requirements?|conditions|obligations|duties|regime|licen[cs]ing|registration|"
                             r"authori[sz]ation)\W*$", re.I)),
)


def heading_kind(heading: str) -> str:
    """Which part of a snapshot a heading names: a core kind, 'digest', 'developments',
    'boilerplate' or 'other'. A heading of two parts ("Autoridades / Regulators", "Governing Rules
    — Timeline") is what either part names, a fact section before a narrative one."""
    h = heading.strip(" :?")
    if BOILERPLATE_HEADING.match(h):
        return "boilerplate"
    parts = [p.strip() for p in re.split(r"\s+[/—–|]\s+|\s+-\s+", h) if p.strip()]
    kinds = [_one_heading_kind(p) for p in parts] if len(parts) > 1 else [_one_heading_kind(h)]
    core = [k for k in kinds if k in CORE]
    if core:
        return core[0]
    return next((k for k in kinds if k != "other"), "other")


def _one_heading_kind(h: str) -> str:
    if BOILERPLATE_HEADING.match(h):
        return "boilerplate"
    for kind, rx in _HEAD_NOUNS:
        if rx.search(h) and not re.search(r"\btravel rule\W*$", h, re.I):
            return kind
    for kind, rx in HEADING_KINDS:
        if rx.search(h) and not (kind == "laws" and re.fullmatch(r"(?:AML/CFT and )?travel rule", h, re.I)):
            return kind
    return "other"


def looks_like_entity(text: str, kind: str, entry: bool = False) -> bool:
    """Whether a heading or a bullet's name part is the name of one agency ('regulators') or
    instrument ('laws') rather than a title over them. An `entry` of a section of that kind (a
    bullet, a row) may be a bare acronym ('KMAG: The Kryptomärkteaufsichtsgesetz …')."""
    t = strip_markup(text).strip(" :")
    if not t or len(t.split()) > 24:
        return False
    if kind == "laws":
        if entry and is_acronym(t.split(" (")[0]):
            return True
        return bool(INSTRUMENT_WORD.search(t) or IDENTIFIER.search(t)) and not re.fullmatch(
            r"(?:key |main |primary |other |relevant |core |applicable )?(?:laws?|legislation|acts|rules|"
            r"regulations|instruments|legal framework|framework)(?: and \w+)?", t, re.I)
    if is_acronym(t.split(" (")[0]) or re.search(r"\([A-Z][A-Za-z&./-]{1,11}\)\s*$", t) or qualified_acronym(t):
        return True
    return bool(BODY.search(t)) and not re.fullmatch(
        r"(?:key |main |primary |other |relevant |regulatory |supervisory |competent |financial |national |"
        r"federal |state |government |public )*(?:regulators?|authorities|agencies|bodies|supervisors|institutions)"
        r"(?: and \w+)*", t, re.I)


@dataclass
class _Node:
    section: Section
    kind: str
    narrative: bool
    entity: bool  # the heading is the name of the one entity this section describes
    parent: "_Node | None" = None


def _content_kind(sec: Section, strict: bool = False) -> str | None:
    """What the names of a section's entries are, when its heading does not say (with `strict`,
    when they say it so plainly that the heading is overruled)."""
    names = [name_and_rest(it.text)[0] for it in sec.items]
    names += [t.rows[i][0] for t in sec.tables for i in range(len(t.rows)) if t.rows[i]]
    names += [c.heading for c in sec.children]
    names += [e[0] for e in (paragraph_entry(p) for p in sec.paragraphs) if e]
    if strict:
        if len(names) < 2:
            return None
        bodies = sum(1 for n in names if looks_like_entity(n, "regulators") and not INSTRUMENT_WORD.search(n)
                     and not OBLIGATION.search(n) and BODY.search(n))  # a bare acronym may be either
        laws = sum(1 for n in names if looks_like_entity(n, "laws") and STRONG_INSTRUMENT.search(n))
        return "regulators" if bodies >= 0.8 * len(names) else "laws" if laws >= 0.8 * len(names) else None
    if len(names) >= 2 or (names and not sec.paragraphs):
        bodies = sum(1 for n in names if looks_like_entity(n, "regulators") and not INSTRUMENT_HEAD.search(n))
        # an instrument by its title, or by its number ("POJK 27/2024", "PBI No. 22/23/PBI/2020")
        laws = sum(1 for n in names if looks_like_entity(n, "laws") and (STRONG_INSTRUMENT.search(n) or (
            IDENTIFIER.search(n) and not looks_like_entity(n, "regulators"))))
        if bodies / len(names) >= 0.6:
            return "regulators"
        if laws / len(names) >= 0.6:
            return "laws"
    return None


# Headings that name the legislation section itself, not a topic's rules.
_STRONG_LAWS = re.compile(r"legislat|\blegal (?:framework|basis|instruments?|foundations?|texts?|regime)\b|\blaws?\b|"
                          r"\bstatut|\bacts\b|\binstruments\b|\brulebook\b|\bregulatory framework\b|"
                          r"\bsources of law\b|\bgoverning\b", re.I)


_TOPIC = re.compile(r"\b(?:stablecoins?|tax\w*|aml|cft|anti-money|custody|consumer|investor|defi|nfts?|tokens?|"
                    r"staking|mining|payments?|advertising|promotions?|travel rule|sandbox|cbdc|digital (?:euro|"
                    r"currency))\b", re.I)


def _container(sec: Section) -> bool:
    # (not a box of labelled key facts, which repeats the sections' facts)
    return sum(heading_kind(c.heading) in CORE and c.style != "label" for c in sec.children) >= 2


def classify(body: Body) -> list[_Node]:
    """Every section with the kind it is read as, in document order."""
    nodes: list[_Node] = []

    def visit(sec: Section, parent: _Node | None) -> None:
        own = heading_kind(sec.heading)
        entity = False
        # a title over the report's sections ("Malta online gambling at a glance") tells no story of its own
        narrative = bool(parent and not _container(parent.section) and (parent.narrative or parent.kind in NARRATIVE_KINDS))
        pk = parent.kind if parent else None
        if pk in ("regulators", "laws") and own in ("other", pk, "stance") and looks_like_entity(sec.heading, pk) \
                and _content_kind(sec) is None:
            kind, entity = pk, True
        elif own == "other" and pk in CORE:
            kind = pk
        elif own in ("laws", "licensing", "stance") and _content_kind(sec, strict=True) == "regulators":
            kind = "regulators"  # whatever the heading says, a list of agencies is a list of agencies
        elif own in ("regulators", "licensing", "stance") and _content_kind(sec, strict=True) == "laws":
            kind = "laws"
        else:
            kind = own
        node = _Node(sec, kind, narrative and kind not in NARRATIVE_KINDS or narrative, entity, parent)
        nodes.append(node)
        for child in sec.children:
            visit(child, node)

    for sec in body.sections:
        visit(sec, None)
    # a report that has a legislation section keeps its topical "… Rules" sections as topics
    if any(n.kind == "laws" and _STRONG_LAWS.search(n.section.heading) for n in nodes):
        for n in nodes:
            if n.kind == "laws" and not _STRONG_LAWS.search(n.section.heading) and _TOPIC.search(n.section.heading) \
                    and not n.entity and not (n.parent is not None and n.parent.kind == "laws"):
                n.kind = "other"
    # where no heading names the regulators or the laws, the section whose entries are agencies, or
    # instruments, is read as such
    for kind in ("regulators", "laws"):
        if any(n.kind == kind for n in nodes):
            continue
        for n in nodes:
            if n.kind in ("other", "digest") and not n.narrative and _content_kind(n.section) == kind:
                n.kind = kind
                for m in nodes:
                    if m.parent is n and m.kind == "other":
                        m.kind, m.entity = kind, looks_like_entity(m.section.heading, kind)
                break
    # where no heading names the licensing section, the section that says what a licence takes
    if not any(n.kind == "licensing" for n in nodes):
        for n in nodes:
            if n.kind == "other" and not n.narrative and n.parent is None and _licensing_content(n.section):
                n.kind = "licensing"
                break
    return nodes


_LICENCE_WORD = re.compile(r"\blicen[cs]\w*|\bregist(?:er|ration|ered)\b|\bauthori[sz]\w*", re.I)


def _licensing_content(sec: Section) -> bool:
    """Whether a section lists what a licence takes: it speaks of a licence, and most of its
    entries are obligations."""
    text = sec.text()
    items = [strip_markup(it.text) for it in sec.items]
    if not _LICENCE_WORD.search(text) or len(items) < 2:
        return False
    duties = sum(1 for it in items if OBLIGATION.search(it) or _LICENCE_WORD.search(it))
    return duties >= 0.6 * len(items) and not sum(1 for it in items if looks_like_entity(name_and_rest(it)[0], "laws")
                                                 and STRONG_INSTRUMENT.search(name_and_rest(it)[0])) >= 0.5 * len(items)


# --- regulators and laws ------------------------------------------------------------------

@dataclass
class _Raw:
    """An entity as one place of the report gives it, before its facts are read."""

    name: str
    acronym: str | None
    aliases: tuple[str, ...]
    paren: str
    text: str  # the description, citation marks kept
    fields: dict[str, str] = field(default_factory=dict)
    prose: bool = False  # named in running prose, not listed


def _fields(lines: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Labelled sub-fields ('Status: in force', 'Effective: 1 July 2026') and the other lines."""
    out: dict[str, str] = {}
    rest: list[str] = []
    for line in lines:
        m = re.match(r"^\s*(?:\*\*|__)?([A-Za-z][A-Za-z ]{1,30}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$", line)
        if m and FIELD_LABEL.match(m.group(1).strip()):
            key = m.group(1).strip().casefold()
            if re.match(r"effective|in force|commencement|entry into force|proposed commencement|applies from", key):
                out.setdefault("effective", m.group(2).strip())
            elif re.match(r"status|current status|stage", key):
                out.setdefault("status", m.group(2).strip())
            elif re.match(r"acronym|abbreviation|also known as|aka", key):
                out.setdefault("acronym", m.group(2).strip())
            rest.append(m.group(2).strip() if re.match(r"acronym|abbreviation|also known|aka", key) else line.strip())
        else:
            rest.append(line.strip())
    return out, rest


_DATE_FIRST = re.compile(r"^\s*(?P<date>(?:\d{1,2}\s+)?(?:[A-Z][a-z]{2,8}\.?\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d\d(?:-\d\d){0,2}|"
                         r"(?:Early|Mid|Late|Ongoing|Pending|Q[1-4])[\w -]{0,12}?)\s*(?:[—–:]|\s-)\s+(?P<rest>\S.*)$")


def _date_first(text: str) -> str | None:
    """'1 March 2026 — Circular No. 1227 takes effect' -> 'Circular No. 1227 takes effect on 1 March
    2026': an entry of a timeline, its date put after its event."""
    m = _DATE_FIRST.match(strip_markup(text))
    if not m or not (dates.find_dates(m.group("date")) or re.match(r"(?:Ongoing|Pending)", m.group("date"))):
        return None
    rest = re.sub(r"^(?:the\s+)", "", m.group("rest"))
    found = [d for d in dates.find_dates(m.group("date")) if d.iso]
    if not found:
        return rest
    head, _, tail = re.sub(r"(\[\d[^\]]*\])+\s*$", "", rest).partition(";")
    return f"{head.rstrip(' .')} on {found[0].text}" + (f";{tail}" if tail else ".")


def _from_item(item: Item, kind: str) -> list[_Raw]:
    """The entity (or entities, for a compound) one bullet names; its nested bullets are its details
    unless it introduces them as a list of their own."""
    if (timed := _date_first(item.text)) is not None:
        item = Item(timed, item.children)
    name_part, rest = name_and_rest(item.text)
    if item.children and item.text.rstrip().endswith(":") and not rest:
        out = []
        for child in item.children:
            out.extend(_from_item(child, kind))
        return out
    child_lines = [line for c in item.children for line in flatten_item(c)]
    fields, other = _fields(child_lines)
    plain_name = strip_markup(name_part)
    if sentence_like(plain_name) or not looks_like_entity(plain_name, kind, entry=True):
        # a sentence, not "Name: description": find the names inside it
        mentions = [m for m in find_mentions(strip_markup(item.text), "law" if kind == "laws" else "regulator")]
        if not mentions:
            return []
        text = " ".join([item.text, *other])
        m = _primary(mentions, strip_markup(item.text), kind)[0]  # a bullet is about the first name it gives
        return [_Raw(m.name, m.acronym, m.aliases, "", strip_markup(item.text)[m.end:].strip(" ,;:") or text, fields)]
    description = "; ".join(x for x in [rest, *other] if x)
    out = []
    parts = split_compound(plain_name, "law" if kind == "laws" else "regulator")
    for k, part in enumerate(parts):
        name, acronym, aliases, paren = split_name(part)
        text = _respectively(_own_share(_clauses_of(description, parts, k), k, len(parts)), k, len(parts))
        part_fields = {f: _respectively(v, k, len(parts)) for f, v in fields.items()}
        raw = _Raw(name, acronym or _acronym_field(part_fields), aliases, paren, text, part_fields)
        _longer_name(raw, strip_markup(rest), kind)
        out.append(raw)
    return out


def _longer_name(raw: _Raw, description: str, kind: str) -> None:
    """'KMAG: The Kryptomärkteaufsichtsgesetz, in force …', 'Bundesbank. The Deutsche Bundesbank …':
    the description opens with the full name the entry goes by."""
    from tracker.registry import _acronym_fits

    spelled = re.match(r"^(?:the\s+)?([A-ZÀ-Ý][^;,:.()]{3,80}?)\s*(?:[;,:(]|$)", description)
    if is_acronym(raw.name) and spelled and _acronym_fits(raw.name, spelled.group(1)) and \
            not sentence_like(spelled.group(1)):
        # "BSP — Bangko Sentral ng Pilipinas; VASP licence …": the description spells the acronym out
        raw.acronym = raw.acronym or raw.name
        raw.aliases = tuple(dict.fromkeys([raw.name, *raw.aliases]))
        raw.name = spelled.group(1).strip()
        return
    mentions = find_mentions(description[:160], "law" if kind == "laws" else "regulator")
    if not mentions or mentions[0].start > 4:
        return
    long_ = mentions[0]
    short = raw.name
    if long_.name == short or len(long_.name) <= len(short):
        return
    if is_acronym(short) or re.search(rf"\b{re.escape(short)}$", long_.name):
        raw.aliases = tuple(dict.fromkeys([short, *raw.aliases, *long_.aliases]))
        if is_acronym(short) and raw.acronym is None:
            raw.acronym = short
        raw.name = long_.name


def _clauses_of(text: str, parts: list[str], k: int) -> str:
    """The k-th part's share of a compound's description: the clauses that name it, with those
    that name none of the parts ('… under the Act since 19 December 2022, and Directive 9 has
    applied since 30 April 2025': the second clause is Directive 9's)."""
    if len(parts) < 2:
        return text
    from tracker.registry import fold

    def marks(part: str) -> set[str]:
        words = [w for w in fold(re.sub(r"\([^()]*\)", " ", part)).split() if not w.isdigit() and len(w) > 2
                 and w not in ("the", "and", "act", "law", "for", "financial", "national")]
        return {w for w in words if sum(w in fold(p) for p in parts) == 1}

    clauses = [c for c in re.split(r"(?<=[;.])\s+|,\s+and\s+(?=[A-Z])", text) if c.strip()]
    mine, others, common = [], 0, []
    for c in clauses:
        f = f" {fold(c)} "
        hits = [j for j, p in enumerate(parts) if any(f" {w} " in f for w in marks(p))]
        if k in hits and len(hits) == 1:
            mine.append(c)
        elif hits and k not in hits:
            others += 1
        else:
            common.append(c)
    if not mine or not others:
        return text
    return " ".join(common + mine) if not common else " ".join(mine + [c for c in common if not dates.find_dates(c)])


def _own_share(text: str, k: int, n: int) -> str:
    """The k-th of two entities' share of a description that says 'the former …, the latter …'."""
    if n != 2:
        return text
    f = re.search(r"\bthe former\b", text, re.I)
    l = re.search(r"\bthe latter\b", text, re.I)
    if not f or not l:
        return text
    first, second = sorted((f, l), key=lambda m: m.start())
    common = text[:first.start()]
    part = {f: text[f.start():l.start()] if f.start() < l.start() else text[f.start():],
            l: text[l.start():f.start()] if l.start() < f.start() else text[l.start():]}
    return (common + part[f if k == 0 else l]).strip(" ,;")


def _respectively(text: str, k: int, n: int) -> str:
    """The k-th of n entities' share of 'in force since 1999 and 2016 respectively': its own date."""
    if n < 2 or not re.search(r"\brespectively\b", text, re.I):
        return text
    found = [d for d in dates.find_dates(text) if d.iso]
    if len(found) != n:
        return text
    keep = found[k]
    out, pos = [], 0
    for d in found:
        out.append(text[pos:d.start])
        out.append(d.text if d is keep else "")
        pos = d.end
    out.append(text[pos:])
    return re.sub(r"\s+(?:and|,)\s+(?=\s|respectively)|\s+respectively\b", " ", "".join(out)).strip()


def _acronym_field(fields: dict[str, str]) -> str | None:
    v = fields.get("acronym", "").strip(" .")
    return v if is_acronym(v) else None


def _primary(mentions: list, text: str, kind: str) -> list:
    """The mentions of a sentence that are entities of their own: not an instrument that another
    amends ('Law No. 7518 amending the Capital Markets Law No. 6362' is one law), not a body the
    sentence says is gone."""
    out = []
    for k, m in enumerate(mentions):
        before = text[max(0, m.start - 25):m.start]
        if kind == "laws" and k and re.search(r"\b(?:amend(?:s|ing|ed)?|implementing|under|of|to)\s+(?:the\s+)?$", before, re.I):
            continue
        if re.search(r"\b(?:formerly|previously|former|ex-|predecessor)\s*(?:the\s+)?$", before, re.I):
            continue
        out.append(m)
    return out


def _segment(text: str, m, mentions: list, start: int | None = None) -> str:
    """The words of a sentence that speak of one mention: from it (or from `start`) to the next name."""
    later = [x.start for x in mentions if x.start > m.start]
    end = min(later) if later else len(text)
    return text[m.start if start is None else start:end].strip(" ,;")


def _from_table(table: Table, kind: str) -> list[_Raw]:
    header = [strip_markup(h).casefold() for h in table.header]

    def col(pattern: str, avoid: set[int] = frozenset()) -> int | None:
        return next((i for i, h in enumerate(header) if i not in avoid and re.search(pattern, h)), None)

    if kind == "regulators":
        name_i = col(r"regulator|authorit|body|agency|name|institution|supervisor|organisation|organization|entity")
        acr_i = col(r"acronym|abbrev|short", {name_i} if name_i is not None else set())
        eff_i = status_i = None
    else:
        name_i = col(r"\blaw|instrument|legislation|\bact\b|regulation|name|statute|title|rule")
        eff_i = col(r"effective|in force|commence|date|from|since|start|applies", {name_i} if name_i is not None else set())
        status_i = col(r"status|stage", {i for i in (name_i, eff_i) if i is not None})
        acr_i = col(r"acronym|abbrev|short", {i for i in (name_i, eff_i, status_i) if i is not None})
    if name_i is None:
        name_i = 0
    out = []
    for row in table.rows:
        if len(row) <= name_i or not strip_markup(row[name_i]):
            continue
        notes = "; ".join(strip_markup(c) for i, c in enumerate(row) if i not in (name_i, eff_i, status_i, acr_i)
                          and strip_markup(c))
        fields: dict[str, str] = {}
        if eff_i is not None and eff_i < len(row):
            fields["effective"] = strip_markup(row[eff_i])
        if status_i is not None and status_i < len(row) and strip_markup(row[status_i]):
            fields["status"] = strip_markup(row[status_i])
        for part in split_compound(strip_markup(row[name_i]), "law" if kind == "laws" else "regulator"):
            name, acronym, aliases, paren = split_name(part)
            if acr_i is not None and acr_i < len(row) and is_acronym(strip_markup(row[acr_i])):
                acronym = acronym or strip_markup(row[acr_i])
            out.append(_Raw(name, acronym, aliases, paren, notes + "".join(
                f" [{n}]" for n in citations(" ".join(row))), fields))
    return out


_APPOSITION = re.compile(r"^\s*(?:,\s*(?:the|its|also known as|known as|better known as|or|i\.e\.)?\s*"
                         r"(?:(?!and\b|or\b|but\b|while\b|as\b|which\b|with\b)[a-z][\w-]*\s+){0,2}|\s*\(\s*|"
                         r"\s+or\s+(?:the\s+)?|\s*/\s*)$")
_SAME_DATE = re.compile(r"\b(?:the same (?:date|day)|that (?:date|day))\b", re.I)


def _resolve_same_date(text: str) -> str:
    """'… since 30 December 2024 … has applied since the same date' -> the date itself."""
    out, last = [], None
    pos = 0
    for m in _SAME_DATE.finditer(text):
        before = [d for d in dates.find_dates(text[:m.start()]) if d.iso]
        if before:
            out.append(text[pos:m.start()])
            out.append(before[-1].text)
            pos = m.end()
    out.append(text[pos:])
    del last
    return "".join(out)


def _from_prose(paragraphs: list[str], kind: str, acronyms: dict[str, str]) -> list[_Raw]:
    """Entities named in running sentences, each with the words that speak of it. A paragraph
    that opens with a bare name ("Bank of Canada (BoC). The designated supervisor …") is an entry
    of its own; a name given again in apposition ("Regulation (EU) 2023/1113, the recast Transfer
    of Funds Regulation (TFR)") or by its acronym in a later sentence is the same entity."""
    what = "law" if kind == "laws" else "regulator"
    out: list[_Raw] = []
    known: dict[str, _Raw] = {}
    last: _Raw | None = None
    last_para: str | None = None
    for para in paragraphs:
        if (listed := _semicolon_entries(para, kind)) is not None:
            for line in listed:
                out.extend(_from_item(Item(line), kind))
            continue
        entry = paragraph_entry(para)
        name, rest = entry if entry else ("", "")
        if rest and looks_like_entity(name, kind, entry=True) and not BOILERPLATE_HEADING.match(name) \
                and not _entries(para, kind):
            out.extend(_from_item(Item(f"{name}: {rest}"), kind))
            continue
        para = _resolve_same_date(para)
        run_together = bool(entry) or _entries(para, kind)
        for sentence in sentences(para, marks=".!?"):
            clean = strip_markup(sentence)
            entry = paragraph_entry(sentence)
            if entry is None and run_together and (dash := re.match(r"^(?P<name>[A-Z][^—–:;]{1,120}?)\s+[—–]\s+(?P<rest>\S.*)$",
                                                                     clean)) and len(re.sub(
                    r"\([^()]*\)", " ", dash.group("name")).split()) <= 8:
                # entries run together, one whose name holds a lower-case word ("CARF implementation
                # (amended … Act) — Already adopted …")
                entry = dash.group("name"), dash.group("rest")
            if entry and looks_like_entity(entry[0], kind, entry=True) and not BOILERPLATE_HEADING.match(entry[0]):
                # "Capital Markets Board (CMB) — Licenses CASPs.[1] Central Bank (CBRT) — …": entries run together
                raws = _from_item(Item(f"{entry[0]}: {entry[1]}"), kind)
                out.extend(raws)
                if raws:
                    last, last_para = raws[-1], para
                continue
            if run_together and last is not None and last_para is para:
                last.text = f"{last.text} {clean}{''.join(f'[{n}]' for n in citations(sentence))}".strip()
                continue  # the sentences after an entry go on about it
            cites = "".join(f"[{n}]" for n in citations(sentence))
            mentions = _merge_appositions(clean, list(find_mentions(clean, what)))
            if kind == "regulators":
                mentions = [m for m in mentions if _is_regulator_mention(m, acronyms)]
            elif not mentions and (lead := re.match(r"^(?:The\s+)?([A-Z][A-Za-z0-9&/-]{1,11})\s+(?:has|have|is|are|was|"
                                                    r"were|applies|apply|requires|sets|covers|governs|took|came|"
                                                    r"entered|will|would)\b", clean)) and is_acronym(lead.group(1)) \
                    and lead.group(1).upper() not in _BODY_ACRONYMS(acronyms):
                # "MiCA has been fully applicable since …": an instrument known by its short name
                mentions = [Mention(lead.start(1), lead.end(1), lead.group(1), lead.group(1), None, ())]
            primary = _primary(mentions, clean, kind)
            if not primary:
                for short, raw in known.items():
                    if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", clean):
                        raw.text = f"{raw.text} {clean}{cites}".strip()
                        break
                else:
                    # "It has been in force since 1 July 2026": the entity the sentence before named (for
                    # laws, a sentence of the same paragraph that names nothing else goes on about it)
                    if last is not None and (_ANAPHOR.match(clean) or kind == "laws" and last_para is para):
                        last.text = f"{last.text} {clean}{cites}".strip()
                continue
            former_latter = _former_latter(clean, primary)
            for k, m in enumerate(primary):
                start = 0 if k == 0 else m.start
                text = former_latter[k] if former_latter else _segment(clean, m, mentions, start)
                gone = REMOVAL.search(text)
                if gone and (kind == "regulators" or re.search(r"\b(?:dropped|abandoned|withdrawn|shelved|"
                                                               r"no longer|lapsed)\b", text, re.I)):
                    continue
                raw = _Raw(m.name, m.acronym, m.aliases, "", text + cites, prose=True)
                out.append(raw)
                last, last_para = raw, para
                for short in (m.acronym, *m.aliases):
                    if short:
                        known[short] = raw
    return out


_ANAPHOR = re.compile(r"^(?:It|Its|This|These|The (?:act|law|ordinance|regulation|decree|code|bill|directive|statute|"
                      r"instrument|rules|order|proposal|authority|agency|commission|regulator|body|office|bank))\b")


def _former_latter(text: str, mentions: list) -> list[str] | None:
    """'The Corporations Act and the AML/CTF Act are the pillars, the former for …, the latter (in
    force since 2007) for …': each name with the words that speak of it."""
    if len(mentions) != 2:
        return None
    f = re.search(r"\bthe former\b", text, re.I)
    l = re.search(r"\bthe latter\b", text, re.I)
    if not f and not l:
        return None
    head = text[:mentions[1].end]
    first_part = text[f.start():l.start() if l and l.start() > f.start() else len(text)] if f else ""
    second_part = text[l.start():f.start() if f and f.start() > l.start() else len(text)] if l else ""
    return [f"{mentions[0].text} {first_part}".strip(), f"{mentions[1].text} {second_part}".strip()] \
        if head else None


def _BODY_ACRONYMS(acronyms: dict[str, str]) -> set[str]:
    return {a for a, long_ in acronyms.items() if BODY.search(long_)}


def _entries(para: str, kind: str) -> bool:
    """Whether a paragraph runs several 'Name — description' entries together."""
    starts = [e for e in (paragraph_entry(s) for s in sentences(para, marks=".!?")[1:]) if e]
    return any(looks_like_entity(e[0], kind, entry=True) for e in starts)


def _semicolon_entries(para: str, kind: str) -> list[str] | None:
    """'Financial Sector Regulation Act (2017) – in force – 1 April 2018; FIC Directive 9 – …':
    entries separated by semicolons, each 'Name – …'."""
    parts = [p.strip() for p in re.split(r";\s+", strip_markup(para)) if p.strip()]
    if len(parts) < 3:
        return None
    entries = [paragraph_entry(p) for p in parts]
    good = [e for e in entries if e and looks_like_entity(e[0], kind, entry=True)]
    return [f"{e[0]}: {e[1]}" for e in good] if len(good) >= max(3, 0.7 * len(parts)) else None


def _merge_appositions(text: str, mentions: list) -> list:
    """Mentions that name one entity twice, side by side, become one mention with an alias; the
    longer name leads ("ESMA, the European Securities and Markets Authority")."""
    out: list = []
    for m in mentions:
        if out and _APPOSITION.match(text[out[-1].end:m.start]) and _one_kind(out[-1].name, m.name,
                                                                               text[out[-1].end:m.start]):
            prev = out[-1]
            first, second = (m, prev) if is_acronym(prev.name) and not is_acronym(m.name) else (prev, m)
            acronym = prev.acronym or m.acronym or (second.name if is_acronym(second.name) else None)
            aliases = tuple(dict.fromkeys(a for a in [*first.aliases, second.name, *second.aliases]
                                          if a != first.name and a != acronym))
            out[-1] = Mention(prev.start, m.end, text[prev.start:m.end], first.name, acronym, aliases)
            continue
        out.append(m)
    return out


def _one_kind(a: str, b: str, gap: str = "") -> bool:
    """Whether two names side by side can be one entity: an acronym and the name it abbreviates
    (or a name introduced as 'BaFin, the Federal Financial Supervisory Authority'), or two names
    of bodies or of instruments. 'In Frankfurt, the Anti-Money Laundering Authority' and 'the CNBV,
    Banxico and the UIF' are lists, not appositions."""
    if is_acronym(a) or is_acronym(b):
        from tracker.registry import _acronym_fits

        short, long_ = (a, b) if is_acronym(a) else (b, a)
        if is_acronym(long_):
            return short == long_
        words = long_.split()
        fits = any(_acronym_fits(short, " ".join(words[i:])) for i in range(max(1, len(words) - 1)))
        return fits or bool(re.search(r"\bthe\s*$", gap, re.I)) and bool(
            BODY.search(long_) or INSTRUMENT_WORD.search(long_))
    return bool(BODY.search(a) and BODY.search(b) or INSTRUMENT_WORD.search(a) and INSTRUMENT_WORD.search(b))


_NOT_REGULATORS = re.compile(
    r"\b(?:court|parliament|congress|senate|assembly|legislature|diet|lok sabha|cabinet|president|prime minister|"
    r"government|FATF|IMF|FSB|BIS|IOSCO|OECD|G20|G7|World Bank|United Nations|European Parliament|Council of "
    r"the EU|Supreme|Constitutional|police|prosecutor|ministry of justice|committee on|standing committee|"
    r"exchange(?:s)? such as|binance|coinbase|kraken)\b", re.I)


_TERMS = {"AML", "CFT", "CTF", "KYC", "CDD", "AML/CFT", "AML/CTF", "VASP", "VASPS", "CASP", "CASPS", "DASP", "DASPS",
          "STR", "STRS", "CTR", "CTRS", "EU", "EEA", "UK", "US", "USA", "FX", "IT", "ICT", "ISMS", "DLT", "NFT", "NFTS", "ICO",
          "ICOS", "CBDC", "ETF", "ETFS", "OTC", "FATF", "IMF", "OECD", "CARF", "DEFI", "KRW", "USD", "EUR", "GBP", "MICA",
          "MICAR", "TFR", "DORA", "AMLD", "AMLR", "VDA", "VDAS", "VA", "VAS", "PSA", "FAQ", "SRO", "SROS", "FASP", "FASPS",
          "ITF", "ITFS", "PSAV", "PSAVS", "BTC", "ETH", "ART", "ARTS", "EMT", "EMTS"}


def _is_regulator_mention(m, acronyms: dict[str, str]) -> bool:
    if _NOT_REGULATORS.search(m.name):
        return False
    if re.fullmatch(r"[A-Z][a-zà-ÿ]+[A-Za-z]*", m.name) and not is_acronym(m.name):
        return m.name.upper() in acronyms  # "Banxico": a body's short name the report defines
    if is_acronym(m.name) and not m.aliases:
        # in a regulators section an acronym is a body, unless it is a term of art or the report
        # spells it out as an instrument ("the Digital Assets Issuance Law (… LEAD)")
        if m.name.upper() in acronyms:
            return not INSTRUMENT_WORD.search(acronyms[m.name.upper()])
        return m.acronym is not None or m.name.upper() not in _TERMS
    return bool(BODY.search(m.name)) or (m.acronym is not None or qualified_acronym(m.name) is not None) and bool(
        BODY.search(" ".join(m.aliases)))  # "SEC Nigeria (Securities and Exchange Commission)"


def _from_entity_section(node: _Node) -> list[_Raw]:
    sec = node.section
    lines = [*sec.paragraphs, *(line for it in sec.items for line in flatten_item(it)),
             *("; ".join(r) for t in sec.tables for r in t.rows)]
    for child in sec.children:
        lines.append(child.heading + ": " + child.text().replace("\n", "; "))
    fields, other = _fields(lines)
    name, acronym, aliases, paren = split_name(sec.heading)
    return [_Raw(name, acronym or _acronym_field(fields), aliases, paren, " ".join(other), fields)]


def _ident(name: str) -> str | None:
    from tracker.registry import identifier

    return identifier(name)


def _kind_words(name: str) -> set[str]:
    return {w.casefold().rstrip("s") for w in re.findall(r"[A-Za-z]+", name) if INSTRUMENT_WORD.fullmatch(w)} or {"_"}


def _contained(short: str, long_: str) -> bool:
    """Whether a name is a shorter form of another ('Stablecoins Ordinance' of 'Stablecoins
    Ordinance (Cap. 656)', 'Cryptoassets Order' of 'Cryptoassets Order 2025')."""
    from tracker.registry import fold

    a = [w for w in fold(re.sub(r"\([^()]*\)", " ", short)).split() if w not in ("the", "of", "and")]
    b = set(fold(long_).split())
    return len(a) >= 2 and set(a) <= b and fold(short) != fold(long_)


def _dedupe(raws: list[_Raw]) -> list[_Raw]:
    """One entity per name or acronym within a report; later mentions add aliases and text."""
    out: list[_Raw] = []
    for r in raws:
        if not r.name or len(r.name) < 2:
            continue
        if r.prose and any(_contained(r.name, o.name) for o in out):
            continue  # a shorter form of a name listed already
        key_names = {r.name.casefold(), *(a.casefold() for a in r.aliases)}
        ident = _ident(r.name)
        hit = next((o for o in out if ident and _ident(o.name) == ident and _kind_words(o.name) & _kind_words(r.name)),
                   None) or next((o for o in out if o.name.casefold() in key_names or r.name.casefold() in
                    {a.casefold() for a in o.aliases} or (r.acronym and o.acronym and r.acronym == o.acronym)
                    or (r.acronym and r.acronym.casefold() == o.name.casefold())
                    or (o.acronym and o.acronym.casefold() == r.name.casefold())), None)
        if hit is None:
            out.append(r)
            continue
        if is_acronym(hit.name) and not is_acronym(r.name):
            hit.name, hit.aliases = r.name, (hit.name, *hit.aliases)
        hit.acronym = hit.acronym or r.acronym
        hit.aliases = tuple(dict.fromkeys([*hit.aliases, *(a for a in (r.name, *r.aliases) if a != hit.name)]))
        if not hit.fields and r.fields:
            hit.fields = r.fields
        if r.text and r.text not in hit.text:
            hit.text = f"{hit.text} {r.text}".strip() if len(hit.text) < 600 else hit.text
    return out


def _raws(nodes: list[_Node], kind: str, acronyms: dict[str, str]) -> list[_Raw]:
    chosen = [n for n in nodes if n.kind == kind and not n.narrative]
    if not chosen:
        chosen = [n for n in nodes if n.kind == kind]
    if not chosen:
        # no section names them: read them from the prose of the sections that tell the framework
        # (a memo's numbered paragraphs, one fact each, are prose too)
        return _dedupe([r for n in nodes if n.kind in ("other", "digest", "developments") and not n.entity
                        for r in _from_prose([*n.section.paragraphs, *(
                            line for it in n.section.items for line in flatten_item(it)
                            if sentence_like(strip_markup(line)))], kind, acronyms)])
    raws: list[_Raw] = []
    for n in chosen:
        if n.entity:
            raws.extend(_from_entity_section(n))
            continue
        if n.parent is not None and n.parent.entity:
            continue
        for it in n.section.items:
            raws.extend(_from_item(it, kind))
        for t in n.section.tables:
            raws.extend(_from_table(t, kind))
        raws.extend(_from_prose(n.section.paragraphs, kind, acronyms))
    return _dedupe(raws)


def regulators_of(nodes: list[_Node], acronyms: dict[str, str], full: str = "") -> list[Regulator]:
    """The report's regulators; one named by an acronym the report spells out elsewhere goes by
    the full name ('BSP' is the Bangko Sentral ng Pilipinas)."""
    out = []
    for r in _raws(nodes, "regulators", acronyms):
        if not r.acronym and (short := qualified_acronym(r.name)):
            r.name, r.aliases = short, (*r.aliases, r.name)
        if is_acronym(r.name) and r.name.upper() in acronyms and not r.acronym:
            r.name, r.acronym = acronyms[r.name.upper()], r.name
        elif is_acronym(r.name) and not r.acronym and full and (long_ := spelled_out(r.name, full)):
            r.name, r.acronym = long_, r.name
        out.append(Regulator(name=r.name, acronym=r.acronym, aliases=r.aliases, role=strip_markup(r.text),
                             citations=citations(r.text)))
    return out


def not_laws(regulators: list[Regulator], laws: list[Law]) -> list[Regulator]:
    """The regulators that are not the report's laws by another reading: a name can be a body or
    an instrument, not both ('Bank Indonesia Regulation No. 22/23/PBI/2020', 'SPG')."""
    law_names = {n.casefold() for x in laws for n in (x.name, x.acronym, *x.aliases) if n}
    out = []
    for r in regulators:
        if r.name.casefold() in law_names:
            continue
        if STRONG_INSTRUMENT.search(r.name) and IDENTIFIER.search(r.name):
            continue
        out.append(r)
    return out


def laws_of(nodes: list[_Node], acronyms: dict[str, str], report_date: dt.date) -> list[Law]:
    """The report's laws, each with its effective date and status."""
    out = []
    for r in _raws(nodes, "laws", acronyms):
        summary = strip_markup(r.text)
        facts = law_facts(r.name, summary, report_date, parenthetical=strip_markup(r.paren),
                          effective_field=r.fields.get("effective"), status_field=r.fields.get("status"))
        out.append(Law(name=r.name, acronym=r.acronym, aliases=r.aliases, effective_date=facts.effective_date,
                       date_text=facts.date_text, status=facts.status, summary=summary, citations=citations(r.text)))
    return out


# --- stance ---------------------------------------------------------------------------------

def trading_stance(text: str) -> str:
    """The trading stance the first telling clause about trading states, in the CONTRACT's
    vocabulary. Clauses about payments, legal tender or mining do not decide it, and a stance word
    negated in its clause ("legal but not comprehensively regulated") reads as its negation."""
    plain_legal = False
    for sentence in sentences(strip_markup(text), marks=".!?;"):
        for clause in re.split(r",\s+(?:but|while|whereas|although|though|yet)\s+|\s+but\s+|:\s+", sentence):
            if OFF_TOPIC_STANCE.search(clause) and not re.search(r"\btrad(?:e|ing)\b|\bexchanges?\b", clause, re.I):
                continue
            found: list[tuple[int, str]] = []
            for label, rx in STANCE_RULES:
                for m in rx.finditer(clause):
                    if not STANCE_NEGATED.search(clause[:m.start()]):
                        found.append((m.start(), label))
                        break
            if found:
                labels = {lab for _, lab in found}
                if "legal_unregulated" in labels and "legal_regulated" in labels:
                    # "legal and regulated … no dedicated crypto law": regulated wins when it is stated
                    return min(found)[1]
                return min(found)[1]
            if STANCE_UNCLEAR.search(clause):
                return "unclear"
            if PLAIN_LEGAL.search(clause) and not NOT_LEGAL.search(clause):
                plain_legal = True
    return "legal_regulated" if plain_legal else "unclear"


def _stance_text(nodes: list[_Node]) -> tuple[str, str]:
    chosen = [n for n in nodes if n.kind == "stance" and not n.narrative] or [n for n in nodes if n.kind == "stance"]
    lead, full = [], []
    for n in chosen:
        sec = n.section
        paras = sec.paragraphs
        items = [flatten_item(it)[0] for it in sec.items]
        if sec.style == "label" or sec.style == "qa":
            paras = [f"{sec.heading}: {p}" if sec.style == "label" and len(p.split()) <= 4 else p for p in paras]
        lead.extend(paras or items[:1])
        full.extend([*paras, *items])
    return " ".join(lead), " ".join(full)


def _labelled(nodes: list[_Node], kind: str) -> list[str]:
    """Entries of other sections that carry a label of `kind` ("13. Trading stance: legal and
    regulated."), when no section of that kind exists: the words after the label."""
    if any(n.kind == kind for n in nodes):
        return []
    out = []
    for n in nodes:
        if n.kind in CORE or n.kind == "boilerplate":
            continue
        for line in [*(it.text for it in n.section.items), *n.section.paragraphs]:
            label = re.match(r"^\W*([A-Z][\w /&'-]{2,40}?)\s*[:—–]\s+(\S.*)$", strip_markup(line))
            if label and heading_kind(label.group(1)) == kind:
                out.append(label.group(2))
    return out


def stance_of(nodes: list[_Node], summary: str) -> Stance:
    """The trading stance: the stance section's lead first, then the rest of it, then the summary."""
    lead, full = _stance_text(nodes)
    if not lead and (labelled := _labelled(nodes, "stance")):
        lead = full = " ".join(labelled)
    lead, full, summary = (re.sub(r"\s&\s", " and ", t) for t in (lead, full, summary))
    trading = trading_stance(lead) if lead else "unclear"
    if trading == "unclear" and full:
        trading = trading_stance(full)
    if trading == "unclear":
        trading = trading_stance(summary)
    return Stance(trading=trading, summary=strip_markup(full))


# --- licensing ------------------------------------------------------------------------------

def _licensing_lines(nodes: list[_Node]) -> tuple[list[str], list[str]]:
    """The licensing section's lead sentences and its requirement lines (items, rows, labelled
    sub-sections)."""
    chosen = [n for n in nodes if n.kind == "licensing" and not n.narrative] or \
        [n for n in nodes if n.kind == "licensing"]
    lead: list[str] = []
    items: list[str] = []
    for n in chosen:
        sec = n.section
        sub = n.parent is not None and n.parent.kind == "licensing"
        prose = not sec.items and not sec.tables and len(sec.paragraphs) > 0 and n.kind == "licensing" and \
            sum(len(sentences(p, marks=".;")) for p in sec.paragraphs) > 2
        if sub or (sec.style == "label" and not prose):
            for p in sec.paragraphs:
                (items if n.parent is not None and n.parent.kind == "licensing" else lead).append(
                    f"{sec.heading}: {p}" if n.parent is not None and n.parent.kind == "licensing" else p)
        elif prose:
            # a licensing section in prose (or one inline label's run of sentences): its first
            # sentence leads, each other sentence is a requirement
            sents = [x for p in sec.paragraphs for x in sentences(p, marks=".")]
            lead.append(sents[0])
            items.extend(strip_markup(x) for x in sents[1:])
        else:
            lead.extend(sec.paragraphs)
        for it in sec.items:
            if it.children and it.text.rstrip().endswith(":"):
                items.extend(strip_markup(c.text) for c in it.children)
                if not re.fullmatch(r"[^:]{0,80}:", strip_markup(it.text)):
                    lead.append(it.text)
            else:
                items.append(" ".join(strip_markup(x) for x in flatten_item(it)))
        for t in sec.tables:
            for row in t.rows:
                cells = [strip_markup(c) for c in row if strip_markup(c)]
                if cells:
                    items.append(cells[0] + (": " + "; ".join(cells[1:]) if len(cells) > 1 else ""))
    return lead, items


def licensing_required(lead: str, items: list[str], stance: str) -> bool | None:
    """Whether a licence, registration or authorisation is required by law: it follows from the
    requirements the report states, unless it says none is needed."""
    text = " ".join([lead, *items])
    if not text.strip():
        return None
    if NO_LICENCE.search(text) and not re.search(r"\b(?:registration|licen[cs]e|authori[sz]ation)\b[^.;]{0,60}"
                                                 r"\b(?:mandatory|required|must|compulsory)\b|\bmust (?:register|"
                                                 r"obtain|hold|be (?:registered|licensed|authori[sz]ed))\b", text, re.I):
        return False
    if stance == "banned" and not LICENCE_REQUIRED.search(text):
        return False
    obligations = [x for x in items if OBLIGATION.search(x) or not LIFTED.search(x)]
    if LICENCE_REQUIRED.search(lead) or obligations:
        return True
    return None


def licensing_of(nodes: list[_Node], stance: str) -> Licensing:
    """The licensing regime: whether a licence is required and each requirement as worded."""
    lead_lines, items = _licensing_lines(nodes)
    if not lead_lines and not items:
        lead_lines, items = _licensing_in_prose(nodes)
    lead = strip_markup(" ".join(lead_lines))
    return Licensing(required=licensing_required(lead, items, stance), summary=lead,
                     requirements=tuple(dict.fromkeys(strip_markup(x) for x in items if strip_markup(x))))


_LIST_INTRO = re.compile(r"\b(?:conditions|requirements|criteria)\s*(?:are|include)?\s*:|\binclude\s*:", re.I)


def _licensing_in_prose(nodes: list[_Node]) -> tuple[list[str], list[str]]:
    """A report with no licensing section ("14. A trader needs an OJK licence. The conditions: an
    Indonesian PT; paid-up capital of at least …"): the entry that says a licence is needed leads,
    the list it gives is the requirements."""
    if labelled := _labelled(nodes, "licensing"):
        return labelled[:1], [x.strip() for x in re.split(r";\s+", " ".join(labelled[1:])) if x.strip()]
    for n in nodes:
        if n.kind in CORE or n.kind == "boilerplate" or n.narrative:
            continue
        for line in [*(it.text for it in n.section.items), *n.section.paragraphs]:
            text = strip_markup(line)
            if not (_LICENCE_WORD.search(text) and LICENCE_REQUIRED.search(text)) or NO_LICENCE.search(text):
                continue
            m = _LIST_INTRO.search(text)
            head, listed = (text[:m.start()], text[m.end():]) if m else (text, "")
            return [head.strip()], [re.sub(r"^and\s+", "", x.strip(" .")) for x in re.split(r";\s+", listed)
                                    if x.strip(" .")]
    return [], []


# --- the rest -------------------------------------------------------------------------------

def other_sections(nodes: list[_Node]) -> list[SectionRecord]:
    """Every section that is no core fact, kept so nothing the report says is lost."""
    out = []
    for n in nodes:
        if n.kind in ("boilerplate",) or n.entity or (n.parent is not None and n.parent.entity):
            continue
        sec = n.section
        if n.kind in ("regulators", "laws"):
            # their entries are entities; their prose is kept (it explains what left and why)
            if sec.paragraphs:
                out.append(SectionRecord(heading=strip_markup(sec.heading),
                                         text=strip_markup(" ".join(sec.paragraphs)), items=(), kind=n.kind))
            continue
        items = [" ".join(strip_markup(x) for x in flatten_item(it)) for it in sec.items]
        items += [" | ".join(strip_markup(c) for c in r) for t in sec.tables for r in t.rows]
        out.append(SectionRecord(heading=strip_markup(sec.heading), text=strip_markup(" ".join(sec.paragraphs)),
                                 items=tuple(items), kind=n.kind))
    return out
