"""The snapshot a report parses into: frozen dataclasses, serialised to and from plain JSON."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

LAW_STATUSES = ("draft", "adopted", "in_force", "repealed", "unknown")
STANCES = ("legal_regulated", "legal_unregulated", "restricted", "banned", "unclear")
CATEGORIES = ("regulator", "law", "licensing", "stance", "other")
KINDS = ("added", "removed", "changed")


# What identifies a report rather than what it says.
_PROVENANCE = frozenset({"generated_at", "generator", "source", "unverified_facts"})


def _plain(value: object) -> object:
    """Dataclasses as dicts and tuples as lists, recursively (dataclasses.asdict without its copies)."""
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Regulator:
    """A body that regulates or supervises, as one bullet of the report names it."""

    name: str
    acronym: str | None = None
    aliases: tuple[str, ...] = ()
    role: str = ""
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Law:
    """A law, regulation or other instrument, with its effective date and status."""

    name: str
    acronym: str | None = None
    aliases: tuple[str, ...] = ()
    effective_date: str | None = None
    date_text: str | None = None
    status: str = "unknown"
    summary: str = ""
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Stance:
    """The report's stance on crypto trading, in the CONTRACT's vocabulary."""

    trading: str = "unclear"
    summary: str = ""


@dataclass(frozen=True)
class Licensing:
    """Whether a licence is required, and each requirement as the report words it."""

    required: bool | None = None
    summary: str = ""
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """Any other section of the report, kept so nothing the report says is lost."""

    heading: str
    text: str = ""
    items: tuple[str, ...] = ()
    kind: str = "other"


@dataclass(frozen=True)
class Snapshot:
    """Everything one report says, parsed: the unit the tracker stores and compares."""

    jurisdiction: str
    topic: str
    generated_at: str
    title: str = ""
    generator: str | None = None
    source: str | None = None
    model: str | None = None
    question: str | None = None
    summary: str = ""
    regulators: tuple[Regulator, ...] = ()
    laws: tuple[Law, ...] = ()
    stance: Stance = field(default_factory=Stance)
    licensing: Licensing = field(default_factory=Licensing)
    sections: tuple[Section, ...] = ()
    unverified_facts: int | None = None
    sources: tuple[str, ...] = ()
    truncated: str | None = None  # the section a cut-off report stops in

    def to_dict(self) -> dict:
        """The snapshot as plain JSON-ready data (tuples become lists). Computed once: treat the
        result as read-only."""
        cached = self.__dict__.get("_dict")
        if cached is None:
            cached = _plain(self)
            self.__dict__["_dict"] = cached
        return cached

    def sha256(self) -> str:
        """SHA-256 of the canonical JSON of what the report says, leaving out when and by whom it
        was generated: equal hashes mean nothing to compare. Computed once."""
        cached = self.__dict__.get("_sha256")
        if cached is None:
            facts = {k: v for k, v in self.to_dict().items() if k not in _PROVENANCE}
            text = json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            cached = hashlib.sha256(text.encode("utf-8")).hexdigest()
            self.__dict__["_sha256"] = cached  # a frozen dataclass may still memoise outside its fields
        return cached

    @classmethod
    def from_dict(cls, data: dict) -> "Snapshot":
        """Rebuild a snapshot from `to_dict` output."""
        def tup(xs, make=None):
            return tuple(make(**x) if make else (tuple(x) if isinstance(x, list) else x) for x in xs or ())

        def fix(d: dict) -> dict:
            return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}

        return cls(
            **{k: data.get(k) for k in ("jurisdiction", "topic", "generated_at")},
            title=data.get("title", ""),
            generator=data.get("generator"),
            source=data.get("source"),
            model=data.get("model"),
            question=data.get("question"),
            summary=data.get("summary", ""),
            regulators=tuple(Regulator(**fix(r)) for r in data.get("regulators", ())),
            laws=tuple(Law(**fix(x)) for x in data.get("laws", ())),
            stance=Stance(**data.get("stance", {})),
            licensing=Licensing(**fix(data.get("licensing", {}))),
            sections=tuple(Section(**fix(s)) for s in data.get("sections", ())),
            unverified_facts=data.get("unverified_facts"),
            sources=tup(data.get("sources")),
            truncated=data.get("truncated"),
        )
