"""The database: typed SQLAlchemy models, the engine, and migration to head on first use."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, TypeDecorator,
                        UniqueConstraint, create_engine, event, text)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column

from tracker.errors import DatabaseError
from tracker.schema import SCHEMA_HEAD  # noqa: F401  (the newest migration)
from tracker.settings import DEFAULT_CONNECT_TIMEOUT, DEFAULT_DB_TIMEOUT

# How long a jurisdiction's or a topic's name may be: the width of their columns, checked before
# storing so that every database refuses the same names.
NAME_LENGTH = 200

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every dialect (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.timezone.utc) if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
        return value


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so constraints are named alike on every dialect."""

    metadata = MetaData(naming_convention=NAMING)


class SnapshotRow(Base):
    """One ingested report: its raw text verbatim, and the snapshot parsed from it."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("jurisdiction_key", "topic_key", "generated_at", name="uq_snapshots_timeline_instant"),
        Index("ix_snapshots_listing", "jurisdiction", "topic", "generated_at"),  # `tracker list`'s order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(NAME_LENGTH))
    jurisdiction_key: Mapped[str] = mapped_column(String(NAME_LENGTH))
    topic: Mapped[str] = mapped_column(String(NAME_LENGTH))
    topic_key: Mapped[str] = mapped_column(String(NAME_LENGTH))
    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    facts_sha256: Mapped[str] = mapped_column(String(64))
    parser_version: Mapped[int] = mapped_column(Integer)
    source_name: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict] = deferred(mapped_column(JSON))
    raw_text: Mapped[str] = deferred(mapped_column(Text))
    ingested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChangeRow(Base):
    """One difference between two consecutive snapshots of a timeline, stored at ingest."""

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_to_at", "to_generated_at"),
        # the material changes in the changelog's order: `tracker diff` reads them off this index
        Index("ix_changes_material_order", "material", "jurisdiction", "topic", "to_generated_at", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), index=True)
    to_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"), index=True)
    to_generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    jurisdiction: Mapped[str] = mapped_column(String(NAME_LENGTH))
    topic: Mapped[str] = mapped_column(String(NAME_LENGTH))
    category: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(Text)
    entity_key: Mapped[str] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(200))
    old: Mapped[object | None] = mapped_column(JSON)
    new: Mapped[object | None] = mapped_column(JSON)
    material: Mapped[bool] = mapped_column(Boolean)
    confirmed: Mapped[bool | None] = mapped_column(Boolean)
    omission: Mapped[bool] = mapped_column(Boolean, default=False)
    refinement: Mapped[bool] = mapped_column(Boolean, default=False)
    # the pair's parse collapsed in this change's category (a section lost, a report cut off)
    suspect: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    evidence: Mapped[str | None] = mapped_column(Text)
    citations: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # the change's CONTRACT JSON object, rendered once at ingest so `tracker diff --format json`
    # over a long history is a read, not a re-serialisation
    doc: Mapped[str | None] = mapped_column(Text)


class SubscriberRow(Base):
    """An address that receives digests, with its own jurisdiction and category filters."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(320), unique=True)
    jurisdictions: Mapped[list] = mapped_column(JSON, default=list)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeliveryRow(Base):
    """A change the SMTP server accepted for one recipient: the digest's memory."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("change_id", "address", name="uq_deliveries_change_address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    message_id: Mapped[str] = mapped_column(String(300))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


def migrations_dir() -> Path:
    """Where the alembic scripts are: inside the installed package, or beside it in a checkout."""
    from tracker.resources import resource_dir
    return resource_dir("migrations")


def alembic_config(engine: Engine, connection=None):
    """An alembic Config for this database, built in code (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def _current_revision(engine: Engine) -> str | None:
    with reading(engine).connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:
            conn.rollback()
            return None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision`, serialised against other processes doing the same."""
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7301)"))
            conn.execute(text("SET LOCAL statement_timeout = 0"))  # a migration takes what it takes
        command.upgrade(alembic_config(engine, conn), revision)


# the execution option that marks a reading transaction (see reading)
_READING = "tracker_reading"


def make_engine(url: str, *, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                timeout: float = DEFAULT_DB_TIMEOUT) -> Engine:
    """An engine for `url` that gives up on a database that does not answer: a connection within
    `connect_timeout` seconds (PostgreSQL), a statement or a lock wait within `timeout` (PostgreSQL's
    statement timeout, SQLite's busy timeout). SQLite gets WAL and immediate write transactions,
    so concurrent writers queue instead of failing; `reading(engine)` reads without the write lock.
    Timeouts that the URL itself sets (connect_timeout, options) are left as they are."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": timeout})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn, _record):
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA foreign_keys = ON")
                cur.execute("PRAGMA synchronous = NORMAL")
                cur.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn):
                read_only = bool(conn.get_execution_options().get(_READING))
                record = conn.connection
                if record.info.get(_READING, False) != read_only:  # a reader that writes fails loudly
                    record.driver_connection.execute(f"PRAGMA query_only = {int(read_only)}")
                    record.info[_READING] = read_only
                conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
        elif url.startswith("postgresql"):
            engine = create_engine(url, pool_pre_ping=True, connect_args=_pg_timeouts(url, connect_timeout, timeout))
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # bad URL, missing driver
        raise DatabaseError(f"cannot open database {_safe(url)}: {exc}") from None
    return engine


def reading(engine: Engine) -> Engine:
    """The same database, for transactions that only read: on SQLite they begin without taking the
    write lock (so a reader never waits for an ingest) and refuse to write."""
    return engine.execution_options(**{_READING: True})


def _pg_timeouts(url: str, connect_timeout: float, timeout: float) -> dict:
    """libpq's connect_timeout (whole seconds, 2 at least) and a statement_timeout, unless the URL
    gives its own."""
    from sqlalchemy.engine import make_url

    query = make_url(url).query
    args: dict = {}
    if "connect_timeout" not in query:
        args["connect_timeout"] = max(2, round(connect_timeout))
    options = query.get("options") or ""
    options = " ".join(options) if isinstance(options, tuple) else options
    if "statement_timeout" not in options:
        args["options"] = f"{options} -c statement_timeout={int(timeout * 1000)}".strip()
    return args


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable URL)"


def _sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, or None for another dialect or an in-memory database."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def open_database(url: str, *, migrate: bool = True, create: bool = True,
                  connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, timeout: float = DEFAULT_DB_TIMEOUT) -> Engine:
    """Open the database at `url`, migrating it to head on first use. Without `create`, a database
    that does not exist yet (no SQLite file, no tracker schema) is refused rather than made. One
    that does not answer within the timeouts (see make_engine) is a DatabaseError."""
    missing = DatabaseError(f"no tracker database at {_safe(url)}: `tracker ingest REPORT...` or "
                            "`tracker db upgrade` creates one")
    path = _sqlite_file(url)
    if not create and path is not None and (not path.is_file() or path.stat().st_size == 0):
        raise missing
    engine = make_engine(url, connect_timeout=connect_timeout, timeout=timeout)
    try:
        current = _current_revision(engine)
        if not create and current is None:
            engine.dispose()
            raise missing
        if migrate and current != SCHEMA_HEAD:
            upgrade(engine)
    except DatabaseError:
        raise
    except Exception as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {_safe(url)}: {database_reason(exc)}") from None
    return engine


def database_reason(exc: BaseException) -> str:
    """What a database error says, in one line: the driver's own message where there is one
    ('connection timeout expired', 'database is locked'), without SQLAlchemy's wrapping."""
    orig = getattr(exc, "orig", None)
    text_ = str(orig if orig is not None else exc).strip()
    return text_.splitlines()[0] if text_ else type(orig or exc).__name__
