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
TABLES = ("deliveries", "changes", "subscribers", "snapshots", "reviews", "rules", "change_keys")


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


TRACKER = [sys.executable, "-m", "tracker"]


def tracker_env(db: str | None = None, env: dict | None = None) -> dict:
    """The environment the real command line runs in: none of the caller's TRACKER_* settings, no
    colour, no snapshot JSON unless asked, and the database `db`."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    full_env.update({"NO_COLOR": "1", "COLUMNS": "200", "TRACKER_SNAPSHOTS_DIR": ""})
    if db:
        full_env["TRACKER_DATABASE_URL"] = db
    full_env.update(env or {})
    return full_env


@pytest.fixture
def command_env():
    """The environment function for spawning the real command line (see tracker_env)."""
    return tracker_env


def run_tracker(*args: str, db: str | None = None, cwd: Path | None = None, env: dict | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess."""
    return subprocess.run([*TRACKER, *args], cwd=cwd, env=tracker_env(db, env), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def tracker(db_url, tmp_path):
    """The CLI bound to the test database, run from a scratch directory."""
    def run(*args: str, **kw) -> subprocess.CompletedProcess:
        kw.setdefault("cwd", tmp_path)
        return run_tracker(*args, db=db_url, **kw)
    return run


def _in_process(tmp_path, monkeypatch, db_url: str | None):
    from typer.testing import CliRunner

    from tracker.cli.app import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)

    def run(*args: str, input: str | bytes | None = None, env: dict | None = None):
        full: dict = {k: None for k in os.environ if k.startswith("TRACKER_")}
        full.update({"NO_COLOR": "1", "COLUMNS": "200", "TRACKER_SNAPSHOTS_DIR": ""})
        if db_url:
            full["TRACKER_DATABASE_URL"] = db_url
        full.update(env or {})
        return runner.invoke(app, list(args), input=input, env=full, prog_name="tracker")
    return run


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch):
    """The command line run in-process (typer's CliRunner) on the test database, from a scratch
    directory, with none of the caller's TRACKER_* settings, no colour and no snapshot JSON unless
    asked. Returns a function of the arguments giving click's Result (exit_code, stdout, stderr)."""
    return _in_process(tmp_path, monkeypatch, db_url)


@pytest.fixture
def bare_cli(tmp_path, monkeypatch):
    """The command line run in-process as `cli` runs it, but with no database configured."""
    return _in_process(tmp_path, monkeypatch, None)


class Mailbox:
    """What a real SMTP server on 127.0.0.1 received, which recipients it refuses, for which it
    drops the connection after DATA, and for which it takes `stall` seconds to answer DATA."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.drop: set[str] = set()
        self.slow: set[str] = set()
        self.stall = 5.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.drop & set(envelope.rcpt_tos):
            server.transport.close()
            return "421 4.3.0 closing"
        if self.slow & set(envelope.rcpt_tos):
            await asyncio.sleep(self.stall)
            return "451 4.3.0 too late"
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self):
        """The received messages, parsed with the standard library."""
        from email import policy
        from email.parser import BytesParser

        return [(to, BytesParser(policy=policy.default).parsebytes(raw)) for to, raw in self.messages]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A plain SMTP server (aiosmtpd) on 127.0.0.1; yields (url, mailbox)."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", box
    controller.stop()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A throwaway CA and a certificate for 127.0.0.1 (trustme)."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = tmp_path_factory.mktemp("tls")
    ca_file, chain_file = folder / "ca.pem", folder / "server.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.private_key_and_cert_chain_pem.write_to_path(str(chain_file))
    return ca_file, chain_file


def _auth(expected_user: str, expected_password: str):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == expected_user and \
            auth_data.password.decode() == expected_password
        return AuthResult(success=ok, handled=False)
    return authenticator


@pytest.fixture(params=["starttls", "tls"])
def secure_smtp_server(request, tls_files):
    """An SMTP server with STARTTLS or implicit TLS and AUTH (user 'bot', password 's3cret pass')."""
    import ssl

    from aiosmtpd.controller import Controller

    ca_file, chain_file = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(chain_file))
    box = Mailbox()
    port = free_port()
    auth = dict(authenticator=_auth("bot", "s3cret pass"), auth_require_tls=True)
    if request.param == "starttls":
        controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                                **auth)
        url = f"smtp+starttls://bot@127.0.0.1:{port}"
    else:
        # aiosmtpd does not count implicit TLS as TLS for AUTH; the connection is encrypted all the same
        controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=context,
                                **{**auth, "auth_require_tls": False})
        url = f"smtps://bot@127.0.0.1:{port}"
    controller.start()
    yield url, box, str(ca_file)
    controller.stop()
