"""Shared test data and probes: a small timeline whose report text is hostile, the stored changelog."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports import report
from tracker.store import ChangeQuery, query_changes

HOSTILE = "<script>alert('x')</script> & <b>Board</b>"


def hostile_timeline(tracker, tmp_path):
    """Two Testland reports: a law added, a hostile regulator added, a capital change."""
    first = report(at="2026-01-01T00:00:00Z")
    second = report(at="2026-02-01T00:00:00Z", regulators=[
        "Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]",
        "Central Bank of Testland (CBT): Oversees payments and banks' dealings with crypto firms.[2]",
        f"{HOSTILE} (XSB): Supervises [nothing](javascript:alert(1)).[9]",
    ], laws=[
        "Virtual Assets Act 2021 (VAA): In force since 1 March 2022; the licensing framework.[1]",
        "AML Regulations 2023: Effective June 1, 2023; apply AML/CFT duties to service providers.[3]",
        "Stablecoin Act 2026: Effective 1 January 2027; licenses stablecoin issuers.[4]",
    ], licensing=["Minimum capital of USD 2 million.[1]", "AML/CFT compliance, including the Travel Rule.[3]"],
        extra="Sources\n1. https://example.org/vaa\n2. https://example.org/cbt\n3. https://example.org/aml\n"
              "4. https://example.org/stablecoins\n9. javascript:alert(1)\n")
    paths = []
    for name, body in (("t1.txt", first), ("t2.txt", second)):
        p = tmp_path / name
        p.write_text(body)
        paths.append(str(p))
    r = tracker("ingest", *paths)
    assert r.returncode == 0, r.stderr
    return paths


def changelog(engine) -> list[tuple]:
    """Every stored change, material or not, as comparable tuples free of database ids."""
    with Session(engine) as s:
        return sorted((c.jurisdiction, c.to_generated_at.isoformat(), at.isoformat(), c.category, c.kind,
                       c.entity_key, c.field, str(c.old), str(c.new), c.material, c.omission)
                      for c, at in query_changes(s, ChangeQuery(include_immaterial=True)))


def count(engine, model) -> int:
    """How many rows a table holds."""
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))
