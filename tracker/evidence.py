"""A change's evidence: the sentence of each report that states the fact, found verbatim in the
report's own text, with its citation numbers resolved to the sources the report lists. Pure: a
report's text and a parsed sentence in, a quote out.

The parsed sentence (what compare says a change rests on) has lost the report's markup and
citation marks; the quote is the report's sentence itself, citation marks and all, with only its
list marker and markup (emphasis, HTML tags) taken off.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.document import citations, normalise, sentences, strip_markup

# What opens a line without being the report's words: a list marker, a table's bar, a heading's marks.
_OPENING = re.compile(r"^\s*(?:[-*+•▪◦‣>|#]+|\d{1,3}[.)])\s+")
_TAGS = re.compile(r"<[^<>]{1,300}>")
_EMPHASIS = re.compile(r"\*\*|__|`")
# a quote longer than this is cut at a word (a whole table row or a run-on paragraph)
LIMIT = 600


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", strip_markup(text).casefold()))


def _clean(sentence: str) -> str:
    text = _TAGS.sub("", sentence)
    text = _EMPHASIS.sub("", _OPENING.sub("", text))
    text = re.sub(r"\s+", " ", text).strip(" |")
    return text if len(text) <= LIMIT else text[:LIMIT - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Quote:
    """A report's sentence and the source URLs its citation numbers point to."""

    text: str
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The CONTRACT's `{"text", "sources"}` object."""
        return {"text": self.text, "sources": list(self.sources)}


class ReportText:
    """One report's sentences, each with its folded words and the citation marks of its line."""

    def __init__(self, raw_text: str, sources: tuple[str, ...] | list[str] = ()) -> None:
        self.sources = tuple(sources)
        self._items: list[tuple[str, str, tuple[int, ...]]] = []
        for line in normalise(raw_text or "").split("\n"):
            if not line.strip():
                continue
            line_cites = citations(line)
            for s in sentences(line, marks=".!?"):
                folded = _fold(s)
                if folded:
                    self._items.append((s, folded, citations(s) or line_cites))

    def _find(self, said: str) -> tuple[str, tuple[int, ...]] | None:
        want = _fold(said)
        if not want:
            return None
        contained = None
        for raw, folded, cites in self._items:
            if folded == want:
                return raw, cites
            if contained is None and f" {want} " in f" {folded} ":
                contained = (raw, cites)
        return contained

    def quote(self, said: str | None, cited: tuple[int, ...] = ()) -> Quote | None:
        """The report's own sentence(s) for a parsed sentence (itself, when the report's text does not
        hold it word for word), with the source URLs of the citation marks it carries (else those of
        the entity that states it)."""
        if not said:
            return None
        found = [self._find(piece) for piece in sentences(said, marks=".!?")]
        hits = list(dict.fromkeys(h for h in found if h is not None))
        if not hits:
            return Quote(_clean(said), self.urls(cited))
        text = " ".join(_clean(raw) for raw, _ in hits)
        numbers = tuple(dict.fromkeys(n for _, cites in hits for n in cites)) or tuple(cited)
        return Quote(text, self.urls(numbers))

    def urls(self, numbers: tuple[int, ...]) -> tuple[str, ...]:
        """The listed source URLs these citation numbers name (only plain http(s) links)."""
        from tracker.render import safe_url

        out = []
        for n in numbers:
            if 0 < n <= len(self.sources):
                url = safe_url(self.sources[n - 1])
                if url:
                    out.append(url)
        return tuple(dict.fromkeys(out))


def evidence(old: Quote | None, new: Quote | None) -> dict:
    """The CONTRACT's `evidence` object."""
    return {"old": old.to_dict() if old else None, "new": new.to_dict() if new else None}
