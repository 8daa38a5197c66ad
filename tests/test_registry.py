"""The timeline registry: one key per entity across every report, whatever it was called."""
from __future__ import annotations

import pytest

from reports import report
from tracker.parse import parse_report
from tracker.registry import Registry, assign, name_similarity, profile

DAYS = ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z",
        "2026-04-01T00:00:00.000Z"]


def _keys(*law_lists):
    reg = Registry()
    out = []
    for at, laws in zip(DAYS, law_lists):
        out.append(reg.resolve(parse_report(report(at=at, laws=laws))).laws)
    return out


@pytest.mark.parametrize("old,new", [
    ("Digital Asset Basic Bill 2025: Still a draft before the National Assembly.[1]",
     "Digital Asset Basic Act 2026: Passed in May 2026; in force from 1 October 2026.[1]"),
    ("Law No. 7518: In force since 2 July 2024.[1]",
     "Law No. 7518 amending the Capital Markets Law No. 6362: In force since 2 July 2024.[1]"),
    ("Anti-Money Laundering and Counter-Terrorism Financing Act 2006: In force since 2007.[1]",
     "AML/CTF Act 2006: In force since 2007.[1]"),
    ("CARF amendments to the AEOI Act: Will apply from 1 January 2027.[1]",
     "CARF amendments to the Automatic Exchange of Information Act: Will apply from 1 January 2027.[1]"),
    ("MiCA (Markets in Crypto-Assets Regulation): Applicable since 30 December 2024.[1]",
     "Markets in Crypto-Assets Regulation: Applicable since 30 December 2024.[1]"),
    ("Regulation on the Disuse of Crypto Assets in Payments: Effective April 30, 2021.[1]",
     "CBRT Regulation on the Non-Use of Crypto Assets in Payments: In force since 30 April 2021.[1]"),
], ids=["bill-becomes-act", "number-and-title", "slash-abbreviation", "acronym-of-a-title", "one-word-name",
        "paraphrased-title"])
def test_one_instrument_under_two_names_keeps_one_key(old, new):
    keep = "AML Regulations 2023: Effective June 1, 2023.[2]"
    first, second = _keys([old, keep], [new, keep])
    assert first[0] == second[0]


@pytest.mark.parametrize("a,b", [
    ("Income-tax Act, 1961: Currently houses the VDA provisions.[1]",
     "Income-tax Act, 2025: Takes effect on 1 April 2026.[1]"),
    ("Federal Decree-Law No. 20 of 2018: The former AML law.[1]",
     "Federal Decree-Law No. 10 of 2025: The new AML law.[1]"),
    ("Payment Services Act 2019: The core statute.[1]",
     "Payment Services (Amendment) Act 2026: Passed in May 2026.[1]"),
], ids=["another-year", "another-number", "the-act-it-amends"])
def test_siblings_are_kept_apart(a, b):
    ((ka, kb),) = _keys([a, b])
    assert ka != kb


def test_an_entity_left_out_of_one_report_keeps_its_key_when_it_comes_back():
    a = "Virtual Assets Act 2021 (VAA): In force since 1 March 2022.[1]"
    b = "AML Regulations 2023: Effective June 1, 2023.[3]"
    first, second, third = _keys([a, b], [a], [a, b])
    assert first[1] == third[1]


def test_an_acronym_learned_once_is_known_later():
    first, second, third = _keys(["Financial Services Act (FinSA): In force since 2020.[1]"],
                                 ["Financial Services Act: In force since 2020.[1]"],
                                 ["FinSA: In force since 2020.[1]"])
    assert first[0] == second[0] == third[0]


def test_a_law_cited_by_number_and_by_title_in_the_next_report_is_one_law_by_what_it_says():
    a = ("Bitcoin Law: Approved on 8 June 2021 and in force since 7 September 2021; made bitcoin legal tender "
         "alongside the dollar and set up the registry of bitcoin service providers.[1]")
    b = ("Legislative Decree No. 57: Approved on 8 June 2021 and in force since 7 September 2021, the decree made "
         "bitcoin legal tender alongside the dollar and set up the registry of service providers.[1]")
    first, second = _keys([a], [b])
    assert first == second


def test_an_acronym_fits_its_name_by_initials_or_word_prefixes():
    fin = profile("law", "FinSA", "FinSA", (), "", frozenset())
    full = profile("law", "Financial Services Act", None, (), "", frozenset())
    assert name_similarity(fin, full) >= 0.9


def test_assignment_is_one_to_one_and_maximises_the_total():
    # the greedy first choice (row 0 -> col 0) would leave row 1 without a match
    pairs = assign([[0.9, 0.85], [0.88, 0.2]], 0.8)
    assert pairs == [(0, 1), (1, 0)]
