"""What ``crmscan scan`` prints about gating: new findings, what the baseline suppressed, the verdict.

Each failing finding is one line naming rule, level, object, message, file:line and a short fingerprint
(for ``crmscan baseline triage``), so a CI log says exactly why the build failed. With ``--quiet`` only
the failing findings and the verdict are printed.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crmscan.gating.exitcodes import FINDINGS, INCOMPLETE, THRESHOLDS

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
MAX_ROWS = 50


def failing(findings: list[dict[str, Any]], threshold: str | None) -> list[dict[str, Any]]:
    """The findings at or above *threshold* (none without one)."""
    if threshold is None:
        return []
    levels = set(THRESHOLDS[THRESHOLDS.index(threshold) :])
    return [f for f in findings if f["level"] in levels]


def finding_line(f: dict[str, Any]) -> str:
    """One plain line for a finding: level, rule, object, message, where, fingerprint."""
    obj = ".".join(p for p in (f["table"], f["column"]) if p) or f["source"]
    where = f" ({f['location']['file']}:{f['location']['line']})" if f.get("location") else ""
    return f"{f['level'].upper()} {f['rule_id']} {obj}: {f['message']}{where} [{f['fingerprint'][:12]}]"


def print_gating(
    document: dict[str, Any], threshold: str | None, code: int, console: Console, *, quiet: bool
) -> None:
    """Print the gating part of a scan's outcome."""
    findings = document["findings"]
    suppressed = (document.get("baseline") or {}).get("suppressed", [])
    bad = failing(findings, threshold)
    if not quiet and (threshold is not None or "baseline" in document):
        head = f"Findings: {len(findings)}" + (" new" if "baseline" in document else "")
        if "baseline" in document:
            head += f", {len(suppressed)} suppressed by baseline {document['baseline']['file']}"
        console.print(head, highlight=False)
        if findings:
            console.print(_table(findings))
    elif bad:
        for f in bad:
            console.print(escape(finding_line(f)), highlight=False, soft_wrap=True)
    if code == FINDINGS:
        console.print(
            f"[bold red]FAILED[/bold red]: {len(bad)} finding{'s' if len(bad) != 1 else ''} at or above "
            f"--fail-on {threshold}"
            + (" not in the baseline" if "baseline" in document else "")
            + " (exit 1)",
            highlight=False,
        )
    elif code == INCOMPLETE:
        n = len(document["errors"])
        console.print(
            f"[bold red]INCOMPLETE[/bold red]: {n} scan error{'s' if n != 1 else ''} "
            "and --fail-on-error (exit 3)",
            highlight=False,
        )
    elif threshold is not None and not quiet:
        console.print(f"[green]PASSED[/green]: no finding at or above --fail-on {threshold}", highlight=False)


def _table(findings: list[dict[str, Any]]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for name in ("Level", "Rule", "Object", "Message", "Where", "Fingerprint"):
        table.add_column(name, overflow="fold")
    for f in findings[:MAX_ROWS]:
        obj = ".".join(p for p in (f["table"], f["column"]) if p) or f["source"]
        where = f"{f['location']['file']}:{f['location']['line']}" if f.get("location") else ""
        table.add_row(
            f"[{_STYLE.get(f['level'], '')}]{f['level']}[/]",
            escape(f["rule_id"]),
            escape(obj),
            escape(f["message"]),
            escape(where),
            f["fingerprint"][:12],
        )
    if len(findings) > MAX_ROWS:
        table.add_row("", "", f"… and {len(findings) - MAX_ROWS} more (see the report)", "", "", "")
    return table
