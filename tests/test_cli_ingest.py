"""`tracker ingest` at its edges: what is stored is what was reported stored, quiet cron runs,
folders with other files in them, standard input, Ctrl-C."""
from __future__ import annotations

import codecs
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports import report, synthesise
from tracker.db import SnapshotRow, make_engine


def stored(cli) -> list[dict]:
    r = cli("list", "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["snapshots"]


def write(tmp_path: Path, name: str, body: str | bytes) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    (p.write_bytes if isinstance(body, bytes) else p.write_text)(body)
    return p


def test_a_snapshot_json_that_cannot_be_written_stores_nothing_and_names_the_path(cli, tmp_path):
    blocker = write(tmp_path, "snaps", "a file where the snapshot folder should be")
    p = write(tmp_path, "r.txt", report())
    r = cli("ingest", "--snapshots-dir", str(blocker), str(p))
    assert r.exit_code == 1
    target = blocker / "testland" / "regulatory-status" / "20260301T100000.000Z.json"
    assert r.stderr.splitlines()[0] == (f"Error: {p}: cannot write its snapshot JSON {target} "
                                        f"({blocker}: Not a directory); nothing stored")
    assert r.stderr.splitlines()[-1] == "0 stored, 0 replaced, 0 already stored, 1 refused"
    assert stored(cli) == []


def test_a_folder_where_the_snapshot_json_goes_stores_nothing(cli, tmp_path):
    snaps = tmp_path / "snaps"
    target = snaps / "testland" / "regulatory-status" / "20260301T100000.000Z.json"
    target.mkdir(parents=True)
    p = write(tmp_path, "r.txt", report())
    r = cli("ingest", "--snapshots-dir", str(snaps), str(p))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"Error: {p}: cannot write its snapshot JSON {target} "
                                        f"({target}: Is a directory); nothing stored")
    assert stored(cli) == []
    assert cli("ingest", "--snapshots-dir", str(tmp_path / "elsewhere"), str(p)).exit_code == 0
    assert len(stored(cli)) == 1


def test_a_stored_snapshot_has_its_json_and_the_json_its_id(cli, tmp_path):
    p = write(tmp_path, "r.txt", report())
    assert cli("ingest", "--snapshots-dir", "snaps", str(p)).exit_code == 0
    (written,) = (tmp_path / "snaps").rglob("*.json")
    assert json.loads(written.read_text(encoding="utf-8"))["id"] == stored(cli)[0]["id"]


SAVED_AGAIN = {
    "bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "utf-16": lambda text: text.encode("utf-16"),
    "bom-crlf-utf-16le": lambda text: codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
}


@pytest.mark.parametrize("saving", list(SAVED_AGAIN), ids=list(SAVED_AGAIN))
def test_the_same_report_saved_another_way_is_already_stored(cli, tmp_path, saving):
    text = report()
    first = write(tmp_path, "a.txt", text)
    again = write(tmp_path, "b.txt", SAVED_AGAIN[saving](text))
    assert cli("ingest", "-q", str(first)).exit_code == 0
    r = cli("ingest", str(again))
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines() == [
        f"{again}: already stored as snapshot 1 (Testland / Regulatory Status, 2026-03-01T10:00:00.000Z)",
        "0 stored, 0 replaced, 1 already stored, 0 refused"]
    assert len(stored(cli)) == 1


def test_a_different_report_for_the_same_instant_is_still_refused(cli, tmp_path):
    first = write(tmp_path, "a.txt", report())
    other = write(tmp_path, "b.txt", report(stance="Crypto trading is banned.").replace("\n", "\r\n"))
    assert cli("ingest", "-q", str(first)).exit_code == 0
    r = cli("ingest", "-q", str(other))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0].endswith("is already stored (snapshot 1, from a.txt); use --replace to replace it")


def test_a_quiet_run_that_stores_everything_prints_nothing(cli, tmp_path):
    p = write(tmp_path, "r.txt", report())
    r = cli("ingest", "-q", str(p))
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    again = cli("ingest", "--quiet", str(p))
    assert (again.exit_code, again.stderr) == (0, "")


def test_a_quiet_run_with_a_refusal_prints_the_refusal_and_the_summary(cli, tmp_path):
    good, bad = write(tmp_path, "a.txt", report()), write(tmp_path, "b.txt", b"")
    r = cli("ingest", "-q", str(good), str(bad))
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [f"Error: {bad}: the file is empty",
                                     "1 stored, 0 replaced, 0 already stored, 1 refused"]


def test_a_folder_s_other_files_can_be_excluded_and_are_counted(cli, tmp_path):
    inbox = tmp_path / "inbox"
    write(inbox, "testland.txt", report())
    write(inbox, "notes.md", "# Notes\nCall the regulator on Monday.\n")
    write(inbox, "drafts/next.md", report(at="2026-04-01T00:00:00Z"))
    write(inbox, "data.csv", "a,b\n")
    refused = cli("ingest", "-q", str(inbox))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0].startswith(f"Error: {inbox / 'notes.md'}: ")
    assert refused.stderr.splitlines()[-1] == "2 stored, 0 replaced, 0 already stored, 1 refused, 1 skipped by pattern"
    r = cli("ingest", "--exclude", "NOTES.md", "--exclude", "drafts", str(inbox))
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines()[-1] == "0 stored, 0 replaced, 1 already stored, 0 refused, 3 skipped by pattern"


def test_include_patterns_choose_what_a_folder_s_reports_are(cli, tmp_path):
    inbox = tmp_path / "inbox"
    write(inbox, "testland.report", report())
    write(inbox, "notes.md", "# Notes\n")
    r = cli("ingest", "--include", "*.REPORT", str(inbox))
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines()[-1] == "1 stored, 0 replaced, 0 already stored, 0 refused, 1 skipped by pattern"


def test_a_file_named_on_the_command_line_is_taken_whatever_the_patterns(cli, tmp_path):
    p = write(tmp_path, "testland.report", report())
    r = cli("ingest", "--exclude", "*.report", str(p))
    assert r.exit_code == 0, r.stderr
    assert len(stored(cli)) == 1


def test_a_folder_with_no_reports_is_not_an_error(cli, tmp_path):
    empty = tmp_path / "inbox"
    write(empty, "notes.pdf", b"%PDF-1.4")
    r = cli("ingest", str(empty))
    assert (r.exit_code, r.stderr) == (0, f"no report files in {empty}, 1 skipped by pattern\n")
    assert cli("ingest", "-q", str(empty)).stderr == ""


def test_a_path_that_does_not_exist_is_refused(cli, tmp_path):
    r = cli("ingest", str(tmp_path / "nowhere.txt"))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == f"Error: {tmp_path / 'nowhere.txt'}: cannot be read (No such file or directory)"


def test_a_report_piped_to_the_installed_command_is_stored_as_stdin(db_url, tmp_path, command_env):
    command = Path(sys.executable).with_name("tracker")
    done = subprocess.run([str(command), "ingest", "-"], input=report().encode(), capture_output=True,
                          env=command_env(db_url), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().splitlines()[0] == (
        "<stdin>: stored as snapshot 1 (Testland / Regulatory Status, 2026-03-01T10:00:00.000Z)")
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            assert s.scalars(select(SnapshotRow.source_name)).all() == ["<stdin>"]
    finally:
        engine.dispose()


def test_empty_standard_input_is_refused(cli):
    r = cli("ingest", "-", input=b"")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == "Error: <stdin>: no report given (empty input)"


def test_standard_input_and_files_go_in_the_order_given(cli, tmp_path):
    p = write(tmp_path, "later.txt", report(at="2026-04-01T00:00:00Z"))
    r = cli("ingest", "-", str(p), input=report().encode())
    assert r.exit_code == 0, r.stderr
    assert [line.split(":")[0] for line in r.stderr.splitlines()[:2]] == ["<stdin>", str(p)]


@pytest.mark.slow
def test_ctrl_c_says_how_far_the_ingest_got_and_exits_130(db_url, tmp_path, corpus, command_env):
    files = synthesise(corpus, tmp_path / "in", total=300, per_timeline=10)
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "ingest", "-q", str(tmp_path / "in")],
                            env=command_env(db_url), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    engine = make_engine(db_url)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            with Session(engine) as s:
                if s.scalar(select(func.count()).select_from(SnapshotRow)) >= 5:
                    break
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        with Session(engine) as s:
            count = s.scalar(select(func.count()).select_from(SnapshotRow))
    finally:
        engine.dispose()
    assert proc.returncode == 130, stderr
    last = stderr.splitlines()[-1]
    m = re.fullmatch(r"Interrupted: (\d+) stored, 0 replaced, 0 already stored, 0 refused, (\d+) not started", last)
    assert m, last
    assert int(m.group(1)) == count
    assert int(m.group(1)) + int(m.group(2)) == len(files)
    assert 0 < count < len(files)


def test_a_folder_with_poisoned_files_stores_every_good_one_on_every_database(tracker, tmp_path):
    import os

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = {"a-good.txt": report(jurisdiction="Japan", at="2026-01-01T00:00:00Z"),
            # a count of facts no integer conversion takes
            "e-absurd-count.txt": report(jurisdiction="Brazil").replace("3 fact(s)", "9" * 5000 + " fact(s)"),
            "z-good.txt": report(jurisdiction="Japan", at="2026-02-01T00:00:00Z")}
    poisoned = {
        "b-long.txt": (report(jurisdiction="Testland " + "x" * 250),
                       "the jurisdiction its title names is 259 characters long; a name has at most 200"),
        "c-nul.txt": (report(summary="Testland \x00 regulates.[1]").encode("utf-16"),
                      "holds a NUL character (U+0000) on line 8; a text report has none"),
        "d-instant.txt": (report(at="0001-01-01T00:00:00+23:59"),
                          "the 'Generated by' timestamp '0001-01-01T00:00:00+23:59' is not a valid date and time"),
        "f-huge.txt": (report(regulators=[f"Sector {i} Supervisory Authority: Supervises sector {i}.[1]"
                                          for i in range(1500)]),
                       "1,500 regulators is implausibly many for one report (at most 1,000); refused rather than "
                       "compared"),
    }
    for name, body in good.items():
        write(inbox, name, body)
    for name, (body, _) in poisoned.items():
        write(inbox, name, body)
    undecodable = inbox / os.fsdecode(b"g-name-\xff.txt")  # a file name that is no UTF-8
    undecodable.write_text(report(jurisdiction="Kazakhstan"))
    r = tracker("ingest", "-q", str(inbox), timeout=300)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [f"Error: {inbox / name}: {reason}" for name, (_, reason) in poisoned.items()] + [
        "4 stored, 0 replaced, 0 already stored, 4 refused"]
    listed = json.loads(tracker("list", "--format", "json").stdout)["snapshots"]
    assert sorted(s["source_name"] for s in listed) == ["a-good.txt", "e-absurd-count.txt", "g-name-\ufffd.txt",
                                                        "z-good.txt"]
