"""``crmscan diff OLD.json NEW.json``: what changed between two scans (terminal, Markdown or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from crmscan.cli import options

Old = typer.Argument(..., help="The earlier scan's report.json (e.g. the base branch).")
New = typer.Argument(..., help="The later scan's report.json (e.g. the pull request).")
Format = typer.Option("text", "--format", "-f", help="text (terminal), md (pull-request comment) or json.")
Out = typer.Option(None, "--out", "-o", help="Write to this file instead of standard output.")
FailOn = typer.Option(
    None, "--fail-on", help="Exit 1 when a new finding (not baselined) is at or above this level."
)


def diff(
    old: Path = Old,
    new: Path = New,
    fmt: str = Format,
    out: Path | None = Out,
    fail_on: str | None = FailOn,
) -> None:
    """Compare two JSON reports: sensitive columns, categories, read paths, findings and risk."""
    from crmscan.diff import compare, load_report, to_markdown
    from crmscan.errors import UsageError
    from crmscan.gating.exitcodes import exit_code
    from crmscan.report.base import dumps_stable

    kind = fmt.strip().lower()
    if kind == "markdown":
        kind = "md"
    if kind not in ("text", "md", "json"):
        raise UsageError(f"--format: unknown format '{fmt}'; choose from text, md, json")
    threshold = options.parse_fail_on(fail_on)
    result = compare(load_report(old), load_report(new))
    if kind == "text" and out is None:
        from rich.console import Console

        _terminal(result, Console(highlight=False))
    else:
        if kind == "json":
            text = dumps_stable(result)
        elif kind == "md":
            text = to_markdown(result)
        else:
            text = _plain(result)
        if out is None:
            typer.echo(text, nl=not text.endswith("\n"))
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
    levels = [f["level"] for f in result["findings"]["new"] if not f["suppressed"]]
    code = exit_code(levels, threshold, 0, False)
    if code:
        raise typer.Exit(code)


def _plain(result: dict[str, Any]) -> str:
    """The terminal view as plain text, for ``--format text --out FILE``."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    _terminal(result, Console(file=buffer, width=120, no_color=True, highlight=False))
    return buffer.getvalue()


def _terminal(result: dict[str, Any], console: Any) -> None:
    """Rich tables: a summary line, then one table per kind of change."""
    from rich.markup import escape
    from rich.table import Table

    from crmscan.diff import has_changes

    if not has_changes(result):
        console.print("No privacy-relevant changes: no new sensitive columns, read paths or findings.")
        return
    s = result["summary"]
    console.print(
        f"[bold]{s['findings_new']} new findings, {s['sensitive_columns_added']} new sensitive columns, "
        f"{s['read_paths_added']} new read paths, {s['columns_changed']} changed columns; "
        f"{s['findings_resolved']} findings resolved, {s['sensitive_columns_removed']} columns and "
        f"{s['read_paths_removed']} read paths removed[/bold]"
    )

    def obj(x: dict[str, Any]) -> str:
        return escape(".".join(p for p in (x.get("table"), x.get("column")) if p) or x["source"])

    def table(title: str, header: list[str], rows: list[list[str]]) -> None:
        if not rows:
            return
        t = Table(title=title, title_justify="left", title_style="bold", box=None, header_style="bold")
        for name in header:
            t.add_column(name, overflow="fold")
        for row in rows:
            t.add_row(*row)
        console.print(t)

    f, c, r = result["findings"], result["columns"], result["read_paths"]
    table(
        "New findings",
        ["Level", "Rule", "Object", "Message", "Where"],
        [
            [
                x["level"]
                + (f" ({(x.get('triage') or 'baselined').replace('_', ' ')})" if x["suppressed"] else ""),
                escape(x["rule_id"]),
                obj(x),
                escape(x["message"]),
                escape(f"{x['location']['file']}:{x['location']['line']}") if x.get("location") else "",
            ]
            for x in f["new"]
        ],
    )
    table(
        "New sensitive columns",
        ["Column", "Categories", "Sensitivity", "Protection", "Was"],
        [
            [obj(x), ", ".join(x["categories"]), x["sensitivity"], x["protection"], x["was"]]
            for x in c["added"]
        ],
    )
    table(
        "New read paths",
        ["Column", "Principal", "Kind", "Via"],
        [[obj(x), escape(x["principal"]), x["kind"] or "", escape(" → ".join(x["via"]))] for x in r["added"]],
    )
    table(
        "Changed columns",
        ["Column", "Change"],
        [
            [obj(x), escape("; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in x["changes"].items()))]
            for x in c["changed"]
        ],
    )
    table(
        "Changed findings",
        ["Rule", "Object", "Change"],
        [
            [
                escape(x["rule_id"]),
                obj(x),
                escape("; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in x["changes"].items())),
            ]
            for x in f["changed"]
        ],
    )
    table(
        "Risk",
        ["Measure", "Before", "After"],
        [[escape(x["path"]), str(x["old"]), str(x["new"])] for x in result["risk"]],
    )
    table(
        "Resolved findings",
        ["Level", "Rule", "Object"],
        [[x["level"], escape(x["rule_id"]), obj(x)] for x in f["resolved"]],
    )
    table("Columns no longer sensitive", ["Column", "Now"], [[obj(x), x["now"]] for x in c["removed"]])
    table(
        "Removed read paths",
        ["Column", "Principal"],
        [[obj(x), escape(x["principal"])] for x in r["removed"]],
    )
