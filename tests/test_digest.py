"""Emailed digests against a real SMTP server on 127.0.0.1: content, escaping, delivery state."""
from __future__ import annotations

import re

import pytest

from reports import report
from tests_helpers import hostile_timeline

SENDER = "tracker@example.org"


def run_digest(tracker, url, *args, env=None):
    return tracker("digest", "--smtp", url, "--from", SENDER, *args, env=env or {})


@pytest.fixture
def timeline(tracker, tmp_path):
    return hostile_timeline(tracker, tmp_path)


def test_a_digest_is_multipart_text_and_html_with_the_headers(tracker, smtp_server, timeline):
    url, box = smtp_server
    r = run_digest(tracker, url, "--to", "alice@example.org")
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "alice@example.org: sent 3 change(s)"
    ((to, msg),) = box.parsed()
    assert to == ["alice@example.org"]
    assert msg["From"] == SENDER and msg["To"] == "alice@example.org"
    assert msg["Subject"] == "Regulatory changes: 3 in 1 jurisdiction (2026-02-01)"
    assert msg["Date"] and msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@example.org>")
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "law added: Stablecoin Act 2026" in text
    assert "Testland — Regulatory Status" in text
    assert "By jurisdiction: Testland 3" in text
    assert 'style="' in html, "CSS is inlined"
    assert "<table" in html and "max-width: 640px" in html
    assert "Stablecoin Act 2026" in html
    assert "https://example.org/stablecoins" in html


def test_hostile_report_text_is_escaped_in_the_html(tracker, smtp_server, timeline):
    url, box = smtp_server
    run_digest(tracker, url, "--to", "alice@example.org")
    ((_, msg),) = box.parsed()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "<b>Board" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_each_change_is_sent_once_and_since_resends(tracker, smtp_server, timeline):
    url, box = smtp_server
    assert run_digest(tracker, url, "--to", "alice@example.org").returncode == 0
    again = run_digest(tracker, url, "--to", "alice@example.org")
    assert again.returncode == 0
    assert again.stderr.strip() == "alice@example.org: nothing new to send"
    assert len(box.messages) == 1
    resend = run_digest(tracker, url, "--to", "alice@example.org", "--since", "2026-01-15")
    assert resend.stderr.strip() == "alice@example.org: sent 3 change(s)"
    assert len(box.messages) == 2


def test_a_reparse_that_recomputes_the_changelog_sends_nothing_again(tracker, db_url, smtp_server, timeline):
    from sqlalchemy import select
    from sqlalchemy.orm import Session, undefer

    from tracker.db import SnapshotRow, make_engine

    url, box = smtp_server
    assert run_digest(tracker, url, "--to", "alice@example.org").returncode == 0
    engine = make_engine(db_url)
    with Session(engine) as s, s.begin():  # as an older parser would have left them: reparse rewrites them
        for row in s.scalars(select(SnapshotRow).options(undefer(SnapshotRow.data))):
            row.data = {**row.data, "summary": "worded by an older parser"}
    engine.dispose()
    r = tracker("reparse")
    assert r.returncode == 0 and r.stderr.strip() == "2 of 2 snapshots re-derived; 1 timelines recomputed", r.stderr
    again = run_digest(tracker, url, "--to", "alice@example.org")
    assert again.stderr.strip() == "alice@example.org: nothing new to send"
    assert len(box.messages) == 1


def test_a_report_slotted_in_between_does_not_resend_what_was_sent(tracker, smtp_server, tmp_path):
    url, box = smtp_server
    paths = []
    for name, at, stance in (("a.txt", "2026-01-01T00:00:00Z", "legal and regulated"),
                             ("c.txt", "2026-03-01T00:00:00Z", "banned"),
                             ("b.txt", "2026-02-01T00:00:00Z", "banned")):
        p = tmp_path / name
        p.write_text(report(at=at, stance=f"Crypto trading is {stance}."))
        paths.append(str(p))
    assert tracker("ingest", *paths[:2]).returncode == 0
    assert run_digest(tracker, url, "--to", "alice@example.org").stderr.strip() == "alice@example.org: sent 1 change(s)"
    assert tracker("ingest", paths[2]).returncode == 0  # the stance changed by February, not March
    again = run_digest(tracker, url, "--to", "alice@example.org")
    assert again.stderr.strip() == "alice@example.org: nothing new to send"
    assert len(box.messages) == 1


def test_an_empty_digest_is_not_sent(tracker, smtp_server, tmp_path):
    url, box = smtp_server
    p = tmp_path / "one.txt"
    p.write_text(report())
    tracker("ingest", str(p))
    r = run_digest(tracker, url, "--to", "alice@example.org")
    assert r.returncode == 0
    assert box.messages == []


@pytest.mark.parametrize("address,reason", [
    ("not-an-address", "is not a valid email address"),
    ("bob@example.org\r\nBcc: eve@example.org", "is not a valid email address: it contains a line break"),
    ("bob@exa mple.org", "is not a valid email address"),
])
def test_a_bad_address_is_refused_before_anything_is_sent(tracker, smtp_server, timeline, address, reason):
    url, box = smtp_server
    r = run_digest(tracker, url, "--to", "alice@example.org", "--to", address)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [f"Error: {address!r} {reason}"]
    assert box.messages == []


def test_an_unreachable_server_fails_in_one_line_and_marks_nothing_sent(tracker, smtp_server, timeline):
    from conftest import free_port

    url, box = smtp_server
    dead = f"smtp://127.0.0.1:{free_port()}"
    r = run_digest(tracker, dead, "--to", "alice@example.org")
    assert r.returncode == 1
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(f"Error: cannot reach the SMTP server plain 127.0.0.1:{dead.rsplit(':', 1)[1]}")
    ok = run_digest(tracker, url, "--to", "alice@example.org")
    assert ok.stderr.strip() == "alice@example.org: sent 3 change(s)"


def test_a_refused_recipient_does_not_cost_the_others_their_state(tracker, smtp_server, timeline):
    url, box = smtp_server
    box.refuse.add("bounce@example.org")
    r = run_digest(tracker, url, "--to", "alice@example.org", "--to", "bounce@example.org")
    assert r.returncode == 1
    assert "Error: the SMTP server refused bounce@example.org: 550 5.1.1 mailbox unavailable" in r.stderr
    assert [to for to, _ in box.messages] == [["alice@example.org"]]
    box.refuse.clear()
    again = run_digest(tracker, url, "--to", "alice@example.org", "--to", "bounce@example.org")
    assert again.returncode == 0
    assert [to for to, _ in box.messages] == [["alice@example.org"], ["bounce@example.org"]]


def test_subscribers_get_their_own_filtered_digest(tracker, smtp_server, timeline):
    url, box = smtp_server
    assert tracker("subscribe", "laws@example.org", "--category", "law").returncode == 0
    assert tracker("subscribe", "all@example.org", "--jurisdiction", "Testland").returncode == 0
    assert tracker("subscribe", "elsewhere@example.org", "--jurisdiction", "Japan", "--allow-new").returncode == 0
    listed = tracker("subscribers", "--format", "json").stdout
    assert '"laws@example.org"' in listed
    r = run_digest(tracker, url)
    assert r.returncode == 0, r.stderr
    got = {to[0]: msg for to, msg in box.parsed()}
    assert set(got) == {"laws@example.org", "all@example.org"}
    assert got["laws@example.org"]["Subject"].startswith("Regulatory changes: 1 in 1 jurisdiction")
    assert got["all@example.org"]["Subject"].startswith("Regulatory changes: 3 in 1 jurisdiction")
    assert tracker("unsubscribe", "laws@example.org").returncode == 0
    assert "laws@example.org" not in tracker("subscribers").stdout
    missing = tracker("unsubscribe", "laws@example.org")
    assert (missing.returncode, missing.stderr) == (1, "Error: 'laws@example.org' is not subscribed\n")


def test_secure_delivery_with_auth_never_prints_the_password(tracker, secure_smtp_server, timeline):
    url, box, ca_file = secure_smtp_server
    env = {"TRACKER_SMTP_CAFILE": ca_file}
    wrong = run_digest(tracker, url, "--to", "alice@example.org", env={**env, "TRACKER_SMTP_PASSWORD": "nope"})
    assert wrong.returncode == 1
    assert "refused the login for 'bot'" in wrong.stderr
    assert "nope" not in wrong.stderr + wrong.stdout
    right = run_digest(tracker, url, "--to", "alice@example.org", env={**env, "TRACKER_SMTP_PASSWORD": "s3cret pass"})
    assert right.returncode == 0, right.stderr
    assert "s3cret" not in right.stderr + right.stdout
    assert len(box.messages) == 1


def test_a_password_in_the_url_is_refused(tracker, smtp_server, timeline):
    r = run_digest(tracker, "smtp://bot:hunter2@127.0.0.1:25", "--to", "alice@example.org")
    assert r.returncode == 1
    assert r.stderr == "Error: put the SMTP password in TRACKER_SMTP_PASSWORD, not in the URL\n"


@pytest.mark.parametrize("suffix", [".eml", ".html"])
def test_dry_run_writes_a_preview_and_records_nothing(tracker, smtp_server, timeline, tmp_path, suffix):
    url, box = smtp_server
    target = tmp_path / f"preview{suffix}"
    r = tracker("digest", "--to", "alice@example.org", "--dry-run", "--output", str(target))
    assert r.returncode == 0, r.stderr
    body = target.read_bytes()
    assert (b"multipart/alternative" in body) if suffix == ".eml" else body.startswith(b"<!DOCTYPE html>")
    assert box.messages == []
    assert run_digest(tracker, url, "--to", "alice@example.org").stderr.strip() == "alice@example.org: sent 3 change(s)"


def ingest_texts(cli, tmp_path, **texts: str) -> None:
    paths = []
    for name, body in texts.items():
        (tmp_path / f"{name}.txt").write_text(body)
        paths.append(str(tmp_path / f"{name}.txt"))
    r = cli("ingest", "-q", *paths)
    assert r.exit_code == 0, r.stderr


@pytest.fixture
def quiet_timeline(cli, tmp_path):
    """Two Testland reports whose only change is the trading stance, and no law taking effect soon."""
    ingest_texts(cli, tmp_path, a=report(at="2026-01-01T00:00:00Z"),
                 b=report(at="2026-02-01T00:00:00Z", stance="Crypto trading is banned."))


def test_subscribing_to_a_jurisdiction_the_database_does_not_know_is_refused_with_the_nearest(cli, corpus):
    assert cli("ingest", "-q", str(corpus / "kazakhstan_2025-10-21.txt")).exit_code == 0
    r = cli("subscribe", "x@example.org", "-j", "Kazahkstan")
    assert r.exit_code == 1
    assert r.stderr == ("Error: no snapshots for jurisdiction 'Kazahkstan'; did you mean 'Kazakhstan'? "
                        "(--allow-new subscribes to it before its first report)\n")
    assert cli("subscribers", "--format", "json").stdout.strip() == '{\n  "subscribers": []\n}'


def test_a_subscription_by_code_keeps_the_jurisdiction_s_name(cli, corpus):
    assert cli("ingest", "-q", str(corpus / "kazakhstan_2025-10-21.txt")).exit_code == 0
    r = cli("subscribe", "x@example.org", "-j", "KZ", "-c", "Law")
    assert (r.exit_code, r.stderr) == (0, "x@example.org subscribed to Kazakhstan (law)\n")


def test_allow_new_subscribes_before_the_first_report_and_the_digest_follows(cli, tmp_path, smtp_server):
    url, box = smtp_server
    r = cli("subscribe", "early@example.org", "-j", "testland", "--allow-new")
    assert (r.exit_code, r.stderr) == (0, "early@example.org subscribed to testland\n")
    ingest_texts(cli, tmp_path, a=report(at="2026-01-01T00:00:00Z"),
                 b=report(at="2026-02-01T00:00:00Z", stance="Crypto trading is banned."))
    sent = cli("digest", "--smtp", url, "--from", SENDER)
    assert (sent.exit_code, sent.stderr) == (0, "early@example.org: sent 1 change(s)\n")
    assert [to for to, _ in box.messages] == [["early@example.org"]]


def test_a_digest_to_an_unknown_jurisdiction_is_refused(cli, quiet_timeline, smtp_server):
    url, box = smtp_server
    r = cli("digest", "--smtp", url, "--from", SENDER, "--to", "a@example.org", "-j", "Atlantis")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == ("Error: no snapshots for jurisdiction 'Atlantis'; "
                                        "`tracker list` shows what is stored")
    assert box.messages == []


def test_digest_filters_without_to_are_refused_rather_than_ignored(cli, quiet_timeline, smtp_server):
    url, _ = smtp_server
    r = cli("digest", "--smtp", url, "--from", SENDER, "-c", "law")
    assert (r.exit_code, r.stderr) == (
        1, "Error: --jurisdiction and --category go with --to (subscribers have their own filters)\n")


def sent_message(box):
    ((_, msg),) = box.parsed()
    return (msg, msg.get_body(preferencelist=("plain",)).get_content(),
            msg.get_body(preferencelist=("html",)).get_content())


def test_a_subscriber_s_digest_says_why_and_how_to_stop_and_can_be_unsubscribed_from(cli, quiet_timeline,
                                                                                     smtp_server):
    url, box = smtp_server
    assert cli("subscribe", "alice@example.org", "-c", "stance").exit_code == 0
    assert cli("digest", "--smtp", url, "--from", SENDER).exit_code == 0
    msg, text, html = sent_message(box)
    assert msg["List-Unsubscribe"].strip() == "<mailto:tracker@example.org?subject=unsubscribe%20alice@example.org>"
    why = ("You get this digest because alice@example.org is subscribed to material changes in every jurisdiction "
           "(stance).")
    stop = ("To stop it, write to tracker@example.org with the subject “unsubscribe”, or ask whoever runs the tracker "
            "to run `tracker unsubscribe alice@example.org`.")
    assert why in text and stop in text
    assert why in html and stop in html


def test_an_addressed_digest_says_it_was_sent_by_name(cli, quiet_timeline, smtp_server):
    url, box = smtp_server
    r = cli("digest", "--smtp", url, "--from", SENDER, "--to", "bob@example.org",
            "--unsubscribe-url", "https://intranet.example.org/unsubscribe?who={address}")
    assert r.exit_code == 0, r.stderr
    msg, text, _ = sent_message(box)
    assert msg["List-Unsubscribe"].strip() == "<https://intranet.example.org/unsubscribe?who=bob@example.org>"
    assert ("You get this digest because it was sent to bob@example.org by name (tracker digest --to); "
            "that address is not on the subscriber list.") in text
    assert "visit https://intranet.example.org/unsubscribe?who=bob@example.org, or" in text


@pytest.mark.parametrize("link", ["javascript:alert(1)", "https://example.org/u?a=1\r\nBcc: eve@example.org",
                                  "https://example.org/{who}"], ids=["scheme", "line-break", "placeholder"])
def test_an_unusable_unsubscribe_link_is_refused_before_anything_is_sent(cli, quiet_timeline, smtp_server, link):
    url, box = smtp_server
    r = cli("digest", "--smtp", url, "--from", SENDER, "--to", "bob@example.org", "--unsubscribe-url", link)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"Error: {link!r} is not a usable unsubscribe link: give a mailto: or "
                                        "https:// URL without spaces")
    assert box.messages == []


def test_a_digest_with_nothing_taking_effect_soon_says_so_in_a_whole_sentence(cli, quiet_timeline, smtp_server):
    import datetime as dt

    url, box = smtp_server
    assert cli("digest", "--smtp", url, "--from", SENDER, "--to", "bob@example.org").exit_code == 0
    _, text, html = sent_message(box)
    today = dt.datetime.now(dt.timezone.utc).date()
    sentence = (f"No law in the latest reports of these jurisdictions takes effect between {today.isoformat()} and "
                f"{(today + dt.timedelta(days=90)).isoformat()}.")
    assert sentence in text and sentence in html
    assert "Nothing the latest reports date" not in text + html


def test_a_digest_uses_words_and_lists_a_rename_once(cli, corpus, smtp_server):
    url, box = smtp_server
    assert cli("ingest", "-q", *map(str, sorted(corpus.glob("nigeria_*.txt")))).exit_code == 0
    r = cli("digest", "--smtp", url, "--from", SENDER, "--to", "bob@example.org", "--since", "2026-02-01",
            "--jurisdiction", "NG", "-c", "regulator", "-c", "law")
    assert r.exit_code == 0, r.stderr
    msg, text, html = sent_message(box)
    assert "regulator renamed: FIRS → NRS, Federal Inland Revenue Service → Nigeria Revenue Service" in text
    assert "status: adopted → in force" in text
    assert re.search(r'<span class="old"[^>]*>Federal Inland Revenue Service \(FIRS\)</span> → '
                     r'<span class="new"[^>]*>Nigeria Revenue Service \(NRS\)</span>', html)
    assert msg["Subject"].startswith("Regulatory changes: 4 in 1 jurisdiction")
    assert r.stderr == "bob@example.org: sent 4 change(s)\n"


def test_a_dropped_or_timed_out_connection_costs_only_its_own_recipient(cli, quiet_timeline, smtp_server):
    url, box = smtp_server
    box.drop.add("drop@example.org")
    box.slow.add("slow@example.org")
    everyone = ["alice@example.org", "drop@example.org", "bob@example.org", "slow@example.org", "carol@example.org"]
    args = [a for address in everyone for a in ("--to", address)]
    r = cli("digest", "--smtp", url, "--from", SENDER, *args, env={"TRACKER_SMTP_TIMEOUT": "1"})
    assert r.exit_code == 1
    port = url.rsplit(":", 1)[1]
    assert r.stderr.splitlines() == [
        "alice@example.org: sent 1 change(s)",
        f"Error: the SMTP server plain 127.0.0.1:{port} did not accept the message for drop@example.org: "
        "Connection unexpectedly closed",
        "bob@example.org: sent 1 change(s)",
        f"Error: the SMTP server plain 127.0.0.1:{port} did not accept the message for slow@example.org: timed out",
        "carol@example.org: sent 1 change(s)"]
    assert [to for to, _ in box.messages] == [["alice@example.org"], ["bob@example.org"], ["carol@example.org"]]
    box.drop.clear()
    box.slow.clear()
    again = cli("digest", "--smtp", url, "--from", SENDER, *args)
    assert again.exit_code == 0, again.stderr
    assert [to for to, _ in box.messages[3:]] == [["drop@example.org"], ["slow@example.org"]]


def test_once_the_server_cannot_be_reached_again_the_rest_fail_without_waiting(cli, quiet_timeline, tmp_path):
    import socket
    import threading

    # a server that greets and takes one message, then drops the connection and is gone
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def serve_once() -> None:
        conn, _ = listener.accept()
        listener.close()
        with conn:
            files = conn.makefile("rwb")
            files.write(b"220 once ESMTP\r\n")
            files.flush()
            while line := files.readline():
                verb = line[:4].upper()
                if verb == b"DATA":
                    files.write(b"354 go on\r\n")
                    files.flush()
                    while files.readline() not in (b".\r\n", b""):
                        pass
                    return  # gone before answering
                files.write(b"250 ok\r\n")
                files.flush()

    threading.Thread(target=serve_once, daemon=True).start()
    r = cli("digest", "--smtp", f"smtp://127.0.0.1:{port}", "--from", SENDER, "--to", "a@example.org",
            "--to", "b@example.org", "--to", "c@example.org")
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0] == (f"Error: the SMTP server plain 127.0.0.1:{port} did not accept the message for a@example.org: "
                        "Connection unexpectedly closed")
    assert lines[1].startswith(
        f"Error: not sent to b@example.org: cannot reach the SMTP server plain 127.0.0.1:{port}: ")
    assert lines[2] == lines[1].replace("b@example.org", "c@example.org")


def test_a_source_link_that_could_break_out_of_its_attribute_is_shown_unlinked(cli, tmp_path, smtp_server):
    url, box = smtp_server
    hostile = 'https://example.org/"><script>alert(1)</script>'
    laws = ["Virtual Assets Act 2021 (VAA): In force since 1 March 2022; the licensing framework.[1]",
            "AML Regulations 2023: Effective June 1, 2023; apply AML/CFT duties to service providers.[3]"]
    ingest_texts(cli, tmp_path, a=report(at="2026-01-01T00:00:00Z", laws=laws),
                 b=report(at="2026-02-01T00:00:00Z", laws=[*laws, "Stablecoin Act 2026: Effective 1 January 2027; "
                                                                  "licenses stablecoin issuers.[1][2]"],
                          extra=f"Sources\n1. {hostile}\n2. https://example.org/straße\n"))
    assert cli("digest", "--smtp", url, "--from", SENDER, "--to", "bob@example.org").exit_code == 0
    _, text, html = sent_message(box)
    assert "; sources [1] [2] https://example.org/stra%C3%9Fe" in text
    assert re.search(r'sources \[1\] <a href="https://example.org/stra%C3%9Fe"[^>]*>\[2\]</a>', html)
    assert "script" not in text + html
