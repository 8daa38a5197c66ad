"""Names as reports write them: split from descriptions, acronyms and aliases, compounds cut in
two, and names found in running prose."""
from __future__ import annotations

import pytest

from tracker.names import find_mentions, is_acronym, name_and_rest, paragraph_entry, split_compound, split_name


@pytest.mark.parametrize("raw,expected", [
    ("Financial Intelligence Unit - India (FIU-IND)", ("Financial Intelligence Unit - India", "FIU-IND", ())),
    ("SPK / Capital Markets Board (CMB)", ("Capital Markets Board", "CMB", ("SPK",))),
    ("Digital Operational Resilience Act (DORA), Regulation (EU) 2022/2554",
     ("Digital Operational Resilience Act", "DORA", ("Regulation (EU) 2022/2554",))),
    ("Securities and Futures Ordinance (Cap. 571)", ("Securities and Futures Ordinance (Cap. 571)", None, ())),
    ("Nigeria Revenue Service (NRS, formerly the Federal Inland Revenue Service)",
     ("Nigeria Revenue Service", "NRS", ("Federal Inland Revenue Service",))),
    ("TÜBİTAK (Scientific and Technological Research Council of Türkiye)",
     ("Scientific and Technological Research Council of Türkiye", "TÜBİTAK", ())),
    ("CARF implementation (amended Automatic Exchange of Information Act)",
     ("CARF implementation (amended Automatic Exchange of Information Act)", None,
      ("amended Automatic Exchange of Information Act",))),
], ids=["dash-in-name", "slash-acronym", "acronym-then-alias", "cap-number", "formerly", "unicode-acronym",
        "nickname-with-title"])
def test_names_acronyms_and_aliases(raw, expected):
    assert split_name(raw)[:3] == expected


@pytest.mark.parametrize("word,expected", [
    ("FinSA", True), ("TÜBİTAK", True), ("AML/CFT", True), ("BaFin", True), ("FSMA 2023", True), ("Kenya", False),
    ("Bitcoin", False), ("A", False),
])
def test_acronyms(word, expected):
    assert is_acronym(word) is expected


@pytest.mark.parametrize("name,kind,parts", [
    ("Financial Services Act (FinSA) and Financial Institutions Act (FinIA)", "law",
     ["Financial Services Act (FinSA)", "Financial Institutions Act (FinIA)"]),
    ("CMB Communiqués III-35/B.1 and III-35/B.2", "law", ["CMB Communiqué III-35/B.1", "CMB Communiqué III-35/B.2"]),
    ("BCB Resolutions No. 519, 520 and 521/2025", "law", ["BCB Resolutions No. 519, 520 and 521/2025"]),
    ("Law on Banks and Banking Activities", "law", ["Law on Banks and Banking Activities"]),
    ("Law No. 7581 Amending the Capital Markets Law and Certain Laws", "law",
     ["Law No. 7581 Amending the Capital Markets Law and Certain Laws"]),
    ("Securities and Exchange Commission", "regulator", ["Securities and Exchange Commission"]),
    ("Financial Services and the Treasury Bureau (FSTB)", "regulator",
     ["Financial Services and the Treasury Bureau (FSTB)"]),
    ("Ministry of Finance and the Central Bank", "regulator", ["Ministry of Finance", "Central Bank"]),
], ids=["two-acts", "shared-head", "number-list", "and-in-title", "amending-title", "and-in-body", "initials",
        "two-bodies"])
def test_a_compound_is_cut_only_between_whole_names(name, kind, parts):
    assert split_compound(name, kind) == parts


@pytest.mark.parametrize("item,name,rest", [
    ("Ministry of Finance – Sets tax policy: gains are taxed at 10%.", "Ministry of Finance",
     "Sets tax policy: gains are taxed at 10%."),
    ("Financial Intelligence Unit - India (FIU-IND): AML/CFT supervisor.", "Financial Intelligence Unit - India (FIU-IND)",
     "AML/CFT supervisor."),
    ("Bank of Canada (BoC; Banque du Canada). The designated supervisor.", "Bank of Canada (BoC; Banque du Canada)",
     "The designated supervisor."),
], ids=["dash", "dash-inside-name", "period"])
def test_an_entry_splits_into_name_and_description(item, name, rest):
    assert name_and_rest(item) == (name, rest)


@pytest.mark.parametrize("para,entry", [
    ("KMAG: The Kryptomärkteaufsichtsgesetz, in force since 30 December 2024.",
     ("KMAG", "The Kryptomärkteaufsichtsgesetz, in force since 30 December 2024.")),
    ("Superintendencia del Sistema Financiero (SSF) – ongoing supervision of providers.",
     ("Superintendencia del Sistema Financiero (SSF)", "ongoing supervision of providers.")),
    ("The framework rests on two pillars. Bitcoin itself falls under the Bitcoin Law.", None),
    ("TÜBİTAK (the research council), which previously set these criteria, no longer has a role.", None),
], ids=["acronym-colon", "dash-lowercase", "prose", "comma-clause"])
def test_a_paragraph_that_opens_with_a_bare_name_is_an_entry(para, entry):
    assert paragraph_entry(para) == entry


@pytest.mark.parametrize("text,kind,names", [
    ("Operational resilience is governed by Regulation (EU) 2022/2554, the Digital Operational Resilience Act "
     "(DORA), since 2025.", "law", ["Regulation (EU) 2022/2554", "Digital Operational Resilience Act"]),
    ("The Law Against Money and Asset Laundering, in force since 1999, treats providers as obliged entities.",
     "law", ["Law Against Money and Asset Laundering"]),
    ("Thailand's regime rests on the Emergency Decree on Digital Asset Businesses B.E. 2561 and rules.", "law",
     ["Emergency Decree on Digital Asset Businesses B.E. 2561"]),
    ("The government has prepared a bill reforming the Bitcoin Law that would make acceptance voluntary.", "law",
     ["Bill reforming the Bitcoin Law"]),
    ("The Kryptomärkteaufsichtsgesetz fills in procedure.", "law", ["Kryptomärkteaufsichtsgesetz"]),
], ids=["eu-number-and-title", "title-after-head", "title-with-era-year", "described-bill", "one-word-compound"])
def test_names_are_found_in_running_prose(text, kind, names):
    assert [m.name for m in find_mentions(text, kind)] == names
