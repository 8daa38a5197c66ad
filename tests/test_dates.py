"""Dates in prose: found, normalised with reduced precision, compared for precision only."""
from __future__ import annotations

import pytest

from tracker.dates import find_dates, refines


@pytest.mark.parametrize("text,iso", [
    ("April 1, 2023", "2023-04-01"), ("1 April 2023", "2023-04-01"), ("1st April 2023", "2023-04-01"),
    ("01.04.2023", "2023-04-01"), ("2023-04-01", "2023-04-01"), ("2023/04/01", "2023-04-01"),
    ("June 2023", "2023-06"), ("Sept. 2024", "2024-09"), ("2020", "2020"), ("early 2026", None),
    ("mid-2023", None), ("Q3 2026", None),
])
def test_date_forms(text, iso):
    found = find_dates(f"since {text};")
    assert found and found[0].iso == iso


@pytest.mark.parametrize("old,new,expected", [
    ("2026-07", "2026-07-11", True), ("2026-07-11", "2026-07", True), ("2026", "2026-03", True),
    ("2026-07-01", "2026-07-11", False), (None, "2026-07", False), ("2026-07", "2026-08", False),
])
def test_precision_refinement(old, new, expected):
    assert refines(old, new) is expected
