"""The terminal summary printed after a scan: what was found, at a glance, before opening a report.

It reads the same report document as the file renderers, so the terminal never disagrees with
``report.json``. Names come from the scanned systems and may contain rich markup (``[red]``) or
brackets that would crash markup parsing, so every untrusted value goes in as :class:`Text`, never as
a markup string. Where the reports were written is printed by the caller.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crmscan.model import CATEGORIES

#: Above this many sensitive columns the per-column table stops being readable in a terminal.
MAX_COLUMN_ROWS = 40

_SENSITIVITY_STYLE = {"high": "bold red", "moderate": "yellow", "low": "cyan", "none": "dim"}
_LEVEL_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
#: Findings listed in the terminal; the rest are in the report files.
TOP_FINDINGS = 5


def print_summary(document: dict[str, Any], console: Console, *, max_rows: int = MAX_COLUMN_ROWS) -> None:
    """Headline, overall risk and top findings, category counts, sensitive columns (or tables), errors."""
    summary = document["summary"]
    console.print(_headline(summary))
    _print_risk(document, console)
    if not document["tables"]:
        console.print(Text("No tables were scanned.", style="yellow"))
    elif not summary["sensitive_columns"]:
        console.print(Text("No sensitive columns found.", style="green"))
    else:
        console.print(_category_line(summary["columns_by_category"]))
        if summary["sensitive_columns"] <= max_rows:
            console.print(_column_table(document["tables"]))
        else:
            console.print(_table_summary(document["tables"]))
    _print_errors(document["errors"], console)


def _headline(summary: dict[str, Any]) -> Text:
    return Text.assemble(
        ("Sensitive columns: ", "bold"),
        (f"{summary['sensitive_columns']:,}", "bold"),
        f" of {summary['columns']:,} columns in {summary['tables_with_sensitive_columns']:,} of "
        f"{summary['tables']:,} tables ({summary['rows']:,} rows).",
    )


def _category_line(counts: dict[str, int]) -> Text:
    line = Text("By category: ")
    for i, cat in enumerate(CATEGORIES):
        if i:
            line.append(" · ", style="dim")
        line.append(f"{cat} ")
        line.append(f"{counts.get(cat, 0):,}", style="bold" if counts.get(cat, 0) else "dim")
    return line


def _sensitivity(level: str) -> Text:
    return Text(level, style=_SENSITIVITY_STYLE.get(level, ""))


def _protection(protection: str) -> Text:
    # A sensitive column stored in clear is the thing to look at first.
    return Text("cleartext", style="red") if protection == "none" else Text(protection, style="green")


def _column_table(tables: list[dict[str, Any]]) -> Table:
    grid = Table(box=box.SIMPLE_HEAD, title="Sensitive columns", title_justify="left", pad_edge=False)
    for header in ("Table", "Column", "Categories", "Entities", "Sensitivity", "Protection"):
        grid.add_column(header, overflow="fold")
    for t in tables:
        sensitive = [c for c in t["columns"] if c["categories"]]
        for i, c in enumerate(sensitive):
            entities = ", ".join(
                f"{e['type']} {e['match_ratio']:.0%}" if e["sampled"] else e["type"] for e in c["entities"]
            )
            grid.add_row(
                Text(_table_label(t)) if i == 0 else Text(""),
                Text(c["name"]),
                Text(", ".join(c["categories"])),
                Text(entities),
                _sensitivity(c["sensitivity"]),
                _protection(c["protection"]),
                end_section=i == len(sensitive) - 1,
            )
    return grid


def _table_summary(tables: list[dict[str, Any]]) -> Table:
    grid = Table(
        box=box.SIMPLE_HEAD, title="Tables with sensitive columns", title_justify="left", pad_edge=False
    )
    grid.add_column("Table", overflow="fold")
    grid.add_column("Sensitive", justify="right")
    grid.add_column("Categories", overflow="fold")
    grid.add_column("Highest")
    for t in tables:
        sensitive = sum(1 for c in t["columns"] if c["categories"])
        if sensitive:
            grid.add_row(
                Text(_table_label(t)),
                Text(f"{sensitive} of {len(t['columns'])}"),
                Text(", ".join(t["categories"])),
                _sensitivity(t["sensitivity"]),
            )
    return grid


def _print_risk(document: dict[str, Any], console: Console, top: int = TOP_FINDINGS) -> None:
    """Overall level, findings per level and the most severe findings, when the risk engine ran."""
    risk = document.get("risk") or {}
    if not risk:
        return
    overall = risk["overall"]
    levels = [f["level"] for f in document["findings"]]  # every producer's findings, not only the engine's
    worst = min([*levels, overall["level"]], key=list(_LEVEL_STYLE).index)
    line = Text.assemble(("Overall risk: ", "bold"), (worst.upper(), _LEVEL_STYLE[worst]))
    counts = [(level, levels.count(level)) for level in _LEVEL_STYLE if levels.count(level)]
    if counts:
        line.append(" — ")
        for i, (level, n) in enumerate(counts):
            if i:
                line.append(" · ", style="dim")
            line.append(f"{n} {level}", style=_LEVEL_STYLE[level])
    else:
        line.append(" — no findings")
    console.print(line)
    by_fp = {f["fingerprint"]: f for f in document["findings"]}
    findings = [by_fp[fp] for fp in risk.get("top_risks", []) if fp in by_fp][:top] or document["findings"][
        :top
    ]
    if not findings:
        return
    grid = Table(box=box.SIMPLE_HEAD, title="Top findings", title_justify="left", pad_edge=False)
    for header in ("Level", "Rule", "Object", "Finding"):
        grid.add_column(header, overflow="fold")
    for f in findings:
        where = ".".join(p for p in (f["table"], f["column"]) if p) or f["source"]
        grid.add_row(
            Text(f["level"], style=_LEVEL_STYLE.get(f["level"], "")),
            Text(f["rule_id"]),
            Text(where),
            Text(f["title"]),
        )
    console.print(grid)
    more = len(document["findings"]) - len(findings)
    if more > 0:
        console.print(
            Text(f"… and {more} more finding{'s' if more != 1 else ''} in the reports.", style="dim")
        )


def _print_errors(errors: list[dict[str, Any]], console: Console) -> None:
    if not errors:
        return
    noun = "item" if len(errors) == 1 else "items"
    console.print(Text(f"{len(errors)} {noun} could not be scanned:", style="bold red"))
    for e in errors:
        where = "/".join(part for part in (e["source"], e["table"], e["column"]) if part)
        console.print(Text.assemble("  ", (where, "red"), f" ({e['stage']}): ", (e["message"], "red")))


def _table_label(t: dict[str, Any]) -> str:
    """``crm.sqlite/contacts``: the source's last path part keeps the terminal table narrow."""
    source = str(t["source"]).rstrip("/")
    short = source.rsplit("/", 1)[-1] if "://" not in source else source
    return f"{short}/{t['name']}"
