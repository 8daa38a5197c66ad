"""CSV for spreadsheets: the JSON documents the CLI prints, one row each, their keys as the header.
Pure: documents in, text out."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

# The CONTRACT's nested objects that become columns of their own (`from` -> from_id,
# from_generated_at); any other nested value (a law's facts as `old`, a list of citations) is one
# cell of JSON.
FLATTENED = ("from", "to", "review", "methodology")
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (and tab
# and carriage return start one in some of them): report text is untrusted, so such a cell is
# written with a leading apostrophe, which spreadsheets show as text and do not evaluate.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flatten(doc: dict) -> dict:
    """One document as one row: FLATTENED objects spread into `<key>_<field>` columns, in order."""
    row: dict = {}
    for key, value in doc.items():
        if key in FLATTENED and isinstance(value, dict):
            for sub, v in value.items():
                row[f"{key}_{sub}"] = v
        else:
            row[key] = value
    return row


def cell(value: object) -> str:
    """A value as a spreadsheet cell: empty for null, true/false, JSON for a nested value, and a
    text that would start a formula guarded by an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(docs: Iterable[dict], header: Sequence[str] = ()) -> str:
    """Documents as CSV: one header row (`header` first, then every other key in the order the
    documents hold it), one row per document. Lines end in LF (every spreadsheet reads it), so the
    text passes the terminal filter unchanged."""
    import csv
    import io

    rows = [flatten(d) for d in docs]
    columns = list(dict.fromkeys([*header, *(k for r in rows for k in r)]))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([cell(r.get(k)) for k in columns])
    return buf.getvalue()
