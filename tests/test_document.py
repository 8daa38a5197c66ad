"""The document model: every heading style, inline labels, lists, tables, quotes and HTML become
one tree of sections and items."""
from __future__ import annotations

import pytest

from tracker.document import Item, Paragraph, Table, heading_of, inline_label, normalise, parse_body


@pytest.mark.parametrize("line,following,text,style", [
    ("## Key Legislation", None, "Key Legislation", "md2"),
    ("### Financial Conduct Authority (FCA)", None, "Financial Conduct Authority (FCA)", "md3"),
    ("Regulators", "----------", "Regulators", "setext2"),
    ("Statutory Basis", "===============", "Statutory Basis", "setext1"),
    ("**Licensing Regime**", None, "Licensing Regime", "bold"),
    ("KEY LEGISLATION", None, "Key Legislation", "caps"),
    ("1. Regulatory Bodies", None, "Regulatory Bodies", "num1"),
    ("2.1 In force", None, "In force", "num2"),
    ("Licensing Requirements:", None, "Licensing Requirements", "colon"),
    ("Is Crypto Trading Legal?", None, "Is Crypto Trading Legal?", "question"),
    ("**Q: Who regulates crypto in the EU?**", None, "Who regulates crypto in the EU?", "qa"),
    ("Primary Regulatory Bodies", None, "Primary Regulatory Bodies", "plain"),
    ("Securities and Exchange Board of India (SEBI)", None, "Securities and Exchange Board of India (SEBI)", "plain"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_every_heading_style_is_a_heading(line, following, text, style):
    h = heading_of(line, following)
    assert (h.text, h.style) == (text, style)


@pytest.mark.parametrize("line", [
    "- National Bank of Kazakhstan (NBK): Primary regulator.[1]",
    "Crypto trading is legal and regulated.[1][4]",
    "1. Joint-stock company structure.[3]",
    "Status: passed by the Senate, not yet law",
    "Trading is legal but not comprehensively regulated; crypto is not legal tender.",
    "| Law | Effective | Notes |",
], ids=["bullet", "sentence", "numbered-item", "field", "long-sentence", "table-row"])
def test_body_lines_are_not_headings(line):
    assert heading_of(line) is None


@pytest.mark.parametrize("line,label", [
    ("**Regulators:** The Australian Securities and Investments Commission (ASIC) licenses …",
     ("Regulators", "The Australian Securities and Investments Commission (ASIC) licenses …", True)),
    ("**SEC Thailand.** The Securities and Exchange Commission licenses exchanges.",
     ("SEC Thailand", "The Securities and Exchange Commission licenses exchanges.", True)),
    ("Trading: legal and regulated", ("Trading", "legal and regulated", False)),
], ids=["bold-colon", "bold-period", "plain"])
def test_a_label_and_its_body_on_one_line(line, label):
    assert inline_label(line) == label


def _tree(text: str):
    return parse_body(normalise(text).split("\n"))


def test_sub_headings_nest_under_their_section_and_markdown_outranks_other_styles():
    body = _tree("**Key takeaways**\n- The FCA regulates.\n## Regulators\n### Financial Conduct Authority (FCA)\n"
                 "Registers crypto firms.\n### Bank of England (BoE)\nSupervises stablecoins.\n## Key Legislation\n"
                 "- Act 2023: In force.")
    tops = [s.heading for s in body.sections]
    assert tops == ["Key takeaways", "Regulators", "Key Legislation"]
    regulators = body.sections[1]
    assert [c.heading for c in regulators.children] == ["Financial Conduct Authority (FCA)", "Bank of England (BoE)"]
    assert regulators.children[0].paragraphs == ["Registers crypto firms."]


def test_numbered_headings_over_numbered_items():
    body = _tree("1. Regulatory Bodies\n1. European Banking Authority (EBA): Supervises issuers.[3]\n"
                 "2. European Central Bank (ECB): Issues opinions.[5]\n2. Legal Framework\n2.1 In force\n"
                 "1. MiCA: Fully applicable since 30 December 2024.[1]")
    first, second = body.sections
    assert first.heading == "Regulatory Bodies" and len(first.items) == 2
    assert second.heading == "Legal Framework" and second.children[0].heading == "In force"
    assert second.children[0].items[0].text.startswith("MiCA:")


def test_a_list_of_short_numbered_entries_is_a_list():
    body = _tree("Licensing Requirements\n1. Minimum capital\n2. AML compliance\n3. Fit and proper management")
    (sec,) = body.sections
    assert [i.text for i in sec.items] == ["Minimum capital", "AML compliance", "Fit and proper management"]


def test_nested_bullets_are_the_details_of_their_parent():
    body = _tree("Laws\n- Digital Asset Business Decree B.E. 2561\n  - Status: in force\n  - Effective: 14 May 2018")
    (item,) = body.sections[0].items
    assert [c.text for c in item.children] == ["Status: in force", "Effective: 14 May 2018"]


def test_a_definition_list_is_one_entry_per_term():
    body = _tree("Legal Framework\nEmergency Decree on Digital Asset Businesses B.E. 2561\n: In force since 14 May 2018.\n"
                 "Anti-Money Laundering Act B.E. 2542\n: In force since 1999.")
    assert body.sections[0].paragraphs == ["Emergency Decree on Digital Asset Businesses B.E. 2561: In force since "
                                           "14 May 2018.", "Anti-Money Laundering Act B.E. 2542: In force since 1999."]


def test_a_table_keeps_its_header_and_rows():
    body = _tree("Key Legislation\n| Law | Effective | Notes |\n|---|---|---|\n| Act 2025 | 2025-03-01 | Core |")
    (table,) = body.sections[0].tables
    assert table == Table(("Law", "Effective", "Notes"), (("Act 2025", "2025-03-01", "Core"),))


def test_a_quoted_box_is_a_section_that_ends_with_the_quote():
    body = _tree("> **Key takeaways**\n> - The NBK licenses exchanges.\nLead paragraph after the box.\n"
                 "Primary Regulatory Bodies\n- NBK: Regulator.")
    assert body.sections[0].heading == "Key takeaways" and body.sections[0].quoted
    assert body.lead == [Paragraph("Lead paragraph after the box.")]


def test_hard_wrapped_lines_are_joined():
    body = _tree("Stance\nCrypto trading is legal and regulated in the country, although cryptoassets are not\n"
                 "legal tender.[1]")
    assert body.sections[0].paragraphs == ["Crypto trading is legal and regulated in the country, although "
                                           "cryptoassets are not legal tender.[1]"]


def test_html_is_read_as_the_markdown_it_means():
    body = _tree("<h2>Regulators</h2><ul><li><strong>CNBV</strong>: supervises exchanges.</li>"
                 "<li>Banxico: payments.</li></ul><h2>Laws</h2><p>The Fintech Law applies.</p><p>Second.</p>")
    assert [s.heading for s in body.sections] == ["Regulators", "Laws"]
    assert [i.text for i in body.sections[0].items] == ["**CNBV**: supervises exchanges.", "Banxico: payments."]


def test_source_urls_are_sources_not_entries():
    body = _tree("Sources\n1. https://example.org/a\n2. https://example.org/b\n[3]: https://example.org/c")
    assert body.urls == ["https://example.org/a", "https://example.org/b", "https://example.org/c"]
    assert body.sections[0].items == []


def test_entries_keep_their_order_and_kind():
    body = _tree("Licensing\nRegistration is mandatory.\n- Capital of USD 1 million.\n| Requirement | Detail |\n"
                 "|---|---|\n| Audit | Annual |")
    kinds = [type(b) for b in body.sections[0].blocks]
    assert kinds == [Paragraph, Item, Table]


@pytest.mark.parametrize("raw,markdown", [
    ("== The Watchdogs ==", "## The Watchdogs"),
    ("=== Key Legislation ===", "### Key Legislation"),
    ("[legislation]", "## Legislation"),
    ("§2 Who regulates", "## Who regulates"),
    ("🏛️ Regulatory Bodies", "## Regulatory Bodies"),
    ("├── Token Act (TVTG)", "- Token Act (TVTG)"),
    ("│   └── Ordinance on Tokens", "  - Ordinance on Tokens"),
    ("[x] Fit-and-proper directors", "- Fit-and-proper directors"),
    ("-> Law No. 4/2023 on the financial sector", "- Law No. 4/2023 on the financial sector"),
    ("Kenya Revenue Authority (KRA) .......... collects tax", "- Kenya Revenue Authority (KRA): collects tax"),
    ("CNV :: registers PSAVs (see [3])", "CNV: registers PSAVs[3]"),
    ("FMA · Financial Market Authority · authorises CASPs", "FMA: Financial Market Authority; authorises CASPs"),
    ("Taxes crypto gains as income.² ⁷", "Taxes crypto gains as income.[2][7]"),
    ("Supervises exchanges.^[4]", "Supervises exchanges.[4]"),
    ("Supervises exchanges [source 3].", "Supervises exchanges[3]."),
    ("Supervises exchanges (Source 2).", "Supervises exchanges[2]."),
    ("'''PVARA''' (Pakistan Virtual Assets Regulatory Authority): licenses VASPs",
     "**PVARA** (Pakistan Virtual Assets Regulatory Authority): licenses VASPs"),
    ("| Law | Effective |\n|---|---|", "| Law | Effective |\n|---|---|"),  # a markdown table stays one
], ids=lambda v: v[:24] if isinstance(v, str) else None)
def test_the_markup_of_other_writing_systems_reads_as_markdown(raw, markdown):
    assert normalise(raw) == markdown


def test_pictographs_shared_by_neighbouring_lines_are_bullets_and_a_lone_one_a_heading():
    text = "📜 Key Legislation\n🔸 Virtual Assets Ordinance, 2025: in force.\n🔸 AML Act, 2010: duties.\n⚖️ Stance"
    assert normalise(text).split("\n") == ["## Key Legislation", "- Virtual Assets Ordinance, 2025: in force.",
                                           "- AML Act, 2010: duties.", "## Stance"]


def test_tagged_lines_become_sections_of_their_tag():
    text = "[AUTHORITY] Capital Markets Authority (CMA): licenses VASPs.\n[AUTHORITY] Central Bank of Kenya (CBK): banks.\n" \
           "[LAW] VASP Act, 2025: in force since 4 November 2025."
    body = parse_body(normalise(text).split("\n"))
    assert [(s.heading, [i.text for i in s.items]) for s in body.sections] == [
        ("Authority", ["Capital Markets Authority (CMA): licenses VASPs.", "Central Bank of Kenya (CBK): banks."]),
        ("Law", ["VASP Act, 2025: in force since 4 November 2025."])]


def test_columns_aligned_with_spaces_are_a_table():
    text = ("AUTHORITY                         SHORT   CRYPTO ROLE\n"
            "Gibraltar Financial Services Commission   GFSC    licenses DLT providers\n"
            "HM Treasury                       HMT     policy and legislation")
    body = parse_body(normalise(text).split("\n"))
    table = body.lead[0] if body.lead else body.sections[0].tables[0]
    assert isinstance(table, Table)
    assert list(table.header) == ["AUTHORITY", "SHORT", "CRYPTO ROLE"]
    assert [list(r[:2]) for r in table.rows] == [["Gibraltar Financial Services Commission", "GFSC"], ["HM Treasury", "HMT"]]
