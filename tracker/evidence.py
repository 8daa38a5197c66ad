"""A change's evidence: the sentence of each report that states the fact, found verbatim in the
report's own text, with its citation numbers resolved to the sources the report lists. Pure: a
report's text and a parsed sentence in, a quote out.

The parsed sentence (what compare says a change rests on) has lost the report's markup and
citation marks; the quote is the report's sentence itself, citation marks and all, with only its
list marker and emphasis marks taken off (a report in HTML is read as the markdown it means).
Whatever it holds is the report's, untrusted: every renderer escapes it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.document import citations, normalise, sentences, strip_markup

# What opens a line without being the report's words: a list marker, a table's bar, a heading's marks.
_OPENING = re.compile(r"^\s*(?:[-*+•▪◦‣>|#]+|\d{1,3}[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
# control characters and bidirectional overrides: no quote carries them to a terminal or a mail
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# a quote longer than this is cut at a word (a whole table row or a run-on paragraph)
LIMIT = 600


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", strip_markup(text).casefold()))


def _clean(sentence: str) -> str:
    text = _CONTROL.sub("\ufffd", _EMPHASIS.sub("", _OPENING.sub("", sentence)))
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
        self._items: list[tuple[str, str, tuple[int, ...], str]] = []
        for line in normalise(raw_text or "").split("\n"):
            if not line.strip():
                continue
            line_cites = citations(line)
            folded_line = _fold(line)
            for s in sentences(line, marks=".!?"):
                folded = _fold(s)
                if folded:
                    self._items.append((s, folded, citations(s) or line_cites, folded_line))

    def _find(self, said: str, names: tuple[str, ...]) -> tuple[str, tuple[int, ...]] | None:
        """The report's sentence that holds these words: the one that is exactly them, else the
        first that holds them on a line opening with one of the entity's names, else on a line that
        names it, else anywhere."""
        want = _fold(said)
        if not want:
            return None
        best, best_score = None, -1
        for raw, folded, cites, line in self._items:
            if folded == want:
                return raw, cites
            if f" {want} " not in f" {folded} ":
                continue
            score = 2 if any(line.startswith(n) for n in names) else 1 if any(f" {n} " in f" {line} " for n in names) \
                else 0
            if score > best_score:
                best, best_score = (raw, cites), score
        return best

    def _opening(self, names: tuple[str, ...]) -> tuple[str, tuple[int, ...]] | None:
        """The first sentence of the first line that opens with one of the entity's names, else the
        first sentence that names it."""
        for raw, _, cites, line in self._items:
            if any(line.startswith(n) for n in names):
                return raw, cites
        for raw, folded, cites, _ in self._items:
            if any(f" {n} " in f" {folded} " for n in names):
                return raw, cites
        return None

    def quote(self, said: str | None, cited: tuple[int, ...] = (), names: tuple[str, ...] = ()) -> Quote | None:
        """The report's own sentence(s) for a parsed sentence, with the source URLs of the citation
        marks it carries (else those of the entity that states it). Where the report's text does not
        hold the words, the first sentence of the entity's own line (or the first that names it);
        failing that, the words as parsed."""
        if not said:
            return None
        folded_names = tuple(f for f in dict.fromkeys(_fold(n) for n in names if n) if len(f) > 1)
        found = [self._find(piece, folded_names) for piece in sentences(said, marks=".!?")]
        hits = list(dict.fromkeys(h for h in found if h is not None))
        if not hits:
            opening = self._opening(folded_names)
            if opening is None:
                return Quote(_clean(said), self.urls(cited))
            hits = [opening]
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
