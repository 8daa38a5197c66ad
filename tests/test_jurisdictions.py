"""A country goes by one canonical name however a report spells it."""
from __future__ import annotations

import pytest

from tracker.jurisdictions import canonical_jurisdiction, closest


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


@pytest.mark.parametrize("written,canonical", [
    ("AE", "United Arab Emirates"), ("ae", "United Arab Emirates"), ("ARE", "United Arab Emirates"),
    ("JP", "Japan"), ("jpn", "Japan"), ("KZ", "Kazakhstan"), ("GB", "United Kingdom"), ("KY", "Cayman Islands"),
    ("U.A.E.", "United Arab Emirates"), ("U.A.E", "United Arab Emirates"), ("the U.A.E.", "United Arab Emirates"),
    ("U.S.", "United States"), ("U.S.A.", "United States"), ("U.K.", "United Kingdom"),
    ("BVI", "Virgin Islands, British"),
], ids=lambda v: v)
def test_iso_codes_and_dotted_forms_name_their_country(written, canonical):
    assert canonical_jurisdiction(written) == canonical


@pytest.mark.parametrize("written,canonical", [
    ("EU", "European Union"), ("E.U.", "European Union"), ("the EU", "European Union"),
    ("the European Union", "European Union"), ("DIFC", "Dubai International Financial Centre"),
    ("ADGM", "Abu Dhabi Global Market"), ("AIFC", "Astana International Financial Centre"), ("XK", "Kosovo"),
], ids=lambda v: v)
def test_jurisdictions_that_are_no_country_have_their_short_names(written, canonical):
    assert canonical_jurisdiction(written) == canonical


@pytest.mark.parametrize("name", ["St. Lucia", "Inc.", "Mr. Smith's Island"])
def test_a_dotted_word_that_is_no_abbreviation_is_left_alone(name):
    assert canonical_jurisdiction(name) == name.rstrip(".")


def test_the_nearest_name_is_offered_only_when_it_is_near():
    assert closest("Kazahkstan", ["Japan", "Kazakhstan", "Testland"]) == "Kazakhstan"
    assert closest("Atlantis", ["Japan", "Kazakhstan", "Testland"]) is None


@pytest.mark.parametrize("written,canonical", [
    ("K\u0430z\u0430khst\u0430n", "Kazakhstan"),  # Cyrillic а
    ("\u039aazakhstan", "Kazakhstan"),  # Greek capital kappa
    ("Ｋａｚａｋｈｓｔａｎ", "Kazakhstan"),  # fullwidth
    ("Kazakh\u200bstan", "Kazakhstan"),  # a zero-width space
    ("\u202eKazakhstan", "Kazakhstan"),  # a right-to-left override
    ("Kazakhstan\x1b]0;PWNED\x07\x1b[2J", "Kazakhstan"),  # terminal escapes
    ("Testl\u0430nd", "Testland"),  # no country, the same look-alike
    ("Россия", "Russia"), ("Беларусь", "Belarus"), ("Côte d’Ivoire", "Côte d'Ivoire"),
    ("Kosovo (Косово)", "Kosovo (Косово)"),  # each word in one script: as written
], ids=["cyrillic-a", "greek-kappa", "fullwidth", "zero-width", "bidi", "escapes", "no-country", "russia-local",
        "belarus-local", "curly-apostrophe", "two-scripts-two-words"])
def test_look_alike_and_local_spellings_are_the_one_jurisdiction_they_look_like(written, canonical):
    assert canonical_jurisdiction(written) == canonical


def test_a_word_mixing_latin_with_letters_that_imitate_none_is_refused():
    from tracker.errors import BadValue

    with pytest.raises(BadValue) as info:
        canonical_jurisdiction("Test\u043band")
    assert str(info.value) == ("the name 'Testлand' mixes Latin and Cyrillic letters, and its 'л' looks like no Latin "
                               "letter")
