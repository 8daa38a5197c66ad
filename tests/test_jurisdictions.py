"""A country goes by one canonical name however a report spells it."""
from __future__ import annotations

import pytest

from tracker.jurisdictions import canonical_jurisdiction


@pytest.mark.parametrize("written,canonical", [
    ("Kazakhstan", "Kazakhstan"), ("Republic of Kazakhstan", "Kazakhstan"), ("Qazaqstan", "Kazakhstan"),
    ("United Arab Emirates", "United Arab Emirates"), ("UAE", "United Arab Emirates"),
    ("the UAE", "United Arab Emirates"), ("Türkiye", "Turkey"), ("Turkey", "Turkey"),
    ("Republic of Korea", "South Korea"), ("Korea, Republic of", "South Korea"), ("South Korea", "South Korea"),
    ("Russian Federation", "Russia"), ("Russia", "Russia"), ("Burma", "Myanmar"), ("Myanmar", "Myanmar"),
    ("Brasil", "Brazil"), ("Federative Republic of Brazil", "Brazil"), ("USA", "United States"),
    ("United States of America", "United States"), ("UK", "United Kingdom"), ("Great Britain", "United Kingdom"),
    ("Hong Kong", "Hong Kong"), ("Hong Kong SAR", "Hong Kong"), ("Czech Republic", "Czechia"),
    ("Ivory Coast", "Côte d'Ivoire"), ("Swaziland", "Eswatini"), ("NIGERIA", "Nigeria"), ("Deutschland", "Germany"),
    ("Taiwan", "Taiwan"), ("Iran", "Iran"), ("Vietnam", "Vietnam"), ("Viet Nam", "Vietnam"),
])
def test_country_names_people_write(written, canonical):
    assert canonical_jurisdiction(written) == canonical


@pytest.mark.parametrize("name", ["European Union", "Dubai International Financial Centre", "Testland"])
def test_a_jurisdiction_that_is_no_country_keeps_its_name(name):
    assert canonical_jurisdiction(f"  {name} ") == name
