"""Atom feeds of material changes (feedgen), each entry with an id derived from what changed, so a
feed reader sees the same change as the same entry across rebuilds and reparses. Pure: records in,
XML out."""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.upcoming import NAMESPACE

# What XML 1.0 cannot hold (lxml refuses it): report text is untrusted.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def change_uid(jurisdiction_key: str, topic_key: str, from_at: str, to_at: str, category: str, kind: str,
               entity_key: str, field: str | None, old: object, new: object) -> str:
    """A change's stable id: a UUID of its timeline, its pair's instants and what changed, never of a
    database row, so recomputing the changelog (a reparse, a rebuild) keeps it."""
    facts = json.dumps([jurisdiction_key, topic_key, from_at, to_at, category, kind, entity_key, field, old, new],
                       sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(uuid.uuid5(NAMESPACE, facts))


def item_uid(change_uids: Sequence[str]) -> str:
    """The id of a changelog item made of several changes (a rename: its name and acronym change)."""
    return change_uids[0] if len(change_uids) == 1 else str(uuid.uuid5(NAMESPACE, "+".join(sorted(change_uids))))


@dataclass(frozen=True)
class FeedEntry:
    """One material changelog item as a feed reader shows it."""

    uid: str
    title: str
    summary: str
    link: str
    at: dt.datetime


def xml_safe(text: str) -> str:
    """Text that XML 1.0 can hold: its forbidden control characters shown as a replacement character."""
    return _NOT_XML.sub("\ufffd", text)


def atom(entries: Sequence[FeedEntry], *, feed_id: str, title: str, self_link: str, page_link: str,
         updated: dt.datetime) -> bytes:
    """An Atom feed of the entries, newest first."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(xml_safe(title))
    fg.link(href=self_link, rel="self")
    fg.link(href=page_link, rel="alternate")
    fg.author({"name": "tracker"})
    fg.updated(updated)
    fg.generator("tracker")
    # feedgen writes entries in the reverse of the order they were added
    for e in sorted(entries, key=lambda e: (e.at, e.uid)):
        fe = fg.add_entry()
        fe.id(f"urn:uuid:{e.uid}")
        fe.title(xml_safe(e.title))
        fe.link(href=e.link)
        fe.updated(e.at)
        fe.published(e.at)
        fe.summary(xml_safe(e.summary))
    return fg.atom_str(pretty=True)
