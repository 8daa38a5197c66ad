"""Commands that mail: digest, subscribe, unsubscribe, subscribers."""
from __future__ import annotations

import typer


def digest(ctx: typer.Context) -> None:
    """Email the change digest (not yet available)."""
    raise typer.Exit(2)


def subscribe(ctx: typer.Context) -> None:
    """Subscribe an address (not yet available)."""
    raise typer.Exit(2)


def unsubscribe(ctx: typer.Context) -> None:
    """Unsubscribe an address (not yet available)."""
    raise typer.Exit(2)


def subscribers(ctx: typer.Context) -> None:
    """List subscribers (not yet available)."""
    raise typer.Exit(2)
