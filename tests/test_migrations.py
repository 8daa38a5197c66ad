"""Models and migrations never drift, and the schema goes up and down."""
from __future__ import annotations

import json

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tracker.db import SCHEMA_HEAD, alembic_config, make_engine, migrations_dir, open_database


def test_the_models_match_the_migrations(engine):
    with engine.begin() as conn:
        command.check(alembic_config(engine, conn))


def test_schema_head_names_the_newest_revision(engine):
    assert ScriptDirectory(str(migrations_dir())).get_current_head() == SCHEMA_HEAD


def test_a_new_database_is_migrated_on_first_use_and_goes_down_and_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    engine = open_database(url)
    assert {"snapshots", "changes", "subscribers", "deliveries", "alembic_version"} <= set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        command.downgrade(alembic_config(engine, conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    engine = open_database(url)
    assert "snapshots" in inspect(engine).get_table_names()
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
    engine.dispose()


def test_upgrading_a_history_from_0001_writes_the_documents_ingest_would_have_and_a_reparse_adds_the_evidence(engine, corpus):
    from sqlalchemy.orm import Session

    from tracker.pipeline import ingest_file
    from tracker.reparse import reparse_all
    from tracker.store import ChangeQuery, change_documents

    for f in sorted(corpus.glob("japan_*.txt")):
        assert ingest_file(engine, f).outcome == "new"
    everything = ChangeQuery(include_immaterial=True)
    with Session(engine) as s:
        at_ingest = change_documents(s, everything)
    with engine.begin() as conn:
        command.downgrade(alembic_config(engine, conn), "0001")
    with engine.begin() as conn:
        command.upgrade(alembic_config(engine, conn), "head")
    with Session(engine) as s:
        migrated = [json.loads(d) for d in change_documents(s, everything)]
    # everything but the evidence, which only the tracker finds in the reports' text ...
    assert migrated == [{**json.loads(d), "evidence": {"old": None, "new": None}} for d in at_ingest]
    assert len(at_ingest) > 5
    # ... and a reparse fills, keeping every change's id
    reparse_all(engine)
    with Session(engine) as s:
        assert change_documents(s, everything) == at_ingest


def _plan(engine, run) -> str:
    """The query plan of the one statement `run(session)` sends, as the database explains it."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with Session(engine) as s:
            run(s)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    statement, parameters = sent[-1]
    with engine.connect() as conn:
        cur = conn.connection.driver_connection.cursor()
        if conn.dialect.name == "postgresql":
            for what in ("seqscan", "bitmapscan", "sort"):  # a handful of rows: the plan a long history gets
                cur.execute(f"SET enable_{what} = off")
            cur.execute("EXPLAIN " + statement, parameters)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return "\n".join(" ".join(map(str, row)) for row in cur.fetchall())


def test_migration_0005_indexes_material_changes_in_changelog_order_and_goes_down_and_up(engine, corpus):
    import datetime as dt

    from tracker.pipeline import ingest_file
    from tracker.store import ChangeQuery, change_documents, list_snapshots

    for f in sorted(corpus.glob("japan_*.txt")):
        assert ingest_file(engine, f).outcome == "new"
    material = ChangeQuery(since=dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc))
    plan = _plan(engine, lambda s: change_documents(s, material))
    assert "ix_changes_material_order" in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan.split("Index")[0]  # read in order, not sorted
    assert "ix_snapshots_listing" in _plan(engine, lambda s: list_snapshots(s))

    def indexes() -> set[str]:
        return {ix["name"] for t in ("changes", "snapshots") for ix in inspect(engine).get_indexes(t)}

    assert {"ix_changes_material_order", "ix_snapshots_listing"} <= indexes()
    with engine.begin() as conn:
        command.downgrade(alembic_config(engine, conn), "0004")
    assert not {"ix_changes_material_order", "ix_snapshots_listing"} & indexes()
    with engine.begin() as conn:
        command.upgrade(alembic_config(engine, conn), "head")
    assert {"ix_changes_material_order", "ix_snapshots_listing"} <= indexes()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0005"
