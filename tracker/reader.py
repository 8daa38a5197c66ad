"""The stored history read through the database's own driver (sqlite3, psycopg), without
SQLAlchemy: what `list`, `show` and `diff` read, so that they start in a few milliseconds where
importing SQLAlchemy alone takes a quarter of a second.

It serves the plain path only: a database at the newest schema, names found by their key. Anything
else (no database yet, an older schema to migrate, a name to look up by another name it goes by,
a mistyped one) is `Unusual`, and the caller reads through tracker.store instead, which says
what is wrong the way every command does.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from tracker.errors import DatabaseError
from tracker.schema import CHANGE_COLUMNS, SCHEMA_HEAD, SNAPSHOT_COLUMNS

UTC = dt.timezone.utc
# libpq's own URL parameters, which psycopg takes as they are; any other sends the caller to SQLAlchemy
_LIBPQ_PARAMETERS = {"connect_timeout", "options", "sslmode", "sslrootcert", "sslcert", "sslkey", "application_name",
                     "target_session_attrs", "host", "port", "user", "password", "dbname", "service"}


class Unusual(Exception):
    """Off the plain path: read through tracker.store instead."""


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    """A stored snapshot as listings read it (its parsed data only where asked for)."""

    id: int
    jurisdiction: str
    jurisdiction_key: str
    topic: str
    topic_key: str
    generated_at: dt.datetime
    sha256: str
    source_name: str
    parser_version: int
    lab: str | None = None
    generator: str | None = None
    model: str | None = None
    unverified_facts: int | None = None
    data: dict | None = None


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A stored change with the changes table's columns, as every renderer reads it."""

    id: int
    from_id: int
    to_id: int
    to_generated_at: dt.datetime
    jurisdiction: str
    topic: str
    category: str
    kind: str
    entity: str
    entity_key: str
    field: str | None
    old: object
    new: object
    material: bool
    confirmed: bool | None
    omission: bool
    refinement: bool
    suspect: bool
    evidence: str | None
    citations: list
    position: int
    fingerprint: str | None = None
    quotes: dict | None = None
    suppressed_by: int | None = None
    methodology: dict | None = None
    citation_lost: bool = False
    # the latest review decision (tracker.decisions.decision_of reads these), none when pending
    review_state: str | None = None
    review_by: str | None = None
    review_at: dt.datetime | None = None
    review_reason: str | None = None


@dataclass(frozen=True)
class ChangeQuery:
    """Which stored changes to read."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    jurisdictions: tuple[str, ...] = ()  # any name each goes by
    topic: str | None = None
    categories: tuple[str, ...] = ()
    include_immaterial: bool = False
    review: str | None = None  # pending, confirmed or dismissed: only changes in that review state


class Reader:
    """An open connection that reads snapshots and changes."""

    def __init__(self, conn, dialect: str) -> None:
        self.conn = conn
        self.sqlite = dialect == "sqlite"
        self.mark = "?" if self.sqlite else "%s"

    def close(self) -> None:
        """Close the connection."""
        try:
            self.conn.close()
        except Exception:
            pass

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- values as the driver hands them over --------------------------------------------------

    def _instant(self, value) -> dt.datetime:
        if isinstance(value, str):  # SQLite: SQLAlchemy's naive UTC text
            return dt.datetime.fromisoformat(value).replace(tzinfo=UTC)
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def _bind_instant(self, t: dt.datetime):
        t = t.astimezone(UTC)
        return t.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else t

    def _json(self, value):
        return json.loads(value) if self.sqlite and isinstance(value, str) else value

    def _rows(self, sql: str, params: tuple = ()) -> Iterator[tuple]:
        try:
            cur = self.conn.cursor()
            cur.execute(sql if self.sqlite else sql.replace("?", "%s"), params)
            while True:
                batch = cur.fetchmany(2000)
                if not batch:
                    return
                yield from batch
        except Exception as exc:
            if isinstance(exc, Unusual):
                raise
            raise DatabaseError(f"the database refused: {str(exc).strip().splitlines()[0] if str(exc) else exc}") from None

    # --- what the commands read ---------------------------------------------------------------

    def jurisdiction(self, name: str) -> tuple[str, str]:
        """(key, display name) of a stored jurisdiction found by its key; Unusual when it is not."""
        from tracker.jurisdictions import jurisdiction_key

        key = jurisdiction_key(name)
        for row in self._rows("SELECT jurisdiction_key, jurisdiction FROM snapshots WHERE jurisdiction_key = ? LIMIT 1",
                              (key,)):
            return row[0], row[1]
        raise Unusual(name)

    def _snapshot(self, row: tuple, data=None) -> StoredSnapshot:
        values = list(row[:len(SNAPSHOT_COLUMNS)])
        values[5] = self._instant(values[5])
        return StoredSnapshot(*values, data=self._json(data) if data is not None else None)

    def snapshots(self, jurisdiction: str | None = None) -> Iterator[StoredSnapshot]:
        """Every snapshot (of one jurisdiction, when given), by jurisdiction, topic and date."""
        sql = f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM snapshots"
        params: tuple = ()
        if jurisdiction:
            sql += " WHERE jurisdiction_key = ?"
            params = (self.jurisdiction(jurisdiction)[0],)
        for row in self._rows(sql + " ORDER BY jurisdiction, topic, generated_at", params):
            yield self._snapshot(row)

    def newest(self, jurisdiction: str, *, topic: str | None = None,
               as_of: dt.datetime | None = None) -> StoredSnapshot:
        """The newest snapshot of a jurisdiction (and topic), at or before `as_of` when given;
        Unusual when there is none."""
        from tracker.instants import topic_key

        sql = f"SELECT {', '.join(SNAPSHOT_COLUMNS)}, data FROM snapshots WHERE jurisdiction_key = ?"
        params: list = [self.jurisdiction(jurisdiction)[0]]
        if topic:
            sql += " AND topic_key = ?"
            params.append(topic_key(topic))
        if as_of is not None:
            sql += " AND generated_at <= ?"
            params.append(self._bind_instant(as_of))
        for row in self._rows(sql + " ORDER BY generated_at DESC, id DESC LIMIT 1", tuple(params)):
            return self._snapshot(row[:-1], row[-1])
        raise Unusual(jurisdiction)

    def _change_filter(self, q, select: str, join_older: bool = False) -> tuple[str, tuple]:
        """The query of tracker.store's change filter, in SQL: the same rows in the same order."""
        from tracker.instants import topic_key

        sql, where, params = select + " FROM changes", [], []
        if join_older:
            sql += " JOIN snapshots AS older ON changes.from_id = older.id"
        if q.jurisdictions or q.topic:
            sql += " JOIN snapshots AS newer ON changes.to_id = newer.id"
            if q.jurisdictions:
                keys = sorted({self.jurisdiction(j)[0] for j in q.jurisdictions})
                where.append(f"newer.jurisdiction_key IN ({', '.join('?' * len(keys))})")
                params += keys
            if q.topic:
                where.append("newer.topic_key = ?")
                params.append(topic_key(q.topic))
        if q.since is not None:
            where.append("changes.to_generated_at >= ?")
            params.append(self._bind_instant(q.since))
        if q.until is not None:
            where.append("changes.to_generated_at <= ?")
            params.append(self._bind_instant(q.until))
        if q.categories:
            where.append(f"changes.category IN ({', '.join('?' * len(q.categories))})")
            params += list(q.categories)
        if not q.include_immaterial:
            where.append("changes.material = " + ("1" if self.sqlite else "true"))  # served by an index
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY changes.jurisdiction, changes.topic, changes.to_generated_at, changes.position"
        return sql, tuple(params)

    def _decisions(self) -> dict[str, tuple]:
        """The latest review decision of each fingerprint that has one: (state, by, at, reason)."""
        sql = ('SELECT reviews.fingerprint, reviews.state, reviews."by", reviews."at", reviews.reason FROM reviews '
               "JOIN (SELECT fingerprint, MAX(id) AS rid FROM reviews GROUP BY fingerprint) AS latest_review "
               "ON reviews.id = latest_review.rid")
        return {fp: (state, by, self._instant(at) if at is not None else None, reason)
                for fp, state, by, at, reason in self._rows(sql)}

    @staticmethod
    def _in_state(decision: tuple | None, state: str | None) -> bool:
        """Whether a change with this latest decision is in the review state asked for (as
        tracker.review.with_state filters: pending is no decision at all)."""
        if state is None:
            return True
        if state == "pending":
            return decision is None
        return decision is not None and decision[0] == state

    def change_documents(self, q) -> Iterator[str]:
        """The stored JSON object of each change a tracker.store.ChangeQuery selects, with its
        change_id and its latest review decision, in order."""
        from tracker.decisions import Decision

        decisions = self._decisions()
        pending = '"review":' + json.dumps(Decision().to_dict(), ensure_ascii=False, separators=(",", ":"))
        sql, params = self._change_filter(q, "SELECT changes.id, changes.fingerprint, changes.doc")
        for i, fp, doc in self._rows(sql, params):
            decision = decisions.get(fp)
            if not self._in_state(decision, q.review):
                continue
            said = pending if decision is None else '"review":' + json.dumps(
                Decision(*decision).to_dict(), ensure_ascii=False, separators=(",", ":"))
            yield '{"change_id":%d,%s,%s}' % (i, doc[1:-1], said)

    def changes(self, q) -> Iterator[tuple[StoredChange, dt.datetime]]:
        """Each change a query selects, with its older snapshot's instant and its latest review
        decision, in order."""
        decisions = self._decisions()
        columns = ", ".join(f"changes.{c}" for c in CHANGE_COLUMNS)
        sql, params = self._change_filter(q, f"SELECT {columns}, older.generated_at", join_older=True)
        booleans = {CHANGE_COLUMNS.index(c)
                    for c in ("material", "confirmed", "omission", "refinement", "suspect", "citation_lost")}
        documents = {CHANGE_COLUMNS.index(c) for c in ("old", "new", "citations", "quotes", "methodology")}
        at = CHANGE_COLUMNS.index("to_generated_at")
        fingerprint = CHANGE_COLUMNS.index("fingerprint")
        for row in self._rows(sql, params):
            decision = decisions.get(row[fingerprint])
            if not self._in_state(decision, q.review):
                continue
            values = list(row[:-1])
            values[at] = self._instant(values[at])
            if self.sqlite:
                for k in booleans:
                    values[k] = None if values[k] is None else bool(values[k])
                for k in documents:
                    values[k] = self._json(values[k])
            yield StoredChange(*values, *(decision or ())), self._instant(row[-1])

    def sources_of(self, ids: set[int]) -> dict[int, list[str]]:
        """The numbered source URLs each of these snapshots listed."""
        out: dict[int, list[str]] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            for i, data in self._rows(f"SELECT id, data FROM snapshots WHERE id IN ({', '.join('?' * len(chunk))})",
                                      tuple(chunk)):
                out[i] = list((self._json(data) or {}).get("sources") or [])
        return out


def open_reader(url: str, *, connect_timeout: float, timeout: float) -> Reader | None:
    """A reader on the database at `url` when it is a SQLite file or a PostgreSQL database at the
    newest schema; None when it is anything else, or cannot be opened (the caller's SQLAlchemy
    path then says why)."""
    try:
        reader = _connect(url, connect_timeout=connect_timeout, timeout=timeout)
    except Exception:
        return None
    if reader is None:
        return None
    try:
        version = next(reader._rows("SELECT version_num FROM alembic_version"), (None,))[0]
    except Exception:
        version = None
    if version != SCHEMA_HEAD:
        reader.close()
        return None
    return reader


def _connect(url: str, *, connect_timeout: float, timeout: float) -> Reader | None:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if "?" in path or not path or path == ":memory:" or not os.path.isfile(path) or not os.path.getsize(path):
            return None
        import sqlite3

        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA query_only = 1")  # a reader that writes fails loudly
        return Reader(conn, "sqlite")
    if url.startswith(("postgresql+psycopg://", "postgresql://")):
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        if set(query) - _LIBPQ_PARAMETERS:
            return None
        import psycopg

        args: dict = {}
        if "connect_timeout" not in query:
            args["connect_timeout"] = max(2, round(connect_timeout))
        if "statement_timeout" not in query.get("options", ""):
            args["options"] = f"{query.get('options', '')} -c statement_timeout={int(timeout * 1000)}".strip()
        conn = psycopg.connect(parts._replace(scheme="postgresql").geturl(), **args)
        conn.read_only = True
        return Reader(conn, "postgresql")
    return None
