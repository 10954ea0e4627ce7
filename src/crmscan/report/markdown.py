"""The Markdown report: GitHub-flavoured, short enough for a pull-request comment or a wiki page.

Built in Python rather than from a template because Markdown escaping is context dependent (table
cell, code span, plain text) and easier to get right, and to test, as small functions. Names and
messages come from the scanned systems and are untrusted: they must not break a table with a ``|``,
inject HTML or links, or start emphasis.
"""

from __future__ import annotations

import re
from typing import Any

from crmscan.model import CATEGORIES, Sensitivity
from crmscan.report.base import RenderOptions

# Characters that can start Markdown/HTML syntax anywhere in a line. "_" is handled separately:
# GFM never treats an underscore between two word characters as emphasis, so "audit_log" stays clean.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~&])")
_LOOSE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BACKTICKS = re.compile(r"`+")


class MarkdownRenderer:
    """Writes ``report.md``."""

    filename = "report.md"

    def render(self, document: dict[str, Any], options: RenderOptions) -> str:
        """Header, summary, risk and findings, category counts, sensitive columns, what was not scanned."""
        parts = [
            _header(document, options),
            _summary(document["summary"]),
            _risk(document),
            _findings(document),
            _categories(document["summary"]),
            _sensitive_columns(document["tables"]),
            _errors(document["errors"]),
        ]
        return "\n\n".join(parts) + "\n"


def text(value: object) -> str:
    """Untrusted text as inert Markdown: one line, no markup, no HTML, no table breaks."""
    flat = " ".join(str(value).split())
    return _LOOSE_UNDERSCORE.sub(r"\\_", _SPECIAL.sub(r"\\\1", flat))


def code(value: object, *, in_table: bool = True) -> str:
    r"""Untrusted text as a code span; names read best verbatim.

    The fence is one backtick longer than any run inside the value. In a GFM table a ``|`` must be
    written ``\|`` even inside a code span (the table splits cells before inline parsing).
    """
    flat = " ".join(str(value).split()) or " "
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    if in_table:
        flat = flat.replace("|", "\\|")
    return f"{fence}{pad}{flat}{pad}{fence}"


def _number(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def _percent(ratio: float) -> str:
    pct = ratio * 100
    return f"{pct:.1f}%" if 0 < pct < 10 else f"{pct:.0f}%"


def _table(header: list[str], rows: list[list[str]], align: str = "") -> str:
    """A GFM table; *align* has one character per column, ``r`` for right-aligned numbers."""
    marks = ["---:" if (align[i : i + 1] == "r") else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _header(document: dict[str, Any], options: RenderOptions) -> str:
    title = options.title
    scan = document["scan"]
    settings = scan["settings"]
    sources = ", ".join(code(s, in_table=False) for s in scan["sources"]) or "none"
    sample = (
        "schema only (no values read)"
        if settings["schema_only"]
        else f"up to {_number(settings['sample_size'])} rows per table, seed {settings['seed']}"
    )
    lines = [
        f"# {text(title)}",
        "",
        f"Scanned {text(scan['started'])} to {text(scan['finished'])} with {text(scan['tool'])} "
        f"{text(scan['tool_version'])}.",
        "",
        f"- Sources: {sources}",
        f"- Sample: {sample}",
    ]
    if options.client:
        lines.insert(4, f"- Client: {text(options.client)}")
    if options.assessor:
        lines.insert(5 if options.client else 4, f"- Assessor: {text(options.assessor)}")
    for key in ("include", "exclude"):
        if settings[key]:
            lines.append(
                f"- {key.capitalize()}: " + ", ".join(code(p, in_table=False) for p in settings[key])
            )
    return "\n".join(lines)


def _summary(summary: dict[str, Any]) -> str:
    share = f" ({_percent(summary['sensitive_columns'] / summary['columns'])})" if summary["columns"] else ""
    with_sensitive = _number(summary["tables_with_sensitive_columns"])
    row = [
        f"{_number(summary['tables'])} ({with_sensitive} with sensitive columns)",
        _number(summary["columns"]),
        f"{_number(summary['sensitive_columns'])}{share}",
        _number(summary["rows"]),
        _number(summary["errors"]),
    ]
    by_level = " · ".join(
        f"{s.value} {_number(summary['columns_by_sensitivity'][s.value])}" for s in reversed(Sensitivity)
    )
    table = _table(["Tables", "Columns", "Sensitive columns", "Rows", "Not scanned"], [row], "rrrrr")
    return f"## Summary\n\n{table}\n\nColumns by sensitivity: {by_level}"


def _risk(document: dict[str, Any]) -> str:
    """Overall level and counts per level, from the risk assessment."""
    risk = document.get("risk") or {}
    heading = "## Risk\n\n"
    if not risk:
        return heading + "No risk assessment was run."
    overall = risk["overall"]
    # Every producer's findings count (risk engine, policies, migrations), as in the findings table.
    levels = [f["level"] for f in document["findings"]]
    counts = " · ".join(f"{level} {levels.count(level)}" for level in overall["findings_by_level"])
    worst = min(levels + [overall["level"]], key=list(overall["findings_by_level"]).index)
    columns = " · ".join(f"{level} {n}" for level, n in overall["columns_by_level"].items())
    lines = [
        f"Overall risk: **{worst.upper()}** (highest column score {overall['score']:.0f}/100).",
        "",
        f"Findings by level: {counts}",
        "",
        f"Sensitive columns by risk level: {columns}",
    ]
    cited = ", ".join(r["id"] for r in risk.get("regulations", []))
    if cited:
        lines += ["", f"Regulations cited ({text(', '.join(risk['jurisdictions']))}): {text(cited)}"]
    return heading + "\n".join(lines)


def _findings(document: dict[str, Any]) -> str:
    """Every finding, most severe first, with readers, legal references and the remediation."""
    heading = "## Findings\n\n"
    if not document.get("risk"):
        return heading + "No risk assessment was run."
    if not document["findings"]:
        return heading + "No findings."
    rows = [
        [
            text(f["level"]),
            code(f["rule_id"]),
            code(".".join(p for p in (f["table"], f["column"]) if p) or f["source"]),
            text(f["message"]),
            ", ".join(code(r) for r in f["readers"]) or "—",
            text(", ".join(f["regulations"])) or "—",
            text(f["remediation"]),
        ]
        for f in document["findings"]
    ]
    header = ["Level", "Rule", "Object", "Finding", "Readers", "Regulations", "Remediation"]
    return heading + _table(header, rows)


def _categories(summary: dict[str, Any]) -> str:
    rows = [[cat, _number(summary["columns_by_category"][cat])] for cat in CATEGORIES]
    return "## Sensitive columns by category\n\n" + _table(["Category", "Columns"], rows, "-r")


def _sensitive_columns(tables: list[dict[str, Any]]) -> str:
    rows = [
        [
            f"{code(t['name'])} ({text(t['source'])})",
            code(c["name"]),
            ", ".join(text(cat) for cat in c["categories"]),
            _entities(c["entities"]),
            text(c["sensitivity"]),
            # Only sensitive columns are listed, so "none" means readable as stored: say so plainly.
            "cleartext" if c["protection"] == "none" else text(c["protection"]),
            _evidence(c["evidence"]),
        ]
        for t in tables
        for c in t["columns"]
        if c["categories"]
    ]
    heading = "## Sensitive columns\n\n"
    if not tables:
        return heading + "No tables were scanned."
    if not rows:
        return heading + "No sensitive columns were found."
    header = ["Table", "Column", "Categories", "Entities", "Sensitivity", "Protection", "Evidence"]
    return heading + _table(header, rows)


def _entities(entities: list[dict[str, Any]]) -> str:
    parts = []
    for e in entities:
        seen = (
            f"{_percent(e['match_ratio'])} of {_number(e['sampled'])}"
            if e["sampled"]
            else f"from {e['basis']}"
        )
        parts.append(f"{text(e['type'])} (confidence {e['confidence']:.2f}, {text(seen)})")
    return "; ".join(parts) or "—"


def _evidence(evidence: list[dict[str, Any]]) -> str:
    parts = []
    for ev in evidence:
        line = f"{text(ev['kind'])} {text(ev['rule_id'])}: {text(ev['detail'])}"
        if ev["sampled"]:
            line += f" ({_number(ev['matched'])}/{_number(ev['sampled'])})"
        if ev["examples"]:
            line += ", e.g. " + " ".join(code(x) for x in ev["examples"])
        parts.append(line)
    return "; ".join(parts) or "—"


def _errors(errors: list[dict[str, Any]]) -> str:
    heading = "## What could not be scanned\n\n"
    if not errors:
        return heading + "Everything was scanned."
    rows = [
        [
            text(e["source"]),
            "whole source" if e["table"] is None else code(e["table"]),
            ("whole table" if e["table"] is not None else "—") if e["column"] is None else code(e["column"]),
            text(e["stage"]),
            text(e["message"]),
        ]
        for e in errors
    ]
    return heading + _table(["Source", "Table", "Column", "Stage", "Problem"], rows)
