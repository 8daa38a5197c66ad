"""`list`, `show` and `diff` as people read them: filters as typed, jurisdictions by any name or
code, output files."""
from __future__ import annotations

import json

import pytest

from reports import report


@pytest.fixture
def history(cli, corpus):
    r = cli("ingest", "-q", str(corpus))
    assert r.exit_code == 0, r.stderr
    return cli


def changes(cli, *args) -> list[dict]:
    r = cli("diff", "--since", "1900-01-01", "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["changes"]


def test_diff_keeps_every_jurisdiction_it_is_given(history):
    both = changes(history, "-j", "Kazakhstan", "--jurisdiction", "Japan")
    assert {c["jurisdiction"] for c in both} == {"Kazakhstan", "Japan"}
    assert len(both) == len(changes(history, "-j", "Kazakhstan")) + len(changes(history, "-j", "Japan"))


@pytest.mark.parametrize("typed", ["Law", "LAW", " law "])
def test_diff_takes_a_category_in_any_case(history, typed):
    got = changes(history, "--category", typed)
    assert got and {c["category"] for c in got} == {"law"}


def test_an_unknown_category_is_refused_with_the_nearest_one(history):
    r = history("diff", "--since", "2026-01-01", "-c", "licencing")
    assert r.exit_code == 1
    assert r.stderr == ("Error: unknown category 'licencing' (did you mean 'licensing'?): use one of regulator, law, "
                        "licensing, stance, other\n")


@pytest.mark.parametrize("name,canonical", [
    ("AE", "United Arab Emirates"), ("are", "United Arab Emirates"), ("U.A.E.", "United Arab Emirates"),
    ("JP", "Japan"), ("jpn", "Japan"), ("NG", "Nigeria"),
], ids=["alpha-2", "alpha-3", "dotted", "JP", "jpn", "NG"])
def test_show_and_diff_find_a_jurisdiction_by_its_iso_code_or_dotted_name(history, name, canonical):
    shown = history("show", name, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["jurisdiction"] == canonical
    assert {c["jurisdiction"] for c in changes(history, "-j", name)} == {canonical}


@pytest.mark.parametrize("written,typed", [
    ("European Union", "EU"), ("European Union", "E.U."), ("Cayman Islands", "KY"),
    ("Dubai International Financial Centre", "DIFC"),
], ids=["EU", "E.U.", "territory", "free-zone"])
def test_a_jurisdiction_that_is_no_country_is_found_by_its_short_names(cli, tmp_path, written, typed):
    for n, at in enumerate(("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")):
        (tmp_path / f"{n}.txt").write_text(report(jurisdiction=written, at=at,
                                                  stance="Crypto trading is banned." if n else
                                                  "Crypto trading is legal and regulated."))
    assert cli("ingest", "-q", str(tmp_path / "0.txt"), str(tmp_path / "1.txt")).exit_code == 0
    shown = cli("show", typed, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["jurisdiction"] == written
    assert [c["new"] for c in changes(cli, "-j", typed)] == ["banned"]


def test_a_mistyped_jurisdiction_is_refused_with_the_nearest_stored_one(history):
    r = history("show", "Kazahkstan")
    assert r.exit_code == 1
    assert r.stderr == "Error: no snapshots for jurisdiction 'Kazahkstan'; did you mean 'Kazakhstan'?\n"


def test_diff_output_to_a_missing_folder_names_the_path(history, tmp_path):
    target = tmp_path / "nowhere" / "x.json"
    r = history("diff", "--since", "2026-01-01", "--format", "json", "-o", str(target))
    assert r.exit_code == 1
    assert r.stderr == f"Error: {target}: cannot be written (no folder {target.parent})\n"


def test_diff_output_to_a_folder_is_refused(history, tmp_path):
    r = history("diff", "--since", "2026-01-01", "-o", str(tmp_path))
    assert (r.exit_code, r.stderr) == (1, f"Error: {tmp_path}: is a folder, not a file to write\n")


def test_diff_output_is_written_whole_to_the_file(history, tmp_path):
    target = tmp_path / "changes.json"
    r = history("diff", "--since", "2026-01-01", "--format", "json", "-o", str(target))
    assert (r.exit_code, r.stdout) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["changes"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
