"""A change's latest review decision as readers carry it, without SQLAlchemy (tracker.review
records and queries them; tracker.reader reads them through the driver)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """The latest review decision on a change (`pending`, with no one and no time, when none)."""

    state: str = "pending"
    by: str | None = None
    at: dt.datetime | None = None
    reason: str | None = None

    def to_dict(self) -> dict:
        """The CONTRACT's `review` object."""
        from tracker.instants import iso

        return {"state": self.state, "by": self.by, "at": iso(self.at) if self.at else None, "reason": self.reason}


def decision_of(row) -> Decision:
    """The decision a row carries in its `review_*` columns (tracker.review.with_state's, or the reader's)."""
    state = getattr(row, "review_state", None)
    if state is None:
        return Decision()
    return Decision(state, row.review_by, row.review_at, row.review_reason)
