"""`tracker site` as a reader and a browser meet it: the matrix agrees with `tracker show`, every link
resolves, nothing of a hostile report is unescaped, feeds keep their ids across a reparse, a rebuild
rewrites only what a new report touches, and no name writes outside OUT/."""
from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer

from reports import report
from tests_helpers import HOSTILE, hostile_timeline
from tracker.db import ChangeRow, SnapshotRow


class Page(HTMLParser):
    """What a browser would take from a page: tags, attributes, ids, links, text and matrix rows."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.text: list[str] = []
        self.rows: list[dict] = []
        self._cell: dict | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append(a[name])
        if tag == "tr" and "data-jurisdiction" in a:
            self.rows.append({"jurisdiction": a["data-jurisdiction"], "topic": a["data-topic"], "cells": {}})
        if tag == "td" and self.rows and "class" in a:
            self._cell = {"class": a["class"].split()[-1], "value": a.get("data-value"), "text": ""}
            self.rows[-1]["cells"][self._cell["class"]] = self._cell

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell["text"] += data


@pytest.fixture
def built(cli, corpus, tmp_path):
    """The bundled timelines ingested and their site built into tmp_path/out."""
    assert cli("ingest", "-q", str(corpus)).exit_code == 0
    r = cli("site", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    return tmp_path / "out"


def pages(out: Path) -> dict[Path, Page]:
    return {p: Page(p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*.html"))}


def test_the_matrix_row_of_each_timeline_holds_what_show_says(built, cli):
    rows = Page((built / "index.html").read_text()).rows
    listed = json.loads(cli("list", "--format", "json").stdout)["snapshots"]
    assert sorted((r["jurisdiction"], r["topic"]) for r in rows) == sorted({(s["jurisdiction"], s["topic"])
                                                                           for s in listed})
    for row in rows:
        shown = json.loads(cli("show", row["jurisdiction"], "--topic", row["topic"], "--format", "json").stdout)
        cells = row["cells"]
        assert cells["stance"]["value"] == shown["stance"]["trading"], row["jurisdiction"]
        assert json.loads(cells["licensing"]["value"]) == shown["licensing"]["required"], row["jurisdiction"]
        assert int(cells["regulators"]["text"]) == len(shown["regulators"])
        assert int(cells["laws"]["text"]) == sum(1 for x in shown["laws"] if x["status"] == "in_force")
        ahead = json.loads(cli("upcoming", "--days", "36500", "-j", row["jurisdiction"], "--format", "json").stdout)
        soonest = [u for u in ahead["upcoming"] if u["topic"] == row["topic"]][:1]
        if soonest:
            assert cells["next"]["text"].startswith(soonest[0]["effective_date"])
            assert cells["next"]["text"].endswith(soonest[0]["name"])
        else:
            assert cells["next"]["text"] == "none ahead"


def test_the_index_is_offered_in_each_order_with_a_legend(built):
    index = Page((built / "index.html").read_text())
    for name in ("by-stance.html", "by-change.html", "by-effect.html"):
        assert name in index.links
        assert sorted(r["jurisdiction"] for r in Page((built / name).read_text()).rows) == \
            sorted(r["jurisdiction"] for r in index.rows)
    assert [r["jurisdiction"] for r in index.rows] == sorted((r["jurisdiction"] for r in index.rows), key=str.casefold)
    assert "Legend" in index.text and "legal, regulated" in "".join(index.text)


def test_every_link_resolves_to_a_file_and_every_anchor_to_an_id(built):
    site = pages(built)
    assert len(site) > 20
    checked = 0
    for path, page in site.items():
        assert not any(tag == "script" for tag, _ in page.tags), path
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):  # a report's cited source
                continue
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), (path, link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file() and target.is_relative_to(built.resolve()), (path, link)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in site[target].ids, (path, link)
            checked += 1
    assert checked > 100


def test_a_timeline_page_shows_each_report_s_material_changes_and_charts_them(built, cli):
    changes = json.loads(cli("diff", "--since", "1900-01-01", "-j", "Kazakhstan", "--format", "json").stdout)["changes"]
    page = (built / "jurisdictions" / "kazakhstan--regulatory-status.html").read_text()
    parsed = Page(page)
    bars = [a for tag, a in parsed.tags if tag == "rect"]
    reports = json.loads(cli("list", "Kazakhstan", "--format", "json").stdout)["snapshots"]
    assert len(bars) == len(reports)
    assert "<svg" in page
    titles = "".join(parsed.text)
    for snap in reports[1:]:
        n = sum(1 for c in changes if c["to"]["generated_at"] == snap["generated_at"])
        assert n and f"{snap['generated_at'][:10]}: {n} material change" in titles
    assert "adopted" in titles and "in force" in titles  # old → new of Digital Code's status


def test_an_entity_page_gives_the_names_it_went_by(built):
    hits = [p for p in (built / "entities" / "nigeria--regulatory-status").glob("*.html")
            if "Nigeria Revenue Service" in p.read_text()]
    texts = ["".join(Page(p.read_text()).text) for p in hits]
    assert any("Federal Inland Revenue Service" in t and "Names it went by" in t for t in texts)


def test_nothing_of_a_hostile_report_reaches_the_site_unescaped(cli, tmp_path):
    hostile_timeline(lambda *a: _as_process(cli(*a)), tmp_path)
    weird = tmp_path / "t3.txt"
    weird.write_text(report(at="2026-03-01T00:00:00Z", regulators=[
        "Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
        '"Quoted" Board\' onmouseover=\'alert(1)\x1b[31m (QB): Watches.[1]'],
        stance="Crypto trading is banned."))
    assert cli("ingest", "-q", str(weird)).exit_code == 0
    r = cli("site", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    seen = ""
    for path, page in pages(tmp_path / "out").items():
        for tag, attrs in page.tags:
            assert tag not in ("script", "b", "iframe", "object"), (path, tag)
            assert not any(k.startswith("on") for k in attrs), (path, attrs)
            for v in attrs.values():
                assert not (v or "").lower().startswith("javascript:"), (path, attrs)
        seen += "".join(page.text)
        assert "\x1b" not in path.read_text()
    assert HOSTILE in seen  # shown as text, not as markup
    for feed in (tmp_path / "out" / "feeds").glob("*.atom"):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))


def _as_process(result):
    """A CliRunner result as hostile_timeline reads a finished process."""
    class Done:
        returncode = result.exit_code
        stderr = result.stderr
    return Done


def feed_entries(out: Path) -> dict[str, tuple[str, str]]:
    parsed = feedparser.parse((out / "feeds" / "all.atom").read_bytes())
    assert not parsed.bozo
    return {e.id: (e.title, e.link) for e in parsed.entries}


def row_ids(db_url) -> set[int]:
    """The database rows of the changes (not the changes' stable ids, which a reparse keeps)."""
    from tracker.db import make_engine

    engine = make_engine(db_url)
    with Session(engine) as s:
        ids = set(s.scalars(select(ChangeRow.id)))
    engine.dispose()
    return ids


def test_feed_entries_keep_their_ids_across_a_reparse_and_link_to_their_change(built, cli, db_url):
    before = feed_entries(built)
    ids_before = row_ids(db_url)
    assert before and all(i.startswith("urn:uuid:") for i in before)
    from tracker.db import make_engine

    engine = make_engine(db_url)
    with Session(engine) as s, s.begin():  # as an older parser left them: reparse rewrites every timeline
        for row in s.scalars(select(SnapshotRow).options(undefer(SnapshotRow.data))):
            row.data = {**row.data, "summary": "worded by an older parser"}
        # rows numbered out of the way, so that the rewritten ones cannot take the same numbers
        s.execute(update(ChangeRow).values(id=ChangeRow.id + 1_000_000))
    engine.dispose()
    ids_before = row_ids(db_url)
    assert cli("reparse").exit_code == 0
    ids_after = row_ids(db_url)
    assert ids_after.isdisjoint(ids_before)  # every change row is new...
    assert cli("site", str(built)).exit_code == 0
    assert feed_entries(built) == before  # ...and every feed entry the same
    for title, link in before.values():
        page, anchor = link.split("#")
        target = (built / "feeds" / page).resolve()
        assert anchor in Page(target.read_text()).ids


def test_each_jurisdiction_has_its_own_feed(built):
    parsed = feedparser.parse((built / "feeds" / "japan.atom").read_bytes())
    assert parsed.entries and all(e.title.startswith("Japan: ") for e in parsed.entries)
    everything = feed_entries(built)
    assert {e.id for e in parsed.entries} <= set(everything)


def test_a_rebuild_after_one_new_report_rewrites_only_the_pages_it_touches(built, cli, tmp_path):
    stamps = {p: p.stat().st_mtime_ns for p in built.rglob("*") if p.is_file()}
    again = cli("site", str(built))
    assert again.exit_code == 0 and again.stderr.startswith("Wrote 0 of "), again.stderr
    text = (Path(__file__).parent / "corpus" / "japan_2026-09-24.txt").read_text()
    late = tmp_path / "japan_late.txt"
    late.write_text(re.sub(r"(Generated by \S+ on )\S+", r"\g<1>2026-11-24T10:00:00.000Z", text, count=1))
    r = cli("ingest", "-q", str(late))
    assert r.exit_code == 0, r.stderr
    rebuilt = cli("site", str(built))
    assert rebuilt.exit_code == 0
    changed = {p.relative_to(built).as_posix() for p, t in stamps.items() if p.stat().st_mtime_ns != t}
    assert "jurisdictions/japan--regulatory-status.html" in changed
    assert not any(c.startswith(("jurisdictions/kazakhstan", "entities/kazakhstan", "feeds/kazakhstan"))
                   for c in changed), changed


def test_a_name_never_writes_outside_the_site_folder(cli, tmp_path):
    for n, at in enumerate(("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")):
        (tmp_path / f"{n}.txt").write_text(report(at=at, regulators=[
            "Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
            f"../../../escaped{n} (ESC): Supervises.[1]", "..\\..\\win (WIN): Supervises.[1]"]))
    assert cli("ingest", "-q", str(tmp_path / "0.txt"), str(tmp_path / "1.txt")).exit_code == 0
    before = set(os.listdir(tmp_path))
    assert cli("site", str(tmp_path / "out")).exit_code == 0
    assert set(os.listdir(tmp_path)) == before | {"out"}
    for p in (tmp_path / "out").rglob("*"):
        assert p.resolve().is_relative_to((tmp_path / "out").resolve())
        assert all(part.replace("-", "").replace("_", "").replace(".", "").isalnum() for part in
                   p.relative_to(tmp_path / "out").parts[:-1]), p


def test_a_folder_of_other_files_is_refused(built, cli, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my own page")
    r = cli("site", str(mine))
    assert r.exit_code == 1
    assert r.stderr == f"Error: {mine}: holds files that `tracker site` did not write; give it an empty or new folder\n"
    assert (mine / "index.html").read_text() == "my own page"


def test_a_file_given_as_the_site_folder_is_refused(built, cli, tmp_path):
    target = tmp_path / "file.html"
    target.write_text("x")
    r = cli("site", str(target))
    assert r.exit_code == 1
    assert r.stderr == f"Error: {target}: is a file, not a folder to write the site into\n"


def test_a_base_url_that_is_no_plain_address_is_refused(built, cli, tmp_path):
    r = cli("site", str(tmp_path / "x"), "--base-url", "javascript:alert(1)")
    assert r.exit_code == 1
    assert r.stderr == "Error: --base-url 'javascript:alert(1)' is not a plain http(s) address\n"


def test_with_a_base_url_feed_entries_link_to_absolute_addresses(built, cli):
    assert cli("site", str(built), "--base-url", "https://example.org/tracker").exit_code == 0
    links = [link for _, link in feed_entries(built).values()]
    assert links and all(link.startswith("https://example.org/tracker/jurisdictions/") for link in links)


def test_a_change_s_review_state_and_evidence_are_shown_where_changes_carry_them(built, cli, db_url):
    from sqlalchemy import update

    from tracker.db import ChangeRow, make_engine

    engine = make_engine(db_url)
    with Session(engine) as s, s.begin():  # as the review issue stores them in each change's document
        row = s.scalars(select(ChangeRow).where(ChangeRow.material.is_(True), ChangeRow.jurisdiction == "Japan")
                        .order_by(ChangeRow.id).limit(1)).one()
        doc = {**json.loads(row.doc), "review": {"state": "confirmed", "by": "<ana>", "at": "2026-11-01T00:00:00Z",
                                                  "reason": None},
               "evidence": {"old": None, "new": {"text": "In force since <1 June>", "sources": []}}}
        s.execute(update(ChangeRow).where(ChangeRow.id == row.id).values(doc=json.dumps(doc)))
    engine.dispose()
    assert cli("site", str(built)).exit_code == 0
    text = "".join(Page((built / "jurisdictions" / "japan--regulatory-status.html").read_text()).text)
    assert "review: confirmed by <ana>" in text and "new: “In force since <1 June>”" in text


def test_a_rebuild_removes_the_pages_it_no_longer_has_and_nothing_else(cli, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(report(at="2026-01-01T00:00:00Z"))
    second.write_text(report(at="2026-02-01T00:00:00Z", regulators=[
        "Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
        "Central Bank of Testland (CBT): Oversees payments and banks' dealings with crypto firms.[2]",
        "Testland Data Office (TDO): Oversees data protection at crypto firms.[3]"]))
    assert cli("ingest", "-q", str(first), str(second)).exit_code == 0
    out = tmp_path / "out"
    assert cli("site", str(out)).exit_code == 0
    (out / "notes.txt").write_text("mine")
    office = out / "entities" / "testland--regulatory-status" / "testland-data-office.html"
    assert office.is_file()
    second.write_text(report(at="2026-02-01T00:00:00Z", stance="Crypto trading is banned."))
    assert cli("ingest", "-q", "--replace", str(second)).exit_code == 0
    r = cli("site", str(out))
    assert r.exit_code == 0 and "(1 removed)" in r.stderr, r.stderr
    assert not office.exists() and (out / "notes.txt").read_text() == "mine"
