"""`list`, `show` and `diff` as people read them: filters as typed, jurisdictions by any name or
code, output files, human words, renames as one item, wrapped text, grouped and linked HTML."""
from __future__ import annotations

import json
import re

import pytest

from reports import report
from tests_helpers import hostile_timeline


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


def test_human_formats_use_words_and_json_the_contract_s_vocabulary(history):
    text = history("diff", "--since", "1900-01-01", "-j", "Brazil").stdout
    assert "trading stance: legal, unregulated → legal, regulated" in text
    assert "status: adopted → in force" in text
    assert "in_force" not in text and "legal_regulated" not in text
    shown = history("show", "Kazakhstan").stdout
    assert "Trading stance: legal, regulated" in shown and "Digital Code: in force" in shown
    doc = changes(history, "-j", "Brazil", "-c", "stance")
    assert [(c["old"], c["new"]) for c in doc] == [("legal_unregulated", "legal_regulated")]


def test_a_rename_is_one_item_in_text_and_two_changes_in_json(history):
    text = history("diff", "--since", "2026-02-01", "--until", "2026-02-28", "-j", "Nigeria").stdout
    assert "    ~ regulator renamed: FIRS → NRS, Federal Inland Revenue Service → Nigeria Revenue Service" in text
    assert "acronym:" not in text and "name:" not in text
    doc = changes(history, "-j", "Nigeria", "-c", "regulator", "--until", "2026-02-28")
    assert sorted(c["field"] for c in doc) == ["acronym", "name"]


def test_markdown_says_each_verb_once(history):
    md = history("diff", "--since", "1900-01-01", "-j", "Nigeria", "-f", "markdown").stdout
    lines = md.splitlines()
    assert "- **added** regulator: Federal Competition and Consumer Protection Commission \\(FCCPC\\)" in lines
    assert ("- **renamed** regulator: FIRS → NRS, Federal Inland Revenue Service → Nigeria Revenue Service"
            in [line.split(" — _")[0] for line in lines])
    assert not any(re.search(r"\*\*(added|removed)\*\* \w+ (added|removed)", line) for line in lines)


def test_text_diff_fits_the_terminal_and_indents_continuation_lines(history):
    r = history("diff", "--since", "1900-01-01", "--all", env={"COLUMNS": "80"})
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    items = [i for i, line in enumerate(lines) if re.match(r"    [+~-] ", line)]
    continued = [lines[i + 1] for i in items if i + 1 < len(lines) and lines[i + 1].startswith("      ")]
    assert continued, "some item needed a second line"
    assert all(re.match(r"      \S", line) or line.startswith("        ") for line in continued)


def test_a_word_longer_than_the_terminal_is_not_cut(cli, tmp_path):
    word = "Hyper" + "coin" * 20
    (tmp_path / "a.txt").write_text(report(at="2026-01-01T00:00:00Z"))
    (tmp_path / "b.txt").write_text(report(at="2026-02-01T00:00:00Z", laws=[
        "Virtual Assets Act 2021 (VAA): In force since 1 March 2022; the licensing framework.[1]",
        "AML Regulations 2023: Effective June 1, 2023; apply AML/CFT duties to service providers.[3]",
        f"{word} Act 2026: Effective 1 January 2027; licenses stablecoin issuers.[4]"]))
    cli("ingest", "-q", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    out = cli("diff", "--since", "2026-01-15", env={"COLUMNS": "60"}).stdout
    assert f"    + law added:\n      {word}\n      Act 2026 — effective 2027-01-01, adopted\n" in out


def test_list_prints_a_header_and_aligned_columns(history):
    lines = history("list").stdout.splitlines()
    assert lines[0].split() == ["ID", "JURISDICTION", "TOPIC", "GENERATED", "FILE"]
    starts = {line.index("Regulatory Status") for line in lines[1:]}
    assert starts == {lines[0].index("TOPIC")}
    assert {line.index("20") for line in lines[1:] if "20" in line} >= {lines[0].index("GENERATED")}
    assert len(lines) == 24


def test_html_diff_is_grouped_by_jurisdiction_and_report_and_links_citations(cli, tmp_path):
    hostile_timeline(lambda *a: _completed(cli(*a)), tmp_path)
    page = cli("diff", "--since", "2026-01-15", "--format", "html").stdout
    assert page.index("<h2>Testland") < page.index("<h3>Report of 2026-02-01")
    assert '<span class="kind">added</span> <strong>Stablecoin Act 2026</strong>' in page
    assert '<span class="old">USD 1 million</span> → <span class="new">USD 2 million</span>' in page
    assert '<a href="https://example.org/stablecoins">[4]</a>' in page
    assert 'href="javascript:' not in page and "<script>" not in page


class _completed:
    """A CliRunner result seen as a CompletedProcess (returncode, stderr) by the shared helpers."""

    def __init__(self, result) -> None:
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args,option,value", [
    (("show", "Testland", "--as-of"), "--as-of", "0001-01-01T00:00:00+23:59"),
    (("diff", "--since"), "--since", "0001-01-01T00:00:00+23:59"),
    (("diff", "--since", "2026-01-01", "--until"), "--until", "9999-12-31T23:59:59-14:00"),
    (("digest", "--to", "a@example.org", "--dry-run", "--since"), "--since", "0001-01-01T00:00:00+01:00"),
], ids=["show-as-of", "diff-since", "diff-until", "digest-since"])
def test_a_date_outside_the_calendar_in_utc_is_one_line_naming_the_option(cli, tmp_path, args, option, value):
    (tmp_path / "r.txt").write_text(report())
    assert cli("ingest", "-q", str(tmp_path / "r.txt")).exit_code == 0
    r = cli(*args, value)
    assert r.exit_code == 1
    assert r.stderr == f"Error: {option} {value!r} is out of range: in UTC it falls outside the years 1 to 9999\n"
