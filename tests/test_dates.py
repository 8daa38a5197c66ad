"""Effective dates: found in prose, normalised with reduced precision, told from other dates."""
from __future__ import annotations

import pytest

from tracker.dates import effective_date, find_dates, refines


@pytest.mark.parametrize("text,iso", [
    ("April 1, 2023", "2023-04-01"), ("1 April 2023", "2023-04-01"), ("1st April 2023", "2023-04-01"),
    ("01.04.2023", "2023-04-01"), ("2023-04-01", "2023-04-01"), ("2023/04/01", "2023-04-01"),
    ("June 2023", "2023-06"), ("Sept. 2024", "2024-09"), ("2020", "2020"), ("early 2026", None),
    ("mid-2023", None), ("Q3 2026", None),
])
def test_date_forms(text, iso):
    found = find_dates(f"since {text};")
    assert found and found[0].iso == iso


@pytest.mark.parametrize("description,parenthetical,iso", [
    ("Effective April 1, 2023; establishes the legal framework.", "", "2023-04-01"),
    ("Enacted December 21, 2022 and in force since June 20, 2023; sets guidelines.", "", "2023-06-20"),
    ("Signed by the President on January 16, 2026 and in force since March 2026.", "", "2026-03"),
    ("Published November 10, 2025, effective February 2, 2026.", "", "2026-02-02"),
    ("Signed into law and due to take effect on 11 July 2026.", "", "2026-07-11"),
    ("Approved by parliament and expected signed early 2026.", "", None),
    ("Adopted by Parliament in December 2025 and awaiting the President's signature.", "", None),
    ("Enacted by the Diet in June 2025; the effective date has not yet been fixed.", "", None),
    ("Issued in May 2022; set registration categories.", "", "2022-05"),
    ("June 2023 decree naming the BCB as the competent authority.", "", "2023-06"),
    ("Initial regulation of digital assets use.", "2020", "2020"),
    ("Passed in June 2025. No effective date has been set yet.", "2025", None),
    ("MAS has deferred commencement from 1 January 2027 to 1 July 2027.", "", "2027-07-01"),
    ("Only dirham-backed tokens may be used.", "CBUAE, in effect since June 2024", "2024-06"),
    ("Would apply a flat tax on crypto gains from January 1, 2026, but must be approved.", "", "2026-01-01"),
    ("The base statute, in force since mid-2023.", "", None),
], ids=["effective", "enacted-then-in-force", "signed-then-in-force", "published-then-effective",
        "due-to-take-effect", "expected-vague", "adopted-awaiting", "not-fixed", "issued-fallback",
        "bare-month", "parenthetical-year", "year-but-no-date-set", "deferred", "in-parentheses", "from",
        "vague-in-force"])
def test_effective_date_is_told_from_other_dates(description, parenthetical, iso):
    assert effective_date(description, parenthetical=parenthetical).iso == iso


def test_a_year_in_a_title_is_no_date():
    assert effective_date("Applies AML/CFT duties to VASPs.", name="Money Laundering Act 2022").iso is None


def test_a_full_date_in_a_title_is_the_date_when_nothing_else_is_given():
    assert effective_date("Ordered banks to close accounts.", name="CBN Circular of 5 February 2021").iso == \
        "2021-02-05"


@pytest.mark.parametrize("old,new,expected", [
    ("2026-07", "2026-07-11", True), ("2026-07-11", "2026-07", True), ("2026", "2026-03", True),
    ("2026-07-01", "2026-07-11", False), (None, "2026-07", False), ("2026-07", "2026-08", False),
])
def test_precision_refinement(old, new, expected):
    assert refines(old, new) is expected
