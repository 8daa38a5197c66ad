"""Fixtures: a migrated database (SQLite, and PostgreSQL when TRACKER_TEST_DATABASE_URL is set),
the bundled corpus, report builders, the real CLI in a subprocess."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tracker.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
TABLES = ("deliveries", "changes", "subscribers", "snapshots")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file migrated by alembic, copied for every test that needs a database."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_ready() -> str | None:
    """The test PostgreSQL database, emptied and migrated once per session."""
    if not PG_URL:
        return None
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return PG_URL


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, sqlite_template, pg_ready) -> str:
    """A migrated, empty database for one test, on each backend under test."""
    if request.param == "sqlite":
        target = tmp_path / "tracker.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite:///{target}"
    engine = make_engine(pg_ready)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return pg_ready


@pytest.fixture
def engine(db_url):
    """An engine on the test database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def corpus() -> Path:
    """The bundled labelled reports."""
    return CORPUS


def run_tracker(*args: str, db: str | None = None, cwd: Path | None = None, env: dict | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    full_env.update({"NO_COLOR": "1", "COLUMNS": "200", "TRACKER_SNAPSHOTS_DIR": ""})
    if db:
        full_env["TRACKER_DATABASE_URL"] = db
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def tracker(db_url, tmp_path):
    """The CLI bound to the test database, run from a scratch directory."""
    def run(*args: str, **kw) -> subprocess.CompletedProcess:
        kw.setdefault("cwd", tmp_path)
        return run_tracker(*args, db=db_url, **kw)
    return run
