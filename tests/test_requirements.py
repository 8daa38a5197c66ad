"""Licensing requirements as obligations: kind, subject, bodies, values, polarity."""
from __future__ import annotations

import pytest

from tracker.requirements import amount_of, licensers, read_line


def _one(line: str):
    (o,) = read_line(line)
    return o


@pytest.mark.parametrize("line,concept", [
    ("Compulsory membership of the TSPKVB.", "membership"),
    ("Mandatory TSPKVB membership.", "membership"),
    ("Joint-stock company structure.", "local incorporation"),
    ("Client crypto-assets must be segregated from the firm's own assets.", "segregation of client assets"),
    ("At least 95% of client digital assets in cold wallets.", "cold storage"),
    ("Certification of information systems by BTK.", "certification"),
    ("the FCA's prudential proposals include a permanent minimum capital requirement of £150,000", "minimum capital"),
    ("ARIP: existing operators must enter the incubation programme first.", "onboarding programme"),
], ids=lambda v: v[:30] if isinstance(v, str) else None)
def test_a_requirement_is_read_as_its_kind_of_obligation(line, concept):
    assert _one(line).concept == concept


def test_a_list_in_one_line_is_one_obligation_per_member():
    obs = read_line("Requires sufficient capital, AML/CFT compliance, secure storage, risk management, and investor "
                    "protections.")
    assert [o.concept for o in obs] == ["minimum capital", "AML/CFT compliance", "custody", "risk management",
                                        "investor protection"]


def test_details_after_including_belong_to_the_duty_before_them():
    obs = read_line("AML/CFT compliance, including customer identification, Travel Rule data and suspicious "
                    "operation reports.")
    assert [o.concept for o in obs] == ["AML/CFT compliance"]


def test_a_duty_of_no_known_kind_is_kept_by_its_words():
    obs = read_line("Stablecoins: issuers need a banking licence unless a bank guarantees them, and must identify all "
                    "holders of their tokens.")
    assert {o.concept for o in obs} == {"licence", None}
    (loose,) = [o for o in obs if o.concept is None]
    assert {"identify", "holder"} <= loose.words


@pytest.mark.parametrize("line,values", [
    ("Minimum paid-in capital: TRY 250 million (trading platforms) and TRY 500 million (custodians).",
     {("trading platforms", "TRY", 250e6), ("custodians", "TRY", 500e6)}),
    ("Capital: at least EUR 125,000 for custody and exchange services and at least EUR 150,000 for trading platforms.",
     {(None, "EUR", 125000.0), ("trading platforms", "EUR", 150000.0)}),
    ("Minimum capital from R$10.8 million up to R$37.2 million, depending on the activity.",
     {(None, "BRL", 10.8e6), (None, "BRL", 37.2e6)}),
    ("The FCA set a permanent minimum capital of £250,000, up from the £150,000 it had proposed.",
     {(None, "GBP", 250000.0)}),
    ("Fintech licence: deposits up to CHF 100 million; minimum capital of CHF 300,000.",
     {(None, "CHF", 300000.0)}),
], ids=["per-subject-in-parentheses", "per-subject-after-for", "range", "superseded-value", "threshold"])
def test_figures_belong_to_whom_they_bind_and_old_figures_are_left_out(line, values):
    got = {(o.subject, a.currency, a.value) for o in read_line(line) if o.concept == "minimum capital"
           for a in o.amounts}
    assert got == values


def test_a_lifted_duty_is_read_as_lifted():
    (o,) = [x for x in read_line("Security deposit: no longer required; MAS dropped it.") if x.concept]
    assert o.lifted


@pytest.mark.parametrize("text,currency,value,display", [
    ("S$250,000", "SGD", 250000.0, "S$250,000 (SGD 250,000)"),
    ("₦2 billion", "NGN", 2e9, "₦2 billion (NGN 2 billion)"),
    ("AED 2.5 million", "AED", 2.5e6, "AED 2.5 million"),
])
def test_amounts_are_normalised_and_shown_with_their_code(text, currency, value, display):
    a = amount_of(text)
    assert (a.currency, a.value, a.display()) == (currency, value, display)


@pytest.mark.parametrize("text,bodies", [
    ("Registration with SEBI as a VDA service provider.", ["SEBI"]),
    ("SEC-registered platforms may serve residents.", ["SEC"]),
    ("KRW stablecoin issuers: authorisation with BOK consent.", []),
    ("A licence from MAS is required.", ["MAS"]),
], ids=["with", "hyphenated", "consent-is-not-licence", "from"])
def test_the_bodies_that_grant_a_licence(text, bodies):
    assert licensers(text) == bodies
