"""``crmscan policy check|list``: validate a team's policy files, show the policies in force."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    name="policy",
    help="Validate policy files and list the policies `crmscan scan` applies.",
    no_args_is_help=True,
)


Files = typer.Argument(None, help="Policy files to validate (default: the built-in ones only).")
TeamPolicy = typer.Option([], "--policy", help="Also a team's policy file (repeatable).")


@app.command("check")
def check(files: list[Path] = Files) -> None:
    """Validate policy files with the built-in policies; exit 2 naming file:line on the first problem."""
    from crmscan.gating.policies import load_policies

    policies = load_policies(files or [])
    typer.echo(f"OK: {len(policies.policies)} policies from {len(policies.files)} file(s)")


@app.command("list")
def list_policies(policy: list[Path] = TeamPolicy) -> None:
    """Print id, severity and title of every policy in force."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from crmscan.gating.policies import load_policies

    policies = load_policies(policy)
    table = Table(box=None, header_style="bold")
    for name in ("Id", "Severity", "Title", "Regulations"):
        table.add_column(name, overflow="fold")
    for p in policies.policies:
        table.add_row(p.id, p.severity, escape(p.title), escape(", ".join(p.regulations)))
    Console(highlight=False).print(table)
