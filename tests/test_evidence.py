"""Quoting a report's own sentence for a parsed one: pure, in-process, table-driven."""
from __future__ import annotations

import pytest

from tracker.evidence import ReportText

REPORT = """Testland -- Regulatory Status Regulatory Overview
Testland regulates crypto. The **Digital Code** takes effect on 11 July 2026.[2]
## Key Legislation
- **Digital Code (DC)**: Signed into law. Takes effect on 11 July 2026; covers smart contracts.[2][3]
- Payments Act: In force since 2020.
| Securities Law | 2019 | Applies to tokens [4] |
Sources
1. https://example.org/one
2. https://example.org/two
3. javascript:alert(1)
4. https://example.org/four
"""
SOURCES = ("https://example.org/one", "https://example.org/two", "javascript:alert(1)", "https://example.org/four")


@pytest.mark.parametrize("said,cited,names,text,sources", [
    ("Takes effect on 11 July 2026; covers smart contracts.", (), ("Digital Code",),
     "Takes effect on 11 July 2026; covers smart contracts.[2][3]", ("https://example.org/two",)),
    ("Signed into law.", (2, 3), ("Digital Code",), "Digital Code (DC): Signed into law.", ("https://example.org/two",)),
    ("In force since 2020.", (), ("Payments Act",), "Payments Act: In force since 2020.", ()),
    ("Applies to tokens", (), ("Securities Law",), "Securities Law | 2019 | Applies to tokens [4]",
     ("https://example.org/four",)),
    ("words the parser made up", (), ("Payments Act",), "Payments Act: In force since 2020.", ()),
    ("words the parser made up", (1,), (), "words the parser made up", ("https://example.org/one",)),
], ids=["on-its-own-line-not-the-lead", "line-opening-with-the-name", "plain-bullet", "table-row",
        "unknown-words-quote-the-entity-line", "nothing-found-keeps-the-parsed-words"])
def test_a_parsed_sentence_is_quoted_as_the_report_words_it(said, cited, names, text, sources):
    q = ReportText(REPORT, SOURCES).quote(said, cited, names)
    assert (q.text, q.sources) == (text, sources)


def test_a_quote_carries_no_control_character_and_no_unsafe_link():
    q = ReportText("- Body: does \x1b[2J things.[3]\n", SOURCES).quote("does things.", (), ("Body",))
    assert q.text == "Body: does \ufffd[2J things.[3]" and q.sources == ()


def test_nothing_said_is_no_quote():
    assert ReportText(REPORT, SOURCES).quote(None) is None
