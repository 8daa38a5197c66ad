"""Commands that mail: digest, subscribe, unsubscribe, subscribers."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from tracker.cli.common import (REFUSED, CategoryOption, DbOption, JurisdictionsOption, ListFormat, categories, engine,
                                err, out, out_json, settings, write_output)


def digest(
    ctx: typer.Context,
    to: Annotated[Optional[list[str]], typer.Option("--to", help="Send to this address (repeatable). Without "
                                                                 "it, every subscriber gets its own digest.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Resend every material change from this date, "
                                                                 "whether sent before or not.")] = None,
    jurisdiction: JurisdictionsOption = None,
    category: CategoryOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Compose, send nothing, record nothing.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="With --dry-run: write the message "
                                                                          "(.eml) or its HTML (.html) here.")] = None,
    smtp: Annotated[Optional[str], typer.Option("--smtp", help="smtp://host:port, smtp+starttls://user@host:port or "
                                                               "smtps://…; default TRACKER_SMTP_URL. The password "
                                                               "comes from TRACKER_SMTP_PASSWORD only.")] = None,
    sender: Annotated[Optional[str], typer.Option("--from", help="Sender address; default TRACKER_MAIL_FROM.")] = None,
    unsubscribe_url: Annotated[Optional[str], typer.Option(
        "--unsubscribe-url", help="The unsubscribe link of each message ({address} stands for the recipient); "
                                  "default TRACKER_UNSUBSCRIBE_URL, else a mail to the sender.",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Email each recipient the material changes it has not been sent yet, as an HTML digest.

    A change counts as sent only once the SMTP server accepted the message. An empty digest is
    not sent. With --to, -j and -c narrow what those addresses get.

    Example: tracker digest --to compliance@example.org --smtp smtp+starttls://bot@mail.example.org:587
    """
    import datetime as dt
    import os

    from tracker.deliver import send_all, subscribers
    from tracker.digest import Recipient
    from tracker.errors import BadValue
    from tracker.mail import Mailer, check_address, check_unsubscribe_url, parse_smtp_url
    from tracker.settings import seconds, smtp_password
    from tracker.store import parse_instant

    cfg = settings(ctx, db, smtp=smtp, mail_from=sender, unsubscribe_url=unsubscribe_url)
    if output is not None and not dry_run:
        raise BadValue("--output goes with --dry-run")
    if output is not None and output.suffix.lower() not in (".eml", ".html", ".htm"):
        raise BadValue(f"{output}: --output takes a .eml or .html file")
    if (jurisdiction or category) and not to:
        raise BadValue("--jurisdiction and --category go with --to (subscribers have their own filters)")
    from_addr = cfg.mail_from or ("tracker@localhost" if dry_run else None)
    if from_addr is None:
        raise BadValue("no sender address: give --from or set TRACKER_MAIL_FROM")
    check_address(from_addr)
    if cfg.unsubscribe_url:
        check_unsubscribe_url(cfg.unsubscribe_url)
    cats = categories(category)
    when = parse_instant(since, option="--since") if since else None
    eng = engine(ctx, db)
    if to:
        places = known_jurisdictions(eng, jurisdiction or ())
        recipients = [Recipient(check_address(a), places, cats) for a in to]
    else:
        from sqlalchemy.orm import Session

        from tracker.db import reading

        with Session(reading(eng)) as s:
            recipients = subscribers(s)
        if not recipients:
            raise BadValue("nobody to send to: give --to ADDRESS or add subscribers with `tracker subscribe`")
    factory = None
    if not dry_run:
        if not cfg.smtp_url:
            raise BadValue("no SMTP server: give --smtp URL or set TRACKER_SMTP_URL")
        target = parse_smtp_url(cfg.smtp_url)
        timeout = seconds("TRACKER_SMTP_TIMEOUT", 30.0)
        cafile = os.environ.get("TRACKER_SMTP_CAFILE") or None
        factory = lambda: Mailer(target, smtp_password(), timeout=timeout, cafile=cafile)
    outcomes = send_all(eng, recipients, sender=from_addr, since=when, mailer_factory=factory,
                        today=dt.datetime.now(dt.timezone.utc).date(), dry_run=dry_run,
                        unsubscribe=cfg.unsubscribe_url)
    previews = [o for o in outcomes if o.status == "previewed"]
    if dry_run and output is not None:
        for o in previews:
            path = output if len(previews) == 1 else output.with_name(
                f"{output.stem}-{re.sub(r'[^A-Za-z0-9._-]+', '_', o.recipient)}{output.suffix}")
            body = o.email.as_bytes() if output.suffix.lower() == ".eml" else o.digest.html.encode("utf-8")
            write_output(path, body)
            err(f"{o.recipient}: {o.changes} change(s) written to {path}")
    elif dry_run:
        for o in previews:
            out(f"To: {o.recipient}\nSubject: {o.digest.subject}\n\n{o.digest.text}\n")
    for o in outcomes:
        if o.status == "failed":
            err(f"Error: {o.message}")
        elif not (dry_run and output is not None and o.status == "previewed"):
            err(o.message)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(REFUSED)


def known_jurisdictions(eng, names, *, allow_new: bool = False, hint: str = "") -> tuple[str, ...]:
    """Each name as the database knows the jurisdiction ('AE' -> 'United Arab Emirates'). A name it
    does not know is refused (NotFound with the nearest known name, and `hint`), or with
    `allow_new` kept in its canonical form."""
    from sqlalchemy.orm import Session

    from tracker.db import reading
    from tracker.errors import NotFound
    from tracker.jurisdictions import canonical_jurisdiction
    from tracker.store import resolve_jurisdiction

    found = []
    with Session(reading(eng)) as s:
        for name in names:
            try:
                found.append(resolve_jurisdiction(s, name)[1])
            except NotFound as exc:
                if not allow_new:
                    raise NotFound(f"{exc}{hint}") from None
                found.append(canonical_jurisdiction(name))
    return tuple(dict.fromkeys(found))


def subscribe(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The subscriber's email address.")],
    jurisdiction: JurisdictionsOption = None,
    category: CategoryOption = None,
    allow_new: Annotated[bool, typer.Option("--allow-new", help="Accept a jurisdiction no stored report covers "
                                                                "yet (its first report is expected later).")] = False,
    db: DbOption = None,
) -> None:
    """Subscribe an address to the digest, optionally filtered; subscribing again replaces the filters.

    A jurisdiction is found by any name or code it goes by; one the database does not know is
    refused (with the nearest known name) unless --allow-new says its reports are still to come.

    Example: tracker subscribe legal@example.org -j Kazakhstan -c law -c licensing
    """
    from sqlalchemy.orm import Session

    from tracker.deliver import subscribe as add
    from tracker.mail import check_address

    check_address(address)
    cats = categories(category)
    eng = engine(ctx, db)
    places = known_jurisdictions(eng, jurisdiction or (), allow_new=allow_new,
                                 hint=" (--allow-new subscribes to it before its first report)")
    with Session(eng) as s, s.begin():
        row = add(s, address, places, cats)
        err(f"{row.address} subscribed" + (f" to {', '.join(places)}" if places else "")
            + (f" ({', '.join(row.categories)})" if row.categories else ""))


def unsubscribe(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The subscriber's email address.")],
    db: DbOption = None,
) -> None:
    """Stop sending digests to an address.

    Example: tracker unsubscribe legal@example.org
    """
    from sqlalchemy.orm import Session

    from tracker.deliver import unsubscribe as remove
    from tracker.errors import NotFound

    with Session(engine(ctx, db)) as s, s.begin():
        if not remove(s, address):
            raise NotFound(f"{address!r} is not subscribed")
    err(f"{address} unsubscribed")


def subscribers(
    ctx: typer.Context,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    db: DbOption = None,
) -> None:
    """List the subscribers and their filters.

    Example: tracker subscribers --format json
    """
    from sqlalchemy.orm import Session

    from tracker.deliver import subscribers as everyone
    from tracker.render import dumps

    with Session(engine(ctx, db, read_only=True)) as s:
        people = everyone(s)
    if fmt is ListFormat.json:
        out_json(dumps({"subscribers": [{"address": p.address, "jurisdictions": list(p.jurisdictions),
                                         "categories": list(p.categories)} for p in people]}))
        return
    for p in people:
        out(f"{p.address}  jurisdictions: {', '.join(p.jurisdictions) or 'all'}; "
            f"categories: {', '.join(p.categories) or 'all'}\n")
