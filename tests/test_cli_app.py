"""The command line as a whole: version, one-line errors and exit codes, databases that read
commands never create, shell completion, and report text that never drives the terminal."""
from __future__ import annotations

import json
import re

import pytest

from reports import report
from tracker import __version__
from tracker.cli.common import BUG, INTERRUPTED, OK, REFUSED, USAGE


def test_version_prints_the_version_and_exits_0(bare_cli):
    r = bare_cli("--version")
    assert (r.exit_code, r.stdout, r.stderr) == (0, f"tracker {__version__}\n", "")


@pytest.mark.parametrize("args,first,hint", [
    (("diff",), "Error: Missing option '--since'.", "Try 'tracker diff --help' for help."),
    (("dif",), "Error: No such command 'dif'. Did you mean 'diff'?", "Try 'tracker --help' for help."),
    (("list", "--bogus"), "Error: No such option: --bogus", "Try 'tracker list --help' for help."),
], ids=["missing-option", "unknown-command", "unknown-option"])
def test_a_command_line_that_does_not_parse_is_one_error_line_and_exit_2(bare_cli, args, first, hint):
    r = bare_cli(*args)
    assert r.exit_code == USAGE == 2
    assert r.stderr.splitlines() == [first, hint]
    assert "╭" not in r.stderr


READ_COMMANDS = {
    "list": ("list",),
    "show": ("show", "Japan"),
    "diff": ("diff", "--since", "2026-01-01"),
    "history": ("history", "Japan", "FSA"),
    "digest": ("digest", "--to", "a@example.org", "--dry-run"),
    "subscribers": ("subscribers",),
    "subscribe": ("subscribe", "a@example.org"),
    "unsubscribe": ("unsubscribe", "a@example.org"),
    "reparse": ("reparse",),
    "upcoming": ("upcoming",),
    "site": ("site", "public"),
}


@pytest.mark.parametrize("command", list(READ_COMMANDS), ids=list(READ_COMMANDS))
def test_a_command_other_than_ingest_refuses_a_database_that_does_not_exist(bare_cli, tmp_path, command):
    missing = tmp_path / "typo.db"
    r = bare_cli("--db", str(missing), *READ_COMMANDS[command])
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"Error: no tracker database at sqlite:///{missing}: "
                                        "`tracker ingest REPORT...` or `tracker db upgrade` creates one")
    assert not missing.exists()


def test_a_database_value_that_is_no_url_is_not_created_by_a_read(bare_cli, tmp_path):
    r = bare_cli("--db", "not a url at all", "list")
    assert r.exit_code == 1
    assert r.stderr == ("Error: no tracker database at sqlite:///not a url at all: `tracker ingest REPORT...` or "
                        "`tracker db upgrade` creates one\n")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_that_is_no_tracker_database_is_refused_by_a_read(bare_cli, tmp_path):
    other = tmp_path / "other.db"
    other.write_bytes(b"")
    r = bare_cli("--db", str(other), "list")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: no tracker database at sqlite:///{other}: ")
    assert other.read_bytes() == b""


def test_ingest_and_db_upgrade_create_the_database(bare_cli, tmp_path):
    assert bare_cli("--db", str(tmp_path / "a.db"), "db", "upgrade").exit_code == 0
    (tmp_path / "r.txt").write_text(report())
    assert bare_cli("--db", str(tmp_path / "b.db"), "ingest", "-q", str(tmp_path / "r.txt")).exit_code == 0
    assert bare_cli("--db", str(tmp_path / "a.db"), "list").exit_code == 0
    listed = bare_cli("--db", str(tmp_path / "b.db"), "list", "--format", "json")
    assert len(json.loads(listed.stdout)["snapshots"]) == 1


def test_shell_completion_can_be_shown_and_installed(bare_cli):
    shown = bare_cli("--show-completion", "bash")
    assert shown.exit_code == 0
    assert "_TRACKER_COMPLETE=complete_bash" in shown.stdout
    assert "--install-completion" in bare_cli("--help").stdout


def complete(run, words: str) -> list[str]:
    r = run(env={"_TRACKER_COMPLETE": "complete_bash", "COMP_WORDS": words,
                 "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))})
    assert r.exit_code == 0, r.stderr
    return r.stdout.split()


def test_completion_offers_commands_categories_and_the_stored_jurisdictions(cli, tmp_path):
    (tmp_path / "r.txt").write_text(report())
    assert cli("ingest", "-q", str(tmp_path / "r.txt")).exit_code == 0
    assert complete(cli, "tracker di") == ["diff", "digest"]
    assert complete(cli, "tracker diff -c li") == ["licensing"]
    assert complete(cli, "tracker show Te") == ["Testland"]


def test_report_text_never_sends_control_characters_to_the_terminal(cli, tmp_path):
    hostile = "Board \x1b]0;owned\x07of \x1b[2JTestland"
    (tmp_path / "a.txt").write_text(report(at="2026-01-01T00:00:00Z"))
    (tmp_path / "b.txt").write_text(report(at="2026-02-01T00:00:00Z", regulators=[
        "Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
        f"{hostile} (BOT): Supervises nothing.[2]"]))
    assert cli("ingest", "-q", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")).exit_code == 0
    for args in (("diff", "--since", "2026-01-15"), ("diff", "--since", "2026-01-15", "-f", "markdown"),
                 ("show", "Testland")):
        r = cli(*args)
        assert r.exit_code == 0, r.stderr
        assert "Board" in r.stdout
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", r.stdout), args
    doc = json.loads(cli("show", "Testland", "--format", "json").stdout)
    assert any("\x1b" in reg["name"] for reg in doc["regulators"]), "JSON keeps the data, escaped"


UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PWN = "\x1b]0;PWNED\x07\x1b[2J"


def test_hostile_names_titles_and_file_names_never_drive_the_terminal(cli, tmp_path):
    first = tmp_path / f"first{PWN}.txt"
    first.write_text(report(at="2026-01-01T00:00:00Z", title=f"Testland{PWN} -- Regulatory Status Regulatory Overview"))
    second = tmp_path / "second.txt"
    second.write_text(report(at="2026-02-01T00:00:00Z", regulators=[
        "Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
        f"Board {PWN}of \u202eTestland\u202c (BOT): Supervises nothing.[2]"]))
    ingested = cli("ingest", str(first), str(second))
    assert ingested.exit_code == 0, ingested.stderr
    outputs = {"ingest": ingested.stderr}
    for args in (("list",), ("diff", "--since", "2026-01-15"), ("diff", "--since", "2026-01-15", "-f", "markdown"),
                 ("show", "Testland")):
        r = cli(*args)
        assert r.exit_code == 0, (args, r.stderr)
        outputs[" ".join(args)] = r.stdout
    for where, text in outputs.items():
        assert not UNSAFE.search(text), where
    assert "]0;PWNED" in outputs["list"], "the file name is shown, its escapes disarmed"
    assert "Board" in outputs["diff --since 2026-01-15"]
    assert [s["jurisdiction"] for s in json.loads(cli("list", "--format", "json").stdout)["snapshots"]] == [
        "Testland", "Testland"], "the title's escapes are no part of the jurisdiction's name"


def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_output(cli, tmp_path):
    forged = tmp_path / "evil\nError: forged.txt"
    forged.write_bytes(b"")
    r = cli("ingest", "-q", str(forged))
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [f"Error: {tmp_path}/evil\ufffdError: forged.txt: the file is empty",
                                     "0 stored, 0 replaced, 0 already stored, 1 refused"]


def test_the_readme_lists_every_exit_code():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    listed = {int(code) for code in re.findall(r"^\| `(\d+)` \|", readme, flags=re.M)}
    assert listed == {OK, REFUSED, USAGE, BUG, INTERRUPTED}


def test_ctrl_c_in_any_command_says_interrupted_and_exits_130(db_url, tmp_path, command_env):
    import signal
    import socket
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(report(at="2026-01-01T00:00:00Z"))
    (tmp_path / "b.txt").write_text(report(at="2026-02-01T00:00:00Z", stance="Crypto trading is banned."))
    env = command_env(db_url)
    command = [sys.executable, "-m", "tracker"]
    assert subprocess.run([*command, "ingest", "-q", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], env=env,
                          cwd=tmp_path, capture_output=True, timeout=120).returncode == 0
    with socket.socket() as silent:  # an SMTP server that accepts the connection and never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.settimeout(60)
        port = silent.getsockname()[1]
        proc = subprocess.Popen([*command, "digest", "--to", "a@example.org", "--from", "t@example.org",
                                 "--smtp", f"smtp://127.0.0.1:{port}"], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        conn, _ = silent.accept()
        with conn:
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr) == (INTERRUPTED, "Interrupted.\n")
