"""The `tracker` command: a versioned history of regulatory overviews, and what changed."""
from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from tracker.cli import ingest as ingest_cmds
from tracker.cli import mail as mail_cmds
from tracker.cli import query as query_cmds
from tracker.cli.common import DbOption

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
                  help="Keep a versioned history of regulatory overview reports and learn what changed.",
                  context_settings={"help_option_names": ["-h", "--help"]})
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
app.add_typer(db_app, name="db")


@app.callback()
def _root(ctx: typer.Context, db: DbOption = None,
          version: Annotated[Optional[bool], typer.Option("--version", help="Print the version and exit.",
                                                          is_eager=True)] = None) -> None:
    """Keep a versioned history of regulatory overview reports and learn what changed."""
    if version:
        from tracker import __version__
        typer.echo(__version__)
        raise typer.Exit()
    ctx.obj = {"db": db}


app.command("ingest")(ingest_cmds.ingest)
app.command("reparse")(ingest_cmds.reparse)
db_app.command("upgrade")(ingest_cmds.db_upgrade)
app.command("list")(query_cmds.list_)
app.command("show")(query_cmds.show)
app.command("diff")(query_cmds.diff)
app.command("history")(query_cmds.history)
app.command("digest")(mail_cmds.digest)
app.command("subscribe")(mail_cmds.subscribe)
app.command("unsubscribe")(mail_cmds.unsubscribe)
app.command("subscribers")(mail_cmds.subscribers)


def main() -> None:
    """Run the CLI; the tracker's own errors become one line on stderr and exit 1."""
    from tracker.errors import TrackerError

    try:
        app()
    except TrackerError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except Exception as exc:  # never a traceback for the user; TRACKER_DEBUG=1 shows it
        if os.environ.get("TRACKER_DEBUG"):
            raise
        sys.stderr.write(f"Error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}\n")
        sys.exit(2)
