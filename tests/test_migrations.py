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
