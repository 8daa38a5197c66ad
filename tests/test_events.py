"""A law's status and effective date from the events of its clauses: each mechanism a row."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.events import law_facts

DAY = dt.date(2026, 4, 11)


@pytest.mark.parametrize("name,text,effective,status", [
    # dates: a commencement wins over the making; the making stands in for an instrument in force
    ("Law on Digital Assets", "Effective April 1, 2023; establishes the legal framework.", "2023-04-01", "in_force"),
    ("Act", "Enacted December 21, 2022 and in force since June 20, 2023; sets guidelines.", "2023-06-20", "in_force"),
    ("Act", "Signed by the President on January 16, 2026 and in force since March 2026.", "2026-03", "in_force"),
    ("Resolutions", "Published November 10, 2025, effective February 2, 2026.", "2026-02-02", "in_force"),
    ("Act", "Signed into law and due to take effect on 11 July 2026.", "2026-07-11", "adopted"),
    ("Guidelines", "Issued in May 2022; set registration categories.", "2022-05", "in_force"),
    ("Act 2023", "Received Royal Assent on 29 June 2023; gives the Treasury powers.", "2023-06-29", "in_force"),
    ("Act 2025", "Royal Assent on 2 December 2025 and came into force the same day.", "2025-12-02", "in_force"),
    ("Ordinance", "In force since 2003 and applicable to security tokens.", "2003", "in_force"),
    ("Ordinance", "In place since 2003 and applicable to security tokens.", "2003", "in_force"),
    ("Geldwäschegesetz", "The Money Laundering Act, in force in its current version since 2017.", "2017", "in_force"),
    ("Act", "Commencement deferred from 1 January 2027 to 1 July 2027.", "2027-07-01", "adopted"),
    ("Act", "Passed by Parliament in May 2026, with commencement set from 1 January 2027.", "2027-01-01", "adopted"),
    ("Ley", "Passed by the Senate on 10 February 2026 and by the Chamber on 24 February 2026, which moved the start "
            "date back by three months; published on 3 March 2026 and in force from 1 October 2026.", "2026-10-01",
     "adopted"),
    ("Amendment Act", "A Cabinet Order has now set the effective date at June 1, 2026.", "2026-06-01", "adopted"),
    ("Regulations 2017", "Brought exchanges into scope from January 10, 2020; the Travel Rule has applied since "
                         "1 September 2023.", "2020-01-10", "in_force"),
    ("Act", "Defined virtual digital assets and introduced the tax regime with effect from April 1, 2022.",
     "2022-04-01", "in_force"),
    # a year in the title, or in another instrument's title, is no date
    ("Money Laundering Act 2022", "Applies AML/CFT duties to VASPs.", None, "in_force"),
    ("Income-tax Act, 2025", "Passed by Parliament in August 2025; will replace the Income-tax Act, 1961 from "
                             "April 1, 2027.", "2027-04-01", "adopted"),
    ("Investments and Securities Act 2025", "Signed into law in March 2025, replacing the ISA 2007.", "2025-03",
     "in_force"),
    ("CBN Circular of 5 February 2021", "Ordered banks to close accounts; no longer in force.", "2021-02-05",
     "repealed"),
    # what has not happened: negation, modality, a point of reference
    ("Bill", "Has not yet passed: it was referred to a Senate committee, and its obligations would start 12 "
             "months after Royal Assent.", None, "draft"),
    ("Stablecoin Act", "Tabled in November 2025 in Bill C-15; not yet passed. It would come into force on a date "
                       "set later by order in council.", None, "draft"),
    ("Stablecoin Act", "Received Royal Assent on 26 March 2026 and comes into force on a day to be fixed by "
                       "order.", None, "adopted"),
    ("Proposal amending MiCA", "The proposal must still be negotiated and adopted by the Parliament and the "
                               "Council.", None, "draft"),
    ("Bill", "Approved by parliament and expected signed early 2026.", None, "adopted"),
    ("Law on Banks", "Adopted by Parliament in December 2025 and awaiting the President's signature.", None,
     "adopted"),
    ("Amendment", "Enacted by the Diet in June 2025; the effective date has not yet been fixed.", None, "adopted"),
    ("Stablecoin Act", "It covers stablecoins issued by issuers other than banks.", None, "in_force"),
    # a passage through one chamber, a committee or a cabinet leaves a bill a bill
    ("Bill", "Passed by the Senate in March 2026; the House has still to vote.", None, "draft"),
    ("Royal Decree", "Approved by the cabinet on 17 June 2025 but not yet published in the Royal Gazette.", None,
     "draft"),
    ("Bill amending FinIA", "Dispatch adopted by the Federal Council in September 2026; the government targets "
                            "entry into force on 1 January 2028.", "2028-01-01", "draft"),
    ("Amendment Bill 2026", "Gazetted on 16 January 2026 and introduced into LegCo; proposed commencement 1 March "
                            "2027.", "2027-03-01", "draft"),
    ("Order 2025", "Draft statutory instrument published on 29 April 2025; no commencement date has been fixed.",
     None, "draft"),
    # repeal: of the instrument itself, not of one it repeals; a future repeal leaves it in force
    ("Decree-Law No. 10 of 2025", "In force since 14 October 2025; repealed and replaced Decree-Law No. 20 of "
                                  "2018.", "2025-10-14", "in_force"),
    ("Income-tax Act, 1961", "Repealed from 01.04.2026, when the new Act took over.", None, "repealed"),
    ("Bitcoin Law", "In force since 7 September 2021; it will be repealed in 2027.", "2021-09-07", "in_force"),
    ("Directive", "Anti-money laundering duties still rest on the Directive, which will be repealed in 2027.",
     None, "in_force"),
    ("Circular", "Superseded by the December 2023 guidelines.", None, "repealed"),
    ("Provisional Measure No. 1,303/2025", "Lapsed in October 2025.", None, "repealed"),
    # no evidence at all
    ("Banking Act", "", None, "unknown"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_status_and_date_from_the_events_of_the_clauses(name, text, effective, status):
    facts = law_facts(name, text, DAY)
    assert (facts.effective_date, facts.status) == (effective, status)


@pytest.mark.parametrize("fields,text,effective,status", [
    ({"effective_field": "2026-03-01"}, "Introduced as a Bill in 2025; received assent in January 2026.",
     "2026-03-01", "in_force"),
    ({"effective_field": "—"}, "Repealed from 1 April 2026.", None, "repealed"),
    ({"status_field": "passed by the Senate, not yet law"}, "Creates two new financial products.", None, "draft"),
    ({"status_field": "in force", "effective_field": "14 May 2018"}, "", "2018-05-14", "in_force"),
    ({"effective_field": "12 months after Royal Assent (no date set)"}, "Creates two products.", None, "in_force"),
], ids=["table-effective", "table-dash", "status-field", "both-fields", "field-without-date"])
def test_labelled_fields_are_read_before_the_prose(fields, text, effective, status):
    facts = law_facts("Act", text, DAY, **fields)
    assert (facts.effective_date, facts.status) == (effective, status)


def test_a_year_in_parentheses_after_the_name_is_its_date():
    assert law_facts("Digital Financial Assets Act", "Initial regulation of digital assets.", DAY,
                     parenthetical="2020").effective_date == "2020"


@pytest.mark.parametrize("paren, text, phrase", [
    ("PSA", "Crypto provisions effective April 1, 2017; created the registration regime.",
     "Crypto provisions effective April 1, 2017"),
    ("the former Bill No. 55", "inserted Article 56A into the Gaming Act; in force since July 2023.",
     "in force since July 2023"),
])
def test_the_date_phrase_is_quoted_whole_whatever_clause_it_stands_in(paren, text, phrase):
    facts = law_facts("Some Act", text, dt.date(2026, 1, 20), parenthetical=paren)
    assert facts.date_text == phrase and facts.status == "in_force"
