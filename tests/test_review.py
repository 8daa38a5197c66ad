"""Evidence on every change, the review loop (confirm, dismiss, supersede), suppression rules that
outlive recomputation, and provenance: through the real CLI on a real, migrated database."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from reports import report
from tracker.db import make_engine

SOURCES = ("Sources\n1. https://example.org/vaa\n2. https://example.org/cbt\n3. https://example.org/aml\n"
           "4. https://example.org/stablecoins\n")
VAA = "Virtual Assets Act 2021 (VAA): In force since 1 March 2022; the licensing framework.[1]"
STABLECOIN = "Stablecoin Act 2026: Effective 1 January 2027; licenses stablecoin issuers.[4]"


def aml(day: str) -> str:
    return f"AML Regulations 2023: Effective {day}; apply AML/CFT duties to service providers.[3]"


def write(tmp_path, name: str, body: str) -> str:
    p = tmp_path / name
    p.write_text(body)
    return str(p)


def ingest(cli, *paths: str) -> None:
    r = cli("ingest", *paths)
    assert r.exit_code == 0, r.stderr


def changes(cli, *args: str) -> list[dict]:
    r = cli("diff", "--since", "1900-01-01", "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["changes"]


def one(found: list[dict], **facts) -> dict:
    hits = [c for c in found if all(c.get(k) == v for k, v in facts.items())]
    assert len(hits) == 1, (facts, [(c["kind"], c["entity"], c["field"]) for c in found])
    return hits[0]


@pytest.fixture
def timeline(cli, tmp_path):
    """Two Testland reports: a law added, a regulator removed with its reason, a date changed."""
    first = report(at="2026-01-01T00:00:00Z", extra=SOURCES)
    second = report(at="2026-02-01T00:00:00Z",
                    summary="Testland regulates crypto assets through a licensing regime.[1] The Central Bank of "
                            "Testland (CBT) was abolished in January 2026 and its duties passed to the TFA.[2]",
                    regulators=["Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]"],
                    laws=[VAA, aml("July 1, 2023"), STABLECOIN], extra=SOURCES)
    paths = [write(tmp_path, "t1.txt", first), write(tmp_path, "t2.txt", second)]
    ingest(cli, *paths)
    return paths


# --- evidence --------------------------------------------------------------------------------

def test_every_kind_of_change_quotes_both_reports_verbatim_with_their_sources(cli, timeline):
    raw_old, raw_new = (open(p).read() for p in timeline)
    found = changes(cli)
    added = one(found, kind="added", entity="Stablecoin Act 2026")["evidence"]
    assert added == {"old": None, "new": {"text": "Stablecoin Act 2026: Effective 1 January 2027; licenses "
                                                  "stablecoin issuers.[4]",
                                          "sources": ["https://example.org/stablecoins"]}}
    removed = one(found, kind="removed", category="regulator")
    assert removed["evidence"]["new"] is None
    assert removed["evidence"]["old"]["text"] == ("Central Bank of Testland (CBT): Oversees payments and banks' "
                                                  "dealings with crypto firms.[2]")
    assert removed["evidence"]["old"]["sources"] == ["https://example.org/cbt"]
    assert "abolished" in removed["explanation"]
    dated = one(found, kind="changed", field="effective_date")["evidence"]
    assert dated["old"]["text"] == aml("June 1, 2023") and dated["new"]["text"] == aml("July 1, 2023")
    assert dated["old"]["sources"] == dated["new"]["sources"] == ["https://example.org/aml"]
    for c in found:
        for side, raw in (("old", raw_old), ("new", raw_new)):
            if c["evidence"][side] is not None:
                assert c["evidence"][side]["text"] in raw, (c["entity"], side)


def test_text_shows_the_evidence_under_each_change_and_no_evidence_hides_it(cli, timeline):
    shown = cli("diff", "--since", "2026-01-01")
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    at = lines.index("    ~ law AML Regulations 2023 effective date: 2023-06-01 → 2023-07-01")
    assert lines[at + 1] == f"      before: “{aml('June 1, 2023')}” (https://example.org/aml)"
    assert lines[at + 2] == f"      now: “{aml('July 1, 2023')}” (https://example.org/aml)"
    hidden = cli("diff", "--since", "2026-01-01", "--no-evidence")
    assert "before:" not in hidden.stdout and "now:" not in hidden.stdout
    assert "effective date: 2023-06-01 → 2023-07-01" in hidden.stdout


def test_markdown_and_html_quote_the_evidence_escaped(cli, tmp_path):
    hostile = "Testland Financial Authority (TFA): <script>alert(1)</script> **bold** \x1b[31m licenses exchanges.[1]"
    ingest(cli, write(tmp_path, "a.txt", report(at="2026-01-01T00:00:00Z", extra=SOURCES)),
           write(tmp_path, "b.txt", report(at="2026-02-01T00:00:00Z", extra=SOURCES, regulators=[
               hostile, "Central Bank of Testland (CBT): Oversees payments and banks' dealings with crypto firms.[2]"])))
    md = cli("diff", "--since", "2026-01-01", "--all", "--format", "markdown")
    assert md.exit_code == 0, md.stderr
    quoted = [ln for ln in md.stdout.splitlines() if ln.startswith("  > now:")]
    assert quoted and "<script>" not in md.stdout and "&lt;script&gt;" in quoted[0]
    assert "\x1b" not in md.stdout
    html = cli("diff", "--since", "2026-01-01", "--all", "--format", "html")
    assert '<blockquote class="evidence">' in html.stdout
    assert "<script>" not in html.stdout and "&lt;script&gt;alert(1)&lt;/script&gt;" in html.stdout
    assert "\x1b" not in html.stdout and "\x1b" not in cli("diff", "--since", "2026-01-01", "--all").stdout
    role = one(changes(cli, "--all"), field="role")["evidence"]["new"]["text"]
    assert role.startswith("Testland Financial Authority (TFA): <script>alert(1)</script> bold \ufffd[31m")


# --- review ----------------------------------------------------------------------------------

def test_review_lists_what_is_pending_oldest_first_with_evidence(cli, timeline, tmp_path):
    ingest(cli, write(tmp_path, "t3.txt", report(at="2026-03-01T00:00:00Z", laws=[VAA, aml("August 1, 2023"),
                                                                                   STABLECOIN], extra=SOURCES)))
    r = cli("review")
    assert r.exit_code == 0, r.stderr
    heads = [ln for ln in r.stdout.splitlines() if ln.startswith("#")]
    dates = [h.split("report of ")[1][:10] for h in heads]
    assert dates == sorted(dates) and dates[0] == "2026-02-01" and dates[-1] == "2026-03-01"
    assert f"    now: “{STABLECOIN}” (https://example.org/stablecoins)" in r.stdout
    pending = json.loads(cli("review", "--format", "json").stdout)["pending"]
    assert {c["id"] for c in pending} == {c["id"] for c in changes(cli)}
    assert all(c["review"] == {"state": "pending", "by": None, "at": None, "reason": None} for c in pending)


def test_confirm_then_dismiss_supersedes_and_both_decisions_are_kept(cli, timeline, db_url):
    law = one(changes(cli), kind="added")["id"]
    r = cli("review", "confirm", str(law), "--by", "alice")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip() == f"change {law}: confirmed by alice"
    got = one(changes(cli, "--review", "confirmed"), id=law)["review"]
    assert got["state"] == "confirmed" and got["by"] == "alice" and got["at"].endswith("Z")
    assert law not in {c["id"] for c in changes(cli, "--review", "pending")}
    r = cli("review", "dismiss", str(law), "--reason", "the act was not passed", "--by", "bob")
    assert r.exit_code == 0, r.stderr
    assert changes(cli, "--review", "confirmed") == []
    got = one(changes(cli, "--review", "dismissed"), id=law)["review"]
    assert (got["state"], got["by"], got["reason"]) == ("dismissed", "bob", "the act was not passed")
    assert one(changes(cli), id=law)["material"] is True  # a dismissal alone hides nothing from diff
    engine = make_engine(db_url)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT state, \"by\" FROM reviews ORDER BY id")).all()
    engine.dispose()
    assert [tuple(k) for k in kept] == [("confirmed", "alice"), ("dismissed", "bob")]
    shown = cli("diff", "--since", "2026-01-01")
    assert "      dismissed by bob on " in shown.stdout and ": the act was not passed" in shown.stdout


def test_the_login_name_decides_when_by_is_not_given(cli, timeline):
    import getpass

    law = one(changes(cli), kind="added")["id"]
    assert cli("review", "confirm", str(law)).exit_code == 0
    assert one(changes(cli), id=law)["review"]["by"] == getpass.getuser()


@pytest.mark.parametrize("args,first_line", [
    (("review", "confirm", "999"), "Error: no change 999: `tracker review` lists the changes awaiting review, "
                                   "`tracker diff --all --format json` every change with its id"),
    (("review", "dismiss", "{id}"), "Error: dismiss needs --reason TEXT: say why the change is wrong"),
    (("review", "dismiss", "{id}", "--reason", "  "), "Error: dismiss needs --reason TEXT: say why the change is wrong"),
    (("review", "dismiss", "{id}", "--reason", "x", "--values"), "Error: --values goes with --rule"),
    (("review", "confirm", "{id}", "--by", " "), "Error: --by is empty: say who decides"),
    (("rules", "remove", "42"), "Error: no rule 42: `tracker rules` lists them"),
    (("diff", "--since", "2026-01-01", "--review", "maybe"),
     "Error: unknown review state 'maybe': use one of pending, confirmed, dismissed"),
], ids=["unknown-change", "no-reason", "blank-reason", "values-without-rule", "blank-by", "unknown-rule",
        "unknown-state"])
def test_bad_review_input_is_one_line_naming_the_value(cli, timeline, args, first_line):
    law = one(changes(cli), kind="added")["id"]
    r = cli(*(a.replace("{id}", str(law)) for a in args))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == first_line
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_a_decision_naming_an_unknown_change_records_nothing(cli, timeline):
    law = one(changes(cli), kind="added")["id"]
    r = cli("review", "confirm", str(law), "999")
    assert r.exit_code == 1
    assert one(changes(cli), id=law)["review"]["state"] == "pending"


# --- rules -----------------------------------------------------------------------------------

def _later(tmp_path, at: str, aml_day: str, vaa: str = VAA) -> str:
    return write(tmp_path, f"r-{at[:10]}.txt", report(at=at, laws=[vaa, aml(aml_day), STABLECOIN], extra=SOURCES))


def test_a_rule_suppresses_the_same_change_in_a_later_report_but_no_other_entity_or_field(cli, timeline, tmp_path):
    dated = one(changes(cli), field="effective_date")
    r = cli("review", "dismiss", str(dated["id"]), "--reason", "the generator misreads this date", "--rule",
            "--by", "alice")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip() == f"change {dated['id']}: dismissed by alice; rule 1 now suppresses it and every change like it"
    now = one(changes(cli, "--all"), id=dated["id"])
    assert (now["material"], now["suppressed_by"], now["review"]["state"]) == (False, 1, "dismissed")
    assert now["id"] not in {c["id"] for c in changes(cli)}
    # a later report: the same law's date moves again, and another law's date moves too
    ingest(cli, _later(tmp_path, "2026-03-01T00:00:00Z", "August 1, 2023",
                       vaa="Virtual Assets Act 2021 (VAA): In force since 1 April 2022; the licensing framework.[1]"))
    later = [c for c in changes(cli, "--all") if c["to"]["generated_at"].startswith("2026-03-01")]
    same = one(later, entity="AML Regulations 2023", field="effective_date")
    assert (same["material"], same["suppressed_by"], same["review"]["state"]) == (False, 1, "pending")
    other = one(later, entity="Virtual Assets Act 2021", field="effective_date")
    assert (other["material"], other["suppressed_by"]) == (True, None)
    rules = json.loads(cli("rules", "--format", "json").stdout)["rules"]
    assert [(x["id"], x["entity"], x["field"], x["suppresses"]) for x in rules] == [
        (1, "AML Regulations 2023", "effective_date", 2)]


def test_a_rule_with_values_suppresses_only_those_values(cli, timeline, tmp_path):
    dated = one(changes(cli), field="effective_date")
    assert cli("review", "dismiss", str(dated["id"]), "--reason", "misread", "--rule", "--values").exit_code == 0
    ingest(cli, _later(tmp_path, "2026-03-01T00:00:00Z", "June 1, 2023"),
           _later(tmp_path, "2026-04-01T00:00:00Z", "July 1, 2023"))
    dates = {c["to"]["generated_at"][:10]: c for c in changes(cli, "--all", "-c", "law")
             if c["field"] == "effective_date"}
    assert dates["2026-03-01"]["suppressed_by"] is None and dates["2026-03-01"]["material"] is True
    assert dates["2026-04-01"]["suppressed_by"] == 1 and dates["2026-04-01"]["material"] is False


def test_rules_and_decisions_outlive_a_reparse_and_a_report_slotted_in_before(cli, timeline, tmp_path, db_url):
    found = changes(cli)
    dated, added = one(found, field="effective_date"), one(found, kind="added")
    assert cli("review", "dismiss", str(dated["id"]), "--reason", "misread", "--rule").exit_code == 0
    assert cli("review", "confirm", str(added["id"]), "--by", "carol").exit_code == 0
    engine = make_engine(db_url)
    with engine.begin() as conn:  # as history stored before evidence was kept: a reparse recomputes it
        conn.execute(text("UPDATE changes SET quotes = NULL"))
    engine.dispose()
    r = cli("reparse")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.strip().endswith("1 timelines recomputed")
    ingest(cli, write(tmp_path, "t0.txt", report(at="2025-12-01T00:00:00Z", extra=SOURCES)))
    after = changes(cli, "--all")
    kept = one(after, id=dated["id"])
    assert (kept["suppressed_by"], kept["material"], kept["review"]["state"]) == (1, False, "dismissed")
    assert kept["evidence"] == dated["evidence"]
    assert one(after, id=added["id"])["review"]["by"] == "carol"


def test_removing_a_rule_makes_its_changes_material_again(cli, timeline):
    dated = one(changes(cli), field="effective_date")
    assert cli("review", "dismiss", str(dated["id"]), "--reason", "misread", "--rule").exit_code == 0
    r = cli("rules", "remove", "1", "--by", "dave")
    assert r.exit_code == 0, r.stderr
    back = one(changes(cli), id=dated["id"])
    assert (back["material"], back["suppressed_by"], back["review"]["state"]) == (True, None, "dismissed")
    assert "No suppression rules" in cli("rules").stdout
    ended = json.loads(cli("rules", "--all", "--format", "json").stdout)["rules"]
    assert ended[0]["ended_by"] == "dave" and ended[0]["suppresses"] == 0
    again = cli("rules", "remove", "1")
    assert again.exit_code == 1 and again.stderr.startswith("Error: rule 1 was already ended on ")


# --- provenance ------------------------------------------------------------------------------

def _by_model(body: str, model: str) -> str:
    return body.replace("This article was generated by Perplexity Sonar .", f"This article was generated by {model} .")


def test_a_change_of_model_is_a_methodology_change_and_its_unexplained_removals_stay_unconfirmed(cli, tmp_path):
    three = [report(at=f"2026-0{m}-01T00:00:00Z", extra=SOURCES) for m in (1, 2, 3)]
    short = ["Testland Financial Authority (TFA): Licenses and supervises crypto exchanges.[1]"]
    three[1] = _by_model(report(at="2026-02-01T00:00:00Z", extra=SOURCES, regulators=short), "Sonar Pro")
    three[2] = _by_model(report(at="2026-03-01T00:00:00Z", extra=SOURCES, regulators=short), "Sonar Pro")
    ingest(cli, *(write(tmp_path, f"m{i}.txt", b) for i, b in enumerate(three)))
    found = changes(cli, "--all")
    gone = one(found, kind="removed", category="regulator")
    assert gone["methodology"] == {"from": "Perplexity Sonar", "to": "Sonar Pro"}
    assert (gone["confirmed"], gone["material"]) == (False, False)
    assert "compared across a change of generator: Perplexity Sonar → Sonar Pro" in cli(
        "diff", "--since", "2026-01-01", "--all").stdout
    # the same removal between reports of one model is news once the next report confirms it
    same = [report(at=f"2026-0{m}-01T00:00:00Z", extra=SOURCES, **({"regulators": short} if m > 4 else {}))
            for m in (4, 5, 6)]
    ingest(cli, *(write(tmp_path, f"s{i}.txt", b.replace("Testland", "Otherland")) for i, b in enumerate(same)))
    other = one(changes(cli, "-j", "Otherland"), kind="removed")
    assert other["methodology"] is None and other["material"] is True


def test_show_gives_the_provenance_and_the_facts_awaiting_verification(cli, timeline):
    r = cli("show", "Testland")
    assert r.exit_code == 0, r.stderr
    assert "Provenance: lab ai-lab-9, generator test lab, model Perplexity Sonar" in r.stdout
    assert r.stdout.rstrip().endswith("3 facts awaiting source verification")
    shown = json.loads(cli("show", "Testland", "--format", "json").stdout)
    assert shown["provenance"] == {"lab": "ai-lab-9", "generator": "test lab", "model": "Perplexity Sonar",
                                   "unverified_facts": 3}


def test_a_fact_that_loses_every_citation_is_flagged_not_material(cli, tmp_path):
    ingest(cli, write(tmp_path, "c1.txt", report(at="2026-01-01T00:00:00Z", extra=SOURCES)),
           write(tmp_path, "c2.txt", report(at="2026-02-01T00:00:00Z", extra=SOURCES, laws=[
               "Virtual Assets Act 2021 (VAA): In force since 1 March 2022; the licensing framework.",
               aml("June 1, 2023")])))
    lost = one(changes(cli, "--all"), citation_lost=True)
    assert (lost["entity"], lost["field"], lost["old"], lost["new"], lost["material"]) == (
        "Virtual Assets Act 2021", "citations", [1], [], False)
    assert changes(cli) == []


# --- the digest ------------------------------------------------------------------------------

def _digest(cli, url: str, *args: str):
    return cli("digest", "--smtp", url, "--from", "tracker@example.org", *args)


def test_the_digest_shows_evidence_and_methodology_and_leaves_out_dismissed_changes(cli, timeline, tmp_path,
                                                                                     smtp_server):
    url, box = smtp_server
    found = changes(cli)
    law = one(found, kind="added")["id"]
    assert cli("review", "dismiss", str(law), "--reason", "no such act").exit_code == 0
    r = _digest(cli, url, "--to", "alice@example.org")
    assert r.exit_code == 0, r.stderr
    ((_, msg),) = box.parsed()
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "law added: Stablecoin Act" not in plain and "Stablecoin Act 2026</strong>" not in html
    assert f"now: “{aml('July 1, 2023')}” (https://example.org/aml)" in plain
    assert "before:" in plain and 'class="evidence"' in html and 'href="https://example.org/aml"' in html
    # a later report by another model: the digest says so; the dismissed change never comes back
    ingest(cli, write(tmp_path, "t3.txt", _by_model(report(
        at="2026-03-01T00:00:00Z", laws=[VAA, aml("August 1, 2023"), STABLECOIN], extra=SOURCES), "Sonar Pro")))
    r = _digest(cli, url, "--to", "alice@example.org", "--since", "2026-01-01")
    assert r.exit_code == 0, r.stderr
    plain = box.parsed()[-1][1].get_body(preferencelist=("plain",)).get_content()
    assert "compared across a change of generator: Perplexity Sonar → Sonar Pro" in plain
    assert "law added: Stablecoin Act" not in plain
