"""Who produced a pair of reports, and what that means for its changes: a change of generator
model is a change of methodology, and a fact that loses every citation it had is flagged. Pure."""
from __future__ import annotations

from dataclasses import replace

from tracker.compare import Change, Side, said_of


def methodology(older, newer) -> dict | None:
    """`{"from", "to"}` when two snapshots name different generator models, else None."""
    a, b = (older.model or "").strip(), (newer.model or "").strip()
    return {"from": a, "to": b} if a and b and a.casefold() != b.casefold() else None


def weigh(change: Change, method: dict | None) -> Change:
    """A change as a pair across a change of methodology bears it: a removal the newer report does
    not explain stays unconfirmed (not material), since a new model leaves out what the old one
    kept without anything having changed."""
    if method is not None and change.kind == "removed" and change.confirmed is False and change.material:
        return replace(change, material=False)
    return change


def citation_losses(older: Side, newer: Side) -> list[Change]:
    """A change (not material, `citation_lost`) for each regulator or law both reports hold whose
    every citation the newer one dropped."""
    out = []
    for category in ("regulator", "law"):
        new_ents = newer.entities(category)
        for key, e in older.entities(category).items():
            n = new_ents.get(key)
            if n is not None and e.citations and not n.citations:
                out.append(Change(category, "changed", n.name, key, "citations", list(e.citations), [],
                                  material=False, citation_lost=True, old_said=said_of(category, e),
                                  new_said=said_of(category, n), old_cited=e.citations))
    return out
