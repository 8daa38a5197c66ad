"""The `tracker` command: a versioned history of regulatory overviews, and what changed."""
from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from tracker.cli import ingest as ingest_cmds
from tracker.cli import mail as mail_cmds
from tracker.cli import publish as publish_cmds
from tracker.cli import query as query_cmds
from tracker.cli import review as review_cmds
from tracker.cli.common import BUG, INTERRUPTED, REFUSED, DbOption, err


class TrackerGroup(TyperGroup):
    """The root command: whatever the user got wrong becomes one `Error: …` line on stderr and an
    exit code from the README's table, never a traceback or a boxed panel."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except typer.TyperException as exc:  # a command line that does not parse
            ctx = getattr(exc, "ctx", None)
            if type(exc).__name__ == "NoArgsIsHelpError":
                sys.stdout.write(exc.format_message() + "\n")
            else:
                err(f"Error: {exc.format_message()}")
                if ctx is not None:
                    err(f"Try '{ctx.command_path} --help' for help.")
            sys.exit(exc.exit_code)
        except typer.Abort:
            err("Aborted.")
            sys.exit(REFUSED)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: typer.Context):
        from tracker.errors import TrackerError

        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            err(f"Error: {exc}")
            raise typer.Exit(REFUSED) from None
        except KeyboardInterrupt:
            err("Interrupted.")
            raise typer.Exit(INTERRUPTED) from None
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise
        except Exception as exc:  # a bug: one line for the user; TRACKER_DEBUG=1 shows the traceback
            if os.environ.get("TRACKER_DEBUG"):
                raise
            if _said_by_the_database(exc):  # a timeout, a lost connection, a refused value: no bug
                from tracker.db import database_reason

                err(f"Error: the database refused: {database_reason(exc)}")
                raise typer.Exit(REFUSED) from None
            first = str(exc).splitlines()[0] if str(exc) else ""
            err(f"Error: unexpected {type(exc).__name__}: {first} (a bug in the tracker; "
                "TRACKER_DEBUG=1 shows where)")
            raise typer.Exit(BUG) from None


def _said_by_the_database(exc: Exception) -> bool:
    """Whether an error is the database driver's own (only a command that loaded SQLAlchemy meets one)."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.DBAPIError)


# Plain help text (rich_markup_mode=None): typer's rich help formatter costs more to import than
# the rest of `tracker --help` together.
app = typer.Typer(cls=TrackerGroup, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Keep a versioned history of regulatory overview reports and learn what changed.",
                  context_settings={"help_option_names": ["-h", "--help"]})
db_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Database maintenance.")
app.add_typer(db_app, name="db")


def _print_version(value: bool) -> None:
    if value:
        from tracker import __version__

        sys.stdout.write(f"tracker {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(ctx: typer.Context, db: DbOption = None,
          version: Annotated[Optional[bool], typer.Option(
              "--version", help="Print the version and exit.", is_eager=True, callback=_print_version)] = None) -> None:
    """Keep a versioned history of regulatory overview reports and learn what changed."""
    ctx.obj = {"db": db}


app.command("ingest")(ingest_cmds.ingest)
app.command("reparse")(ingest_cmds.reparse)
db_app.command("upgrade")(ingest_cmds.db_upgrade)
app.command("list")(query_cmds.list_)
app.command("show")(query_cmds.show)
app.command("diff")(query_cmds.diff)
app.command("history")(query_cmds.history)
app.command("upcoming")(publish_cmds.upcoming)
app.command("site")(publish_cmds.site)
app.command("digest")(mail_cmds.digest)
app.command("subscribe")(mail_cmds.subscribe)
app.command("unsubscribe")(mail_cmds.unsubscribe)
app.command("subscribers")(mail_cmds.subscribers)
app.add_typer(review_cmds.review_app, name="review")
app.add_typer(review_cmds.rules_app, name="rules")


def main() -> None:
    """Run the CLI (the console script's entry point)."""
    app(prog_name="tracker")
