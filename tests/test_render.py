"""Changelog items as people read them, from stored changes: pure, in-process."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tracker.render import ChangeView, Citation, changes_text, describe, entries, safe_url, value_text, words

FROM = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
TO = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)


def change(n: int, *, field=None, kind="changed", category="regulator", entity="Federal Inland Revenue Service",
           key="firs", old=None, new=None, material=True, to_id=2, citations=(), evidence=None) -> ChangeView:
    row = SimpleNamespace(id=n, from_id=to_id - 1, to_id=to_id, to_generated_at=TO, jurisdiction="Nigeria",
                          topic="Regulatory Status", category=category, kind=kind, entity=entity, entity_key=key,
                          field=field, old=old, new=new, material=material, confirmed=None, omission=False,
                          refinement=False, evidence=evidence, citations=list(citations))
    return ChangeView(row, FROM)


@pytest.mark.parametrize("field,value,said", [
    ("status", "in_force", "in force"), ("status", "unknown", "status unknown"),
    ("trading", "legal_regulated", "legal, regulated"), ("trading", "legal_unregulated", "legal, unregulated"),
    ("effective_date", None, "not stated"), ("required", True, "yes"),
], ids=lambda v: str(v))
def test_vocabulary_values_are_said_in_words(field, value, said):
    assert value_text(value, field) == said


def test_a_value_outside_the_vocabulary_is_kept_as_it_is():
    assert words("status", "suspended") == "suspended"


def test_a_name_and_acronym_change_between_two_reports_is_one_rename_wherever_they_stand():
    views = [change(1, field="acronym", old="FIRS", new="NRS"),
             change(2, field="role", old="Taxes.", new="Taxes crypto.", material=False),
             change(3, field="name", old="Federal Inland Revenue Service", new="Nigeria Revenue Service",
                    evidence="renamed on 1 January 2026")]
    items = entries(views)
    assert [(e.kind, e.change_ids) for e in items] == [("renamed", (1, 3)), ("changed", (2,))]
    assert describe(items[0]) == ("regulator renamed: FIRS → NRS, "
                                  "Federal Inland Revenue Service → Nigeria Revenue Service")
    assert (items[0].entity, items[0].old, items[0].new) == (
        "Nigeria Revenue Service", "Federal Inland Revenue Service (FIRS)", "Nigeria Revenue Service (NRS)")
    assert items[0].note == "the report says: “renamed on 1 January 2026”"


def test_an_acronym_change_alone_is_no_rename():
    (item,) = entries([change(1, field="acronym", old="SCA", new="CMA")])
    assert describe(item) == "regulator Federal Inland Revenue Service acronym: SCA → CMA"


def test_renames_of_different_pairs_or_entities_stay_apart():
    views = [change(1, field="name", old="A Board", new="B Board", to_id=2),
             change(2, field="name", old="B Board", new="C Board", to_id=3),
             change(3, field="acronym", old="X", new="Y", key="other", entity="Other Board")]
    assert [e.kind for e in entries(views)] == ["renamed", "renamed", "changed"]


def test_a_name_only_reworded_is_a_name_change_not_a_rename():
    (item,) = entries([change(1, field="name", old="Banco Central do Brasil", new="Central Bank of Brazil",
                              material=False)])
    assert item.kind == "changed"
    assert describe(item) == "regulator name: Banco Central do Brasil → Central Bank of Brazil"


def test_citations_link_to_the_report_s_own_safe_sources():
    views = [change(1, kind="added", category="law", entity="Stablecoin Act", field=None, old=None,
                    new={"name": "Stablecoin Act", "effective_date": "2027-01-01", "status": "adopted"},
                    citations=(1, 2, 9))]
    (item,) = entries(views, {2: ["https://example.org/a", "javascript:alert(1)"]})
    assert item.citations == (Citation(1, "https://example.org/a"), Citation(2, None), Citation(9, None))
    assert describe(item) == "law added: Stablecoin Act — effective 2027-01-01, adopted"
    assert describe(item, kind=False) == "law: Stablecoin Act — effective 2027-01-01, adopted"


def test_text_without_a_width_is_not_wrapped():
    long = "x " * 100
    text = changes_text([change(1, field="role", old=long, new=long + "y", material=False)], width=None)
    assert len(text.splitlines()) == 3


@pytest.mark.parametrize("url,link", [
    ("https://example.org/a?b=c&d=e#f", "https://example.org/a?b=c&d=e#f"),
    ("HTTPS://Example.ORG/A%20B", "https://example.org/A%20B"),
    ("https://example.org/straße?q=ü", "https://example.org/stra%C3%9Fe?q=%C3%BC"),
    ("https://exämple.org/x", "https://xn--exmple-cua.org/x"),
    ("https://example.org/100%", "https://example.org/100%25"),
    ("https://[::1]:8080/x", "https://[::1]:8080/x"),
    ('https://example.org/"><script>alert(1)</script>', None),
    ("https://example.org/it's", None),
    ("https://example.org/a b", None),
    ("https://example.org/a\tb", None),
    ("https://example.org/<b>", None),
    ("https://example.org\\@evil.org/", None),
    ("https://bank.example.org@evil.org/", None),
    ("javascript:alert(1)", None),
    ("ftp://example.org/x", None),
    ("http://example.org:99999/", None),
    ("https:///no-host", None),
    ("https://[not-an-address]/", None),
    ("https://exa_mple.org/", None),
], ids=["plain", "case", "non-ascii-path", "idn-host", "lone-percent", "ipv6", "quote-and-tag", "apostrophe", "space",
        "tab", "angle-brackets", "backslash", "user-before-host", "javascript", "ftp", "bad-port", "no-host",
        "bad-address", "bad-host"])
def test_only_plain_http_links_are_links_and_they_are_percent_encoded(url, link):
    assert safe_url(url) == link
