"""The document model: any report's body as a tree of sections, paragraphs, items and tables.

Reports come in drifting layouts: headings as markdown (`#` to `######`, setext underlines), bold
lines, ALL CAPS, numbers ("2.1 Licensing"), questions or plain short lines; inline labels
(`**Regulators:** …` on one line); nested, hard-wrapped, numbered or `•` bullets; definition lists;
tables; block quotes; sometimes HTML. This module turns all of them into one shape, so the readers
after it see sections and items and never a layout. It knows nothing of regulators or laws.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from tracker.vocabulary import ABBREVIATION_END, BOILERPLATE_HEADING

BULLET = re.compile(r"^(?P<indent>\s*)(?P<mark>[-*+•●▪◦‣–—]|\d{1,3}[.)]|\d{1,2}(?:\.\d{1,2})+\.?|\(\d{1,3}\)|[a-z][.)]|\([a-z]\)|"
                    r"(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3})[.)]|\((?:i{1,3}|iv|vi{0,3}|ix|x)\))\s+(?P<text>\S.*)$")
_OUTLINE = re.compile(r"^(?P<mark>[A-Z])[.)]\s+(?P<text>\S.*)$")
_SUB_OUTLINE = re.compile(r"^\s*(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|[a-z])[.)]\s+\S")
_URL_LINE = re.compile(r"^\s*(?:\d{1,3}[.)]\s*|[-*•]\s*)?(?:\[\d+\]:?\s*)?<?(?P<url>https?://\S+?)>?\s*$")
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s*(?:=+|-+|~{3,}|\^{3,}|\+{3,}|\"{3,}|\*{3,})\s*$")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_BOLD_LINE = re.compile(r"^(?:\*\*|__)(?P<text>[^*_].*?)(?:\*\*|__)\s*:?\s*$")
_NUMBERED = re.compile(r"^(?P<num>(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.|[A-H]\.))\s+(?P<text>\S.*)$")
_QA = re.compile(r"^(?:\*\*|__)?\s*Q(?:uestion)?\s*\d*\s*[:.)]\s*(?P<text>.+?)\s*(?:\*\*|__)?\s*$", re.I)
_ANSWER = re.compile(r"^(?:\*\*|__)?\s*A(?:nswer)?\s*[:.)]\s*(?:\*\*|__)?\s*", re.I)
# "**Label:** body" or "**Label.** body" or "Label: body" on one line
_BOLD_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_]{2,90}?)(?P<p1>[:.]?)(?:\*\*|__)(?P<p2>\s*[:.—–-]?)\s+(?P<body>\S.*)$")
_PLAIN_LABEL = re.compile(r"^(?P<label>[A-Z][^:.;!?]{1,50}?)\s*:\s+(?P<body>\S.*)$")
_TERMINAL = re.compile(r"[.!?:;)\]→\"'”*|]$")
_CITE = r"\[\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\]"
_CITES = re.compile(rf"\s*((?:{_CITE}(?:\s*[,–-]?\s*(?={_CITE}))?)+)")
_MD_LINK_CITE = re.compile(r"\[\[(\d{1,3})\]\]\((?:https?://[^)\s]*)\)")
_MD_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^)\s]+)\)")


@dataclass(frozen=True)
class Item:
    """One bullet (or table-less entry), with the bullets nested under it."""

    text: str
    children: tuple["Item", ...] = ()


@dataclass(frozen=True)
class Table:
    """A table: its header cells and its rows."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Paragraph:
    """A run of prose."""

    text: str


Block = Paragraph | Item | Table


@dataclass
class Section:
    """A heading, what stands under it, and its sub-sections."""

    heading: str
    level: int = 1
    style: str = "plain"
    blocks: list[Block] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)
    quoted: bool = False

    @property
    def paragraphs(self) -> list[str]:
        """The prose of this section (not of its sub-sections)."""
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def items(self) -> list[Item]:
        """The top-level items of this section."""
        return [b for b in self.blocks if isinstance(b, Item)]

    @property
    def tables(self) -> list[Table]:
        """The tables of this section."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def walk(self) -> Iterator["Section"]:
        """This section and every section under it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def text(self) -> str:
        """Everything this section and its sub-sections say, as plain lines."""
        lines: list[str] = []
        for sec in self.walk():
            if sec is not self:
                lines.append(sec.heading)
            for b in sec.blocks:
                if isinstance(b, Paragraph):
                    lines.append(b.text)
                elif isinstance(b, Item):
                    lines.extend(flatten_item(b))
                else:
                    lines.extend(" | ".join(r) for r in b.rows)
        return "\n".join(lines)


def flatten_item(item: Item, depth: int = 0) -> list[str]:
    """An item and its nested items as lines."""
    out = [item.text]
    for child in item.children:
        out.extend(flatten_item(child, depth + 1))
    return out


@dataclass
class Body:
    """A report's body: the lead before the first heading, then the sections."""

    lead: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        """Every section, depth first."""
        for s in self.sections:
            yield from s.walk()


# --- text normalisation ---------------------------------------------------------------------

_HTML_TAG = re.compile(r"</?(?:h[1-6]|p|div|ul|ol|li|table|thead|tbody|tr|td|th|br|strong|b|em|i|span|section|"
                       r"article|header|footer|blockquote|dl|dt|dd|a|hr)\b[^>]*>", re.I)


def normalise(text: str) -> str:
    """One text form for every encoding of a report: no BOM, '\\n' line ends, no tabs or
    no-break spaces, HTML turned into the markdown it means."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\t", "    ").replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    if len(_HTML_TAG.findall(text)) >= 5:
        text = _from_html(text)
    if len(_RECORD_LINE.findall(text)) >= 6:
        text = _from_records(text)
    return _from_definitions(_from_decorations(text))


_TERM = re.compile(r"^(?![-*+•#>|]|\d{1,3}[.)]\s)(?P<term>\S.{0,118}?)\s*$")
_DEFINITION = re.compile(r"^(?: {2,}|\t)(?![-*+•]\s|\d{1,3}[.)]\s)(?P<text>\S.*)$")


def _from_definitions(text: str) -> str:
    """A definition list (a term on its own line, its definition indented under it), written as
    the bullets it means: '- Term: definition'. Read only where a report holds three or more."""
    lines = text.split("\n")
    found = []
    for k in range(len(lines) - 1):
        term = _TERM.match(lines[k])
        if term and _DEFINITION.match(lines[k + 1]) and not term.group("term").endswith((".", ":", ",", ";")) \
                and len(term.group("term").split()) <= 14 and not _DEFINITION.match(lines[k]):
            found.append(k)
    if len(found) < 3:
        return text
    out: list[str] = []
    k = 0
    starts = set(found)
    while k < len(lines):
        if k in starts:
            body = []
            j = k + 1
            while j < len(lines) and (m := _DEFINITION.match(lines[j])):
                body.append(m.group("text").strip())
                j += 1
            out.append(f"- {lines[k].strip()}: {' '.join(body)}")
            k = j
            continue
        out.append(lines[k])
        k += 1
    return "\n".join(out)


# --- decorations: the markup of other writing systems, read as the markdown they mean -------------

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_CITE = re.compile(r"(?<=[\w.,;:)\]”\"'%])((?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[ ,]\s?(?=[⁰¹²³⁴⁵⁶⁷⁸⁹]))?)+)")
_WORD_CITE = re.compile(r"\s?[\[(](?:see\s+|source\s+|sources\s+|src\.?\s+|ref\.?\s+)\[?(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]?[\])]",
                        re.I)
_CARET_CITE = re.compile(r"\^\[(\d{1,3})\]")
_BARE_CITE = re.compile(r"(?<=[a-z.;:\])”\"'%])\s?\((\d{1,2})\)(?=[.;,]?\s*$|[.;,]\s)")
_FOOTNOTE_MARK = re.compile(r"(?<=\S)[†‡¶]+")
_EQ_HEADING = re.compile(r"^\s*(={2,6})\s*(?P<text>[^=].*?)\s*=*\s*$")
_INI_HEADING = re.compile(r"^\s*\[(?P<text>[A-Za-z][\w &/'-]{1,40})\]\s*$")
_TAGGED_BULLET = re.compile(r"^(?P<lead>\s*[-*+•]\s+)\[(?P<tag>[A-Z][A-Z ,/&-]{1,40})\]\s+(?P<text>\S.*)$")
_TAG_LINE = re.compile(r"^\s*\[(?P<tag>[A-Z][A-Z _/&-]{1,30})\]\s+(?P<text>\S.*)$")
_SECTION_SIGN = re.compile(r"^\s*§\s*\d*[.:]?\s+(?P<text>\S.*)$|^\s*§\s*(?P<num>\d+)\s*$")
_CHECKBOX = re.compile(r"^(\s*)(?:[-*]\s+)?\[[ xX✓✔]\]\s+")
_TREE = re.compile(r"^(?P<lead>[│|┃\s]*)(?:├──|└──|├─|└─|┣━+|┗━+|\|--(?=\s)|`--(?=\s))\s*(?P<text>.*)$")
_ARROW_BULLET = re.compile(r"^(\s*)(?:->|=>|→|»|➔|➜|➤|▸|▹|►|◆|◇|■|□|○|·)\s+(?=\S)")
_CONTINUATION = re.compile(r"^(\s*)↳\s*")
_BOX_RULE = re.compile(r"^\s*[+╔╚╠╟┌└├╭╰][-=+═─━┈┄]{3,}[+╗╝╣╢┐┘┤╮╯]?\s*$|^\s*[═─━]{3,}\s*$")
_BOX_LINE = re.compile(r"^\s*[|║│┃]\s?(?P<text>[^|║│┃]*?)\s*[|║│┃]\s*$")
_DOT_LEADER = re.compile(r"^(?P<lead>\s*(?:[-*•]\s+)?)(?P<name>\S.*?\S)\s*(?:\.\s?){4,}\s*(?P<text>\S.*)$")
_SHORT_LEADER = re.compile(r"^(?P<lead>\s*(?:[-*•]\s+)?)(?P<name>\S.*?\S)\s+\.{1,3}\s+(?P<text>\S.*)$")
_DOUBLE_COLON = re.compile(r"^(?P<lead>\s*(?:[-*•]\s+)?)(?P<name>[^:]{2,120}?)\s+::\s+(?P<text>\S.*)$")
_MIDDLE_DOT = re.compile(r"\s+·\s+")
_RST_FIELD = re.compile(r"^(\s*):(?P<key>[A-Za-z][\w &/-]{0,40}):\s+(?P<text>\S.*)$")


def _is_pictograph(ch: str) -> bool:
    import unicodedata

    if 0x2500 <= ord(ch) <= 0x259F:
        return False  # box drawing: a tree or a frame, not a pictograph
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF or 0x2600 <= ord(ch) <= 0x27BF


def _emoji_lead(line: str) -> tuple[str, str] | None:
    """A line that opens with a pictograph ('🏛️ Regulatory Bodies', '✅ PVARA licence'): the
    pictograph and the rest."""
    s = line.lstrip()
    k = 0
    while k < len(s) and (_is_pictograph(s[k]) or s[k] in "\ufe0f\ufe0e\u200d\u20e3"):
        k += 1
    if k == 0 or k >= len(s) or not s[k].isspace():
        return None
    rest = s[k:].strip()
    return (s[:k].replace("\ufe0f", ""), rest) if rest else None


def _space_table(block: list[str]) -> list[str] | None:
    """Lines of columns aligned with runs of spaces (a table without rules): a markdown table,
    or None when the lines are not one."""
    splits = [[c for c in re.split(r"\s{2,}", ln.strip()) if c] for ln in block]
    n = len(splits[0])
    if n < 2 or n > 8 or any(len(c.split()) > 5 for c in splits[0]) or any(c.endswith(".") for c in splits[0]):
        return None
    starts = [m.start() for m in re.finditer(r"(?:(?<=\s\s)|^)\S", block[0])]
    rows = []
    for ln, cells in zip(block[1:], splits[1:]):
        if len(cells) == n:
            rows.append(cells)
        elif rows and len(cells) < n and ln.startswith(" " * max(1, starts[1] if len(starts) > 1 else 1)):
            # a wrapped cell: continue the row above in the columns this line starts under
            for cell in cells:
                pos = ln.index(cell)
                col = max(i for i, st in enumerate(starts) if st <= pos + 1)
                rows[-1][col] = f"{rows[-1][col]} {cell}".strip()
        else:
            return None
    if len(rows) < 1:
        return None
    out = ["| " + " | ".join(splits[0]) + " |", "|" + "---|" * n]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _tree_depth(m: re.Match) -> int:
    return len(m.group("lead").replace("│", "    ").replace("┃", "    ").replace("|", "    ")) // 4


def _from_decorations(text: str) -> str:
    """Headings, bullets and citation marks in the forms markdown does not have (wiki '== X ==',
    INI '[x]', '§ 2', pictographs, tree glyphs, boxes, dot leaders, 'Term :: text', '[LAW] …' tags,
    footnote marks '¹', '^[1]', '(see [3])', '[source 3]'), rewritten as the markdown they mean."""
    lines = text.split("\n")
    emojis = [(_emoji_lead(ln) or ("", ""))[0] for ln in lines]
    leaders = [bool(_DOT_LEADER.match(m.group("text") if (m := _BOX_LINE.match(ln)) else ln)) for ln in lines]
    out: list[str] = []
    tag: str | None = None
    k = 0
    while k < len(lines):
        line = lines[k]
        line = _CARET_CITE.sub(r"[\1]", line)
        line = _WORD_CITE.sub(lambda m: "[" + re.sub(r"\s", "", m.group(1)).replace(";", ",") + "]", line)
        line = _SUPERSCRIPT_CITE.sub(lambda m: "".join(f"[{d}]" for d in re.findall(r"\d+", m.group(1).translate(
            _SUPERSCRIPT))), line)
        line = _BARE_CITE.sub(r"[\1]", line)
        line = _FOOTNOTE_MARK.sub("", line)
        line = re.sub(r"'''(.+?)'''", r"**\1**", line)
        if _BOX_RULE.match(line):
            k += 1
            continue
        if (m := _BOX_LINE.match(line)) and line.count("|") + line.count("│") + line.count("║") == 2:
            line = m.group("text")
            if not line.strip():
                out.append("")
                k += 1
                continue
        # a block of space-aligned columns (3+ lines, a header of short cells)
        if re.search(r"\S\s{2,}\S", line.strip()) and not line.lstrip().startswith(("|", "-", "*", "•")):
            end = k
            while end < len(lines) and lines[end].strip() and re.search(r"\S\s{2,}\S|^\s{2,}\S", lines[end]):
                end += 1
            if end - k >= 2 and (table := _space_table(lines[k:end])) is not None:
                out.extend(["", *table, ""])
                k = end
                continue
        if m := _TAGGED_BULLET.match(line):
            # "- [IN FORCE] Act 1044 (…) -- text": the tag says the entry's status, after its name
            sep = re.search(r"\s+(?:--|—|–|-)\s+|:\s+", m.group("text"))
            tag = m.group("tag").strip().capitalize()
            text = m.group("text")
            line = m.group("lead") + (f"{text[:sep.end()]}{tag}; {text[sep.end():]}" if sep else f"{text}. {tag}.")
            tag = None
        if m := _TAG_LINE.match(line):
            if m.group("tag") != tag:
                tag = m.group("tag")
                out.extend(["", f"## {tag.title()}"])
            out.append(f"- {m.group('text')}")
            k += 1
            continue
        tag = None
        if m := _EQ_HEADING.match(line):
            out.append("#" * min(6, len(m.group(1))) + " " + m.group("text"))
        elif m := _INI_HEADING.match(line):
            out.append("## " + m.group("text").replace("_", " ").strip().capitalize())
        elif m := _SECTION_SIGN.match(line):
            if m.group("text"):
                out.append("## " + m.group("text"))
            elif k + 1 < len(lines) and lines[k + 1].strip() and len(lines[k + 1].split()) <= 9:
                out.append("## " + lines[k + 1].strip())  # "§2" on its own line, the title under it
                k += 1
        elif lead := _emoji_lead(line):
            mark, rest = lead
            shared = (k > 0 and emojis[k - 1] == mark) or (k + 1 < len(lines) and emojis[k + 1] == mark)
            titled = _looks_like_title(strip_markup(rest), 9) and not re.search(r":\s+\S", rest)
            out.append(f"## {rest}" if titled and not shared else f"- {rest}")
        elif m := _TREE.match(line):
            depth = _tree_depth(m)
            below = _TREE.match(lines[k + 1]) if k + 1 < len(lines) else None
            branch = m.group("text").strip()
            if below is not None and _tree_depth(below) > depth and _looks_like_title(strip_markup(branch), 8) \
                    and ":" not in branch:
                out.append("#" * min(6, depth + 2) + " " + branch)  # "├── Supervisors": a branch names its leaves
            else:
                out.append("  " * depth + "- " + branch if branch else "")
        elif re.fullmatch(r"\s*[│┃]\s*", line):
            out.append("")
        elif m := _CHECKBOX.match(line):
            out.append(m.group(1) + "- " + line[m.end():])
        elif m := _CONTINUATION.match(line):
            out.append(m.group(1) + "  - " + line[m.end():])
        elif m := _ARROW_BULLET.match(line):
            out.append(m.group(1) + "- " + line[m.end():])
        elif (m := _DOT_LEADER.match(line)) or ((m := _SHORT_LEADER.match(line)) and any(
                leaders[j] for j in range(max(0, k - 3), min(len(lines), k + 4)))):
            # ("Tax ............. MTCA" over "AML supervisor .. FIAU": a leader cut short by a long name)
            out.append(f"{m.group('lead') or '- '}{m.group('name')}: {m.group('text')}")
        elif m := _DOUBLE_COLON.match(line):
            out.append(f"{m.group('lead')}{m.group('name')}: {m.group('text')}")
        elif m := _RST_FIELD.match(line):
            out.append(f"{m.group(1)}{m.group('key')}: {m.group('text')}")
        else:
            out.append(line)
        k += 1
    # "FMA · Financial Market Authority · authorises CASPs": fields run together with middle dots
    return "\n".join(_middle_dots(ln) for ln in out)


def _middle_dots(line: str) -> str:
    if " · " not in line or line.lstrip().startswith("|"):
        return line
    # "… · sources: 1, 3": the citations of the line
    line = re.sub(r"\s+·\s+sources?\s*:\s*(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*$",
                  lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), line, flags=re.I)
    head, _, rest = line.partition(" · ")
    if ":" in head or len(head.split()) > 12:
        return _MIDDLE_DOT.sub("; ", line)
    return f"{head}: {_MIDDLE_DOT.sub('; ', rest)}"


# "  - name: Financial Sector Conduct Authority" / "    acronym: FSCA": structured key/value records
_RECORD_LINE = re.compile(r"^[ \t]*(?:- )?[a-z][a-z_ ]{1,30}:[ \t]", re.M)
_RECORD = re.compile(r"^(?P<indent>[ \t]*)(?P<dash>- )?(?P<key>[a-z][a-z_ ]{1,30}):[ \t]*(?P<value>.*)$")
_NAME_KEYS = {"name", "title", "instrument", "law", "regulator", "authority", "body", "duty", "requirement", "item"}
_TEXT_KEYS = {"role", "scope", "summary", "description", "notes", "note", "detail", "details", "what", "crypto treatment",
              "subject", "covers", "mandate", "remit", "treatment", "relevance", "value", "applies to"}


def _from_records(text: str) -> str:
    """Key/value records read as the markdown they stand for: a bare key ('regulators:') is a
    heading, a '- name: …' record one bullet 'Name (SHORT): role', its other keys its details."""
    out: list[str] = []
    record: dict[str, str] | None = None

    def close() -> None:
        nonlocal record
        if record is None:
            return
        name = next((record[k] for k in record if k in _NAME_KEYS), None)
        if name is None:
            name = next(iter(record.values()), "")
        short = record.get("acronym") or record.get("short") or record.get("abbreviation")
        body = "; ".join(v for k, v in record.items() if k in _TEXT_KEYS and v)
        sources = record.get("sources", "")
        cites = "".join(f"[{n}]" for n in re.findall(r"\d+", sources))
        head = f"{name} ({short})" if short and short not in name else name
        out.append(f"- {head}: {body}{cites}" if body else f"- {head}:{cites}")
        for k, v in record.items():
            if k not in _NAME_KEYS and k not in _TEXT_KEYS and k not in ("acronym", "short", "abbreviation", "sources") \
                    and v:
                out.append(f"  - {k.replace('_', ' ').capitalize()}: {v}")
        record = None

    for line in text.split("\n"):
        m = _RECORD.match(line)
        if m is None:
            close()
            out.append(line)
            continue
        key, value = m.group("key").replace("_", " ").strip(), m.group("value").strip()
        if m.group("dash"):
            close()
            record = {key: value}
        elif record is not None and len(m.group("indent")) > 0:
            record[key] = value
        elif not value:
            close()
            out.append(key.capitalize())  # a bare key: the heading of what follows
        else:
            close()
            out.append(f"{key.capitalize()}: {value}")
    close()
    return "\n".join(out)


def _from_html(text: str) -> str:
    def heading(m: re.Match) -> str:
        return "\n" + "#" * int(m.group(1)) + " " + re.sub(r"<[^>]+>", "", m.group(2)).strip() + "\n"

    text = re.sub(r"<h([1-6])[^>]*>(.*?)</h\1\s*>", heading, text, flags=re.I | re.S)
    text = re.sub(r"<(?:strong|b)\b[^>]*>(.*?)</(?:strong|b)\s*>", r"**\1**", text, flags=re.I | re.S)
    text = re.sub(r"<a\b[^>]*href=\"(https?://[^\"]+)\"[^>]*>(.*?)</a\s*>", r"[\2](\1)", text, flags=re.I | re.S)
    text = re.sub(r"<li\b[^>]*>", "\n- ", text, flags=re.I)
    text = re.sub(r"<t[dh]\b[^>]*>", " | ", text, flags=re.I)
    text = re.sub(r"</tr\s*>", " |\n", text, flags=re.I)
    text = re.sub(r"<tr\b[^>]*>", "\n", text, flags=re.I)
    text = re.sub(r"<(?:br|hr)\b[^>]*/?>|</(?:p|div|li|ul|ol|table|dt|dd|blockquote|h[1-6])\s*>|<(?:p|div|dt)\b[^>]*>",
                  "\n", text, flags=re.I)
    text = re.sub(r"<dd\b[^>]*>", "\n: ", text, flags=re.I)
    text = re.sub(r"<[^>\n]{1,200}>", "", text)
    text = html.unescape(text)
    text = re.sub(r"\n\s*\|\s*\|", "\n|", text)
    text = re.sub(r"\n\s*\n(?=\s*\|)", "\n", text)  # a table's rows stand together
    return re.sub(r"\n{3,}", "\n\n", text)


def strip_markup(text: str) -> str:
    """Text without markdown emphasis, code marks, link syntax or citation marks, spaces folded."""
    text = _MD_LINK_CITE.sub(r"[\1]", text)
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)|`", "", text)
    text = _CITES.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def citations(text: str) -> tuple[int, ...]:
    """The source numbers a text cites, in order, ranges expanded ("[2-4]" cites 2, 3 and 4)."""
    text = _MD_LINK_CITE.sub(r"[\1]", text)
    found: list[int] = []
    for mark in _CITES.findall(text):
        for a, b in re.findall(r"(\d{1,3})(?:\]?\s*[–-]\s*\[?(\d{1,3}))?", mark):
            lo, hi = int(a), int(b or a)
            found.extend(range(lo, hi + 1) if lo <= hi <= lo + 50 else (lo, hi))
    return tuple(dict.fromkeys(found))


def sentences(text: str, *, marks: str = ".;!?") -> list[str]:
    """Split text into sentences (or clauses, with ';' or ':' among the marks) without splitting
    after an abbreviation such as 'No.', 'Cap.' or an initial."""
    return list(_sentences(text, marks))


@lru_cache(maxsize=1024)  # a snapshot's texts are split again by every pair it is in, as older and as newer
def _sentences(text: str, marks: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in text.split("\n"):
        start = 0
        for m in re.finditer(rf"[{re.escape(marks)}](?:\[\d[^\]]*\])*\s+", line):
            piece = line[start:m.start() + 1]
            if piece.endswith(".") and (ABBREVIATION_END.search(piece) or re.match(r"[a-z0-9(]", line[m.end():m.end() + 1])
                                        and re.search(r"\b\w{1,5}\.$", piece)):
                continue  # "No. 7518", "Min. net assets", "Cir. 1108": an abbreviation, not a sentence end
            out.append(piece.strip())
            start = m.end()
        out.append(line[start:].strip())
    return tuple(p for p in out if p)


# --- headings -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Heading:
    text: str
    style: str
    explicit_level: int | None = None


def _heading_text(raw: str) -> str:
    text = strip_markup(raw).strip(" :#*_")
    return re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.|[A-H]\.)\s+(?=\S)", "", text).strip()


def _looks_like_title(s: str, max_words: int = 9) -> bool:
    """A short line that reads as a heading: capitalised, few words, no sentence end, no citation."""
    if not s or len(s) > 90 or "://" in s or re.search(r"\[\d", s):
        return False
    words = s.split()
    if len(words) > max_words or not (s[0].isupper() or s[0].isdigit()):
        return False
    return not re.search(r"[.;,!→]$", s)


def heading_of(line: str, next_line: str | None = None) -> _Heading | None:
    """The heading a line stands for (with its style), or None when it is body text."""
    s = line.strip()
    if not s or s.startswith("|"):
        return None
    if m := _MD_HEADING.match(s):
        text = _heading_text(m.group("text"))
        return _Heading(text, f"md{len(m.group('hashes'))}", len(m.group("hashes"))) if text else None
    if m := _QA.match(s):
        if m.group("text").rstrip("*_ ").endswith("?"):
            return _Heading(_heading_text(m.group("text")), "qa")
    if next_line is not None and _SETEXT.match(next_line) and _looks_like_title(strip_markup(s), 12) \
            and not BULLET.match(s):
        # '=' over '-' over '~' over '^' (reStructuredText's usual order); others below them
        level = {"=": 1, "-": 2, "~": 3, "^": 4}.get(next_line.strip()[:1], 4)
        return _Heading(_heading_text(s), f"setext{level}", level)
    if m := _BOLD_LINE.match(s):
        text = m.group("text").strip()
        if len(text.split()) <= 12 and not re.search(r"\[\d", text) and not text.endswith("."):
            return _Heading(_heading_text(text), "bold")
        return None
    if BULLET.match(s) and not _NUMBERED.match(s):
        return None
    if m := _NUMBERED.match(s):
        rest = strip_markup(m.group("text"))
        if _looks_like_title(rest, 8) and not re.search(r":\s+\S", rest) and not rest.endswith(":") \
                and not re.search(r"\s[–—-]\s", rest):
            depth = m.group("num").rstrip(".").count(".") + 1
            return _Heading(_heading_text(rest), f"num{depth}")
        return None
    plain = strip_markup(s)
    letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", plain)
    if len(letters) >= 4 and letters.isupper() and _looks_like_title(plain.title(), 10) and not plain.endswith("."):
        return _Heading(_heading_text(plain.title() if len(plain.split()) > 1 else plain), "caps")
    if plain.endswith(":") and len(plain.split()) <= 6 and "," not in plain and plain[0].isupper() \
            and not re.search(r"\[\d", s):
        return _Heading(_heading_text(plain[:-1]), "colon")
    if plain.endswith("?") and len(plain.split()) <= 12 and plain[0].isupper():
        return _Heading(_heading_text(plain), "question")
    ends_well = not re.search(r"[:)]$", plain) or re.search(r"\([A-Z][A-Za-z&./-]{1,11}\)$", plain)
    if _looks_like_title(plain) and ends_well and not re.search(r"\s[–—]\s|\s--?\s|:\s", plain):
        return _Heading(_heading_text(plain), "plain")
    if _looks_like_title(plain) and re.search(r"\s[–—/]\s", plain) and not re.search(r"[;:(\d]", plain):
        # "Governing Rules — Timeline", "Autoridades / Regulators": a heading of two parts, one of them a
        # section's name (not "BSP — Bangko Sentral ng Pilipinas", an entry)
        from tracker.vocabulary import HEADING_KINDS
        parts = re.split(r"\s[–—/]\s", plain)
        if all(len(p.split()) <= 5 for p in parts) and any(rx.search(p) for p in parts for _, rx in HEADING_KINDS):
            return _Heading(_heading_text(plain), "plain")
    return None


def _known_heading(line: str) -> bool:
    """Whether a line is a heading whose words name a section of the report."""
    from tracker.vocabulary import HEADING_KINDS
    h = heading_of(line)
    return h is not None and (BOILERPLATE_HEADING.match(h.text) is not None or any(rx.search(h.text) for _, rx in HEADING_KINDS))


def inline_label(line: str) -> tuple[str, str, bool] | None:
    """A line that opens with a label and carries its body: (label, body, bold)."""
    s = line.strip()
    if m := _BOLD_LABEL.match(s):
        label = m.group("label").strip()
        if (m.group("p1") or m.group("p2").strip()) and len(label.split()) <= 12:
            return label.rstrip(":. "), m.group("body").strip(), True
    if m := _PLAIN_LABEL.match(s):
        label = m.group("label").strip()
        if len(label.split()) <= 5 and not re.search(r"\d{4}|\[|\(", label):
            return label, m.group("body").strip(), False
    return None


# --- building the tree ----------------------------------------------------------------------

@dataclass
class _Line:
    text: str
    indent: int
    quoted: bool


def _lines(raw: list[str]) -> list[_Line]:
    out = []
    for line in raw:
        quoted = False
        m = re.match(r"^\s*((?:>\s?)+)", line)
        if m:
            quoted = True
            line = line[m.end():]
        out.append(_Line(line.rstrip(), len(line) - len(line.lstrip()), quoted))
    return out


def _unwrap(lines: list[_Line]) -> list[_Line]:
    """Join what a hard wrap or a definition list spreads over two lines: an indented line that
    continues a bullet, the rest of a long line cut mid-sentence, a ': definition' line."""
    out: list[_Line] = []
    bullet_indent: int | None = None
    for ln in lines:
        s = ln.text.strip()
        if not s:
            out.append(ln)
            bullet_indent = None if not out or not out[-1].text.strip() else bullet_indent
            continue
        prev = next((x for x in reversed(out) if x.text.strip()), None)
        prev_blank = bool(out) and not out[-1].text.strip()
        is_bullet = bool(BULLET.match(s)) and not _URL_LINE.match(s)
        structural = is_bullet or s.startswith(("|", "#")) or _SETEXT.match(s) or _RULE.match(s)
        if prev is not None and re.match(r"^:\s+\S", s) and not prev_blank:
            prev.text = prev.text.rstrip() + ": " + s[1:].strip()
            continue
        if prev is not None and not prev_blank and not structural:
            p = prev.text.strip()
            continues_bullet = bullet_indent is not None and ln.indent > bullet_indent
            cut = (len(p) >= 60 and not _TERMINAL.search(p) and not p.startswith("|") and not _URL_LINE.match(p)
                   and heading_of(p) is None and not s.startswith("**") and ln.quoted == prev.quoted
                   and not re.match(r"^[^:]{1,40}:\s", p) and not _known_heading(s))
            if continues_bullet or cut:
                prev.text = prev.text.rstrip() + " " + s
                continue
        out.append(ln)
        bullet_indent = ln.indent if is_bullet else (bullet_indent if ln.indent > (bullet_indent or 0) else None)
        if not is_bullet and bullet_indent is not None and ln.indent <= bullet_indent:
            bullet_indent = None
    return out


def _items(entries: list[tuple[int, str]]) -> list[Item]:
    """Bullets with their indentation -> items nested by indentation."""
    root: list[tuple[int, str, list]] = []
    stack: list[tuple[int, list]] = [(-1, root)]
    for indent, text in entries:
        while len(stack) > 1 and indent <= stack[-1][0]:
            stack.pop()
        node = (indent, text, [])
        stack[-1][1].append(node)
        stack.append((indent, node[2]))

    def build(nodes) -> list[Item]:
        return [Item(text, tuple(build(kids))) for _, text, kids in nodes]
    return build(root)


def _table(rows: list[str]) -> Table | None:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    cells = [c for c in cells if not all(re.fullmatch(r":?-{2,}:?", x) or not x for x in c)]
    if not cells:
        return None
    width = max(len(c) for c in cells)
    cells = [c + [""] * (width - len(c)) for c in cells]
    return Table(tuple(cells[0]), tuple(tuple(c) for c in cells[1:]))


def parse_body(raw_lines: list[str]) -> Body:
    """Body lines -> the section tree."""
    lines = _unwrap(_lines(raw_lines))
    body = Body()
    stack: list[Section] = []  # the open sections, outermost first
    quote_base: int | None = None  # how deep the stack was when a quoted section opened
    explicit = any(_MD_HEADING.match(ln.text.strip()) for ln in lines) or any(
        _SETEXT.match(lines[k + 1].text) and lines[k].text.strip() and heading_of(lines[k].text, lines[k + 1].text)
        for k in range(len(lines) - 1))
    pending_items: list[tuple[int, str]] = []
    pending_table: list[str] = []
    numbered_list_depth: int | None = None  # the depth of the numbered list being read, if any

    def blocks() -> list[Block]:
        return stack[-1].blocks if stack else body.lead

    def flush() -> None:
        if pending_items:
            blocks().extend(_items(pending_items))
            pending_items.clear()
        if pending_table:
            if (t := _table(pending_table)) is not None:
                blocks().append(t)
            pending_table.clear()

    def open_section(h: _Heading, quoted: bool) -> None:
        nonlocal quote_base
        flush()
        if quoted and quote_base is None:
            quote_base = len(stack)
        level = _level_for(h, stack, explicit)
        while stack and stack[-1].level >= level:
            stack.pop()
        sec = Section(heading=h.text, level=level, style=h.style, quoted=quoted)
        (stack[-1].children if stack else body.sections).append(sec)
        stack.append(sec)

    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        s = ln.text.strip()
        if quote_base is not None and s and not ln.quoted:
            flush()
            del stack[quote_base:]
            quote_base = None
        if not s or _RULE.match(s):
            following = next((lines[k].text.strip() for k in range(i + 1, n) if lines[k].text.strip()), "")
            if not (pending_table and following.startswith("|")):  # a blank line inside a table
                flush()
            i += 1
            continue
        if url := _URL_LINE.match(s):
            flush()
            body.urls.append(url.group("url").rstrip(".,;)"))
            i += 1
            continue
        if s.startswith("|"):
            if pending_items:
                flush()
            pending_table.append(s)
            i += 1
            continue
        if pending_table:
            flush()
        nxt = lines[i + 1].text if i + 1 < n else None
        outline = _OUTLINE.match(s)
        if outline and nxt is not None and _SUB_OUTLINE.match(nxt) and not _known_heading(outline.group("text")) \
                and not strip_markup(outline.group("text")).isupper():
            # "A. Israel Tax Authority (ITA)" over "i. …", "ii. …": an outline's entry and its details
            pending_items.append((0, outline.group("text").strip()))
            k = i + 1
            while k < n and _SUB_OUTLINE.match(lines[k].text):
                sub = BULLET.match(lines[k].text.strip())
                pending_items.append((2, sub.group("text").strip() if sub else lines[k].text.strip()))
                k += 1
            i = k
            continue
        h = heading_of(s, nxt)
        if h is not None and h.style.startswith("num"):
            depth = int(h.style[3:])
            follow = next((lines[k].text.strip() for k in range(i + 1, n) if lines[k].text.strip()), "")
            fh = heading_of(follow) if _NUMBERED.match(follow) else None
            if numbered_list_depth == depth or (fh is not None and fh.style == h.style):
                h = None  # a list of short numbered entries, not a run of headings
                numbered_list_depth = depth
        if h is not None and h.text:
            numbered_list_depth = None
            open_section(h, ln.quoted)
            i += 2 if h.style.startswith("setext") else 1
            continue
        bullet = BULLET.match(ln.text)
        if bullet:
            if not bullet.group("mark")[0].isdigit():
                numbered_list_depth = None
            pending_items.append((len(bullet.group("indent")), bullet.group("text").strip()))
            i += 1
            continue
        numbered_list_depth = None
        flush()
        text = _ANSWER.sub("", s)
        label = inline_label(text)
        if label is not None:
            name, rest, bold = label
            if _opens_section(name, bold):
                open_section(_Heading(_heading_text(name), "label"), ln.quoted)
                stack[-1].blocks.append(Paragraph(rest))
                i += 1
                continue
            if bold and not FIELD_LABEL.match(name):
                blocks().append(Item(f"{name}: {rest}"))
                i += 1
                continue
        blocks().append(Paragraph(text))
        i += 1
    flush()
    return body


# Labels of an entity's own fields ("Status: in force", "Effective: 1 July 2026"): kept as the
# entity's lines, never sections of their own.
FIELD_LABEL = re.compile(
    r"^(?:status|current status|stage|effective(?: date| from)?|in force(?: from| since)?|commencement(?: date)?|"
    r"entry into force|date|dates?|enacted|adopted|passed|published|signed|issued|type|kind|role|remit|"
    r"mandate|acronym|abbreviation|also known as|aka|notes?|summary|scope|key provisions|what it does|"
    r"penalties|deadline|applies to|covers|responsibilit(?:y|ies)|powers|functions|jurisdiction|website|"
    r"source|sources|citation|reference|instrument|legal basis|basis|amount|value|threshold|detail|details|"
    r"requirement|who|when|proposed commencement|local name|short|issued|crypto treatment)$", re.I)


# Words that make a one-line label a section rather than an entry of the list it stands in.
_SECTION_LABEL = re.compile(
    r"\b(?:regulat\w*|supervis\w*|authorit\w*|agenc\w*|bodies|oversight|law|laws|legislat\w*|legal|framework|"
    r"statut\w*|rules|acts|instruments|stance|position|trading|trade|exchanges|licen[cs]\w*|registration|"
    r"authori[sz]ation|requirements|obligations|conditions|tax\w*|status|outlook|overview|summary|"
    r"takeaways?|developments|timeline|enforcement|stablecoins?|aml|cft|defi|nfts?|custody|consumer|"
    r"sources|methodology|limitations|who|which|what|how|is|can|bottom line|key|note)\b", re.I)


def _opens_section(label: str, bold: bool) -> bool:
    from tracker.vocabulary import HEADING_KINDS

    words = label.split()
    if FIELD_LABEL.match(label.strip()):
        return False
    if BOILERPLATE_HEADING.match(label.strip()):
        return True
    if not bold and not any(rx.search(label) for _, rx in HEADING_KINDS):
        return False  # "The EU's approach is comprehensive: …" is a sentence, not a section
    if not _SECTION_LABEL.search(label):
        return False
    # "Securities and Exchange Commission (SEC)" or "Law on Digital Assets" is an entry, not a section
    if re.search(r"\([A-Z][A-Za-z&./-]{1,11}\)|\b(?:19|20)\d\d\b|\bNo\.", label):
        return False
    return len(words) <= (8 if bold else 5)


def _level_for(h: _Heading, stack: list[Section], explicit: bool) -> int:
    """The depth a heading opens at. Markdown and setext headings carry their level; other styles
    nest by first appearance: a style already open is a sibling of that section, a new style is a
    child of the section it appears in. Where the document has markdown headings, a heading of
    another style outside them ranks below every markdown level, so a bold "Key takeaways" line
    never swallows the "## Regulators" after it."""
    if h.explicit_level is not None:
        return h.explicit_level
    for sec in reversed(stack):
        if sec.style == h.style:
            return sec.level
    if h.style.startswith("num"):
        depth = int(h.style[3:])
        for sec in reversed(stack):
            if sec.style.startswith("num") and int(sec.style[3:]) < depth:
                return sec.level + depth - int(sec.style[3:])
            if sec.style.startswith("num") and int(sec.style[3:]) > depth:
                continue
    if stack:
        return stack[-1].level + 1
    return 7 if explicit else 1
