"""Reading report files: what is refused before any parsing, and why."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tracker.errors import ReportRejected
from tracker.read import MAX_BYTES, expand_paths, read_report


def test_utf8_with_and_without_bom(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes("Brazil — São Paulo".encode())
    b.write_bytes(codecs.BOM_UTF8 + "Brazil — São Paulo".encode())
    assert read_report(a).text == "Brazil — São Paulo"
    assert read_report(b).text.lstrip("\ufeff") == "Brazil — São Paulo"
    assert read_report(a).sha256 != read_report(b).sha256


def test_utf16_with_a_byte_order_mark_is_decoded(tmp_path):
    p = tmp_path / "r.txt"
    p.write_bytes("Nigeria — ₦2 billion".encode("utf-16"))
    assert read_report(p).text == "Nigeria — ₦2 billion"


@pytest.mark.parametrize("content,message", [
    (b"", "the file is empty"),
    (b"  \n\n ", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
    ("Brasília, São Paulo".encode("latin-1"), "is not UTF-8 text"),
], ids=["empty", "blank", "binary", "latin-1"])
def test_unreadable_files_are_refused(tmp_path, content, message):
    p = tmp_path / "r.txt"
    p.write_bytes(content)
    with pytest.raises(ReportRejected, match=message) as info:
        read_report(p)
    assert str(p) in str(info.value)


def test_an_oversized_file_is_refused_without_being_read(tmp_path, monkeypatch):
    p = tmp_path / "big.txt"
    with p.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened"))
    with pytest.raises(ReportRejected, match="over the 5,242,880-byte limit"):
        read_report(p)


def test_folders_are_searched_recursively_for_reports_but_not_their_readme(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.md", "README.md", "notes.pdf", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    found = expand_paths([tmp_path])
    assert [p.name for p in found.files] == ["a.txt", "b.md"]
    assert found.skipped == 2  # README.md and notes.pdf; hidden files are not looked at


FOLDER = ["a.txt", "b.MD", "notes.md", "drafts/c.txt", "drafts/deep/d.md", "x/drafts/e.txt", "data.csv",
          "r.report", "LICENSE.txt", ".git/config.txt", "sub/.hidden.md"]


@pytest.mark.parametrize("include,exclude,taken,skipped", [
    ((), (), ["a.txt", "b.MD", "notes.md", "drafts/c.txt", "drafts/deep/d.md", "x/drafts/e.txt"], 3),
    (("*.report",), (), ["r.report"], 8),
    ((), ("notes.md",), ["a.txt", "b.MD", "drafts/c.txt", "drafts/deep/d.md", "x/drafts/e.txt"], 4),
    ((), ("drafts",), ["a.txt", "b.MD", "notes.md"], 6),
    ((), ("drafts/*",), ["a.txt", "b.MD", "notes.md", "x/drafts/e.txt"], 5),
    (("*.txt",), ("x/*",), ["a.txt", "drafts/c.txt"], 7),
], ids=["default", "include", "exclude-file", "exclude-folder", "exclude-slash", "both"])
def test_folder_patterns_choose_the_reports_and_count_what_they_pass_over(tmp_path, include, exclude, taken,
                                                                         skipped):
    for name in FOLDER:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = expand_paths([tmp_path], **({"include": include} if include else {}), exclude=exclude)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in found.files) == sorted(taken)
    assert found.skipped == skipped
