"""The HTML report: one self-contained file a consultant can e-mail or print.

Everything the page needs (CSS, the small filter script) is inlined by the templates in
``report_templates/``, so the file opens offline and leaks nothing to a CDN. Column and table names
come from the scanned systems and are untrusted, hence autoescaping is on for every template.
Presentation numbers (dates, heat-map cells, percentages) are prepared here so the templates stay
free of logic.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crmscan.model import CATEGORIES, Sensitivity
from crmscan.report.base import RenderOptions
from crmscan.resources import data_dir

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

#: Display names and one-line meanings, in ``CATEGORIES`` order.
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "pii": ("Personal data", "Identifies or contacts a person"),
    "financial": ("Financial", "Payment cards, bank accounts"),
    "health": ("Health", "Medical conditions and care"),
    "special": ("Special category", "Religion, ethnicity, beliefs (GDPR Art. 9)"),
    "credential": ("Credentials", "Passwords, keys, tokens"),
}


class HtmlRenderer:
    """Writes ``report.html``."""

    filename = "report.html"

    def render(self, document: dict[str, Any], options: RenderOptions) -> str:
        """The whole page; depends only on *document* and *options*, so golden files are stable."""
        template = _environment().get_template("report.html.j2")
        return template.render(doc=document, title=options.title, view=build_view(document))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(data_dir("report_templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["number"] = format_number
    env.filters["percent"] = format_percent
    return env


def build_view(document: dict[str, Any]) -> dict[str, Any]:
    """Derived, display-only values; the facts themselves stay in the document."""
    scan = document["scan"]
    summary = document["summary"]
    return {
        "scan_date": format_timestamp(scan["started"]),
        "duration": format_duration(scan["started"], scan["finished"]),
        "categories": [
            {"key": c, "label": CATEGORY_LABELS[c][0], "meaning": CATEGORY_LABELS[c][1]} for c in CATEGORIES
        ],
        "sensitivity_levels": [s.value for s in reversed(Sensitivity)],
        "sensitivity_shares": _shares(summary["columns_by_sensitivity"], summary["columns"]),
        "heatmap": [_heat_row(t) for t in document["tables"]],
        "rows_estimated": any(not t["row_count_exact"] for t in document["tables"]),
    }


def _heat_row(table: dict[str, Any]) -> dict[str, Any]:
    """One heat-map row: per category, how many columns and the worst sensitivity among them."""
    cells = []
    for cat in CATEGORIES:
        hits = [c for c in table["columns"] if cat in c["categories"]]
        level = max((Sensitivity(c["sensitivity"]) for c in hits), key=lambda s: s.rank, default=None)
        cells.append({"category": cat, "count": len(hits), "level": level.value if level else "empty"})
    return {"table": table, "cells": cells}


def _shares(counts: dict[str, int], total: int) -> list[dict[str, Any]]:
    return [
        {"level": s.value, "count": counts.get(s.value, 0), "width": 100 * counts.get(s.value, 0) / total}
        for s in reversed(Sensitivity)
        if total and counts.get(s.value, 0)
    ]


def format_number(value: int | None) -> str:
    """Thousands separators; ``unknown`` for a missing count."""
    return "unknown" if value is None else f"{value:,}"


def format_percent(ratio: float) -> str:
    """A ratio as a percentage; one decimal below 10 % so rare matches do not read as 0 %."""
    pct = ratio * 100
    return f"{pct:.1f}%" if 0 < pct < 10 else f"{pct:.0f}%"


def _parse(stamp: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # 3.10 rejects a bare "Z"
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_timestamp(stamp: str) -> str:
    """``1 January 2026, 00:00 UTC``; month names are fixed so the output ignores the locale."""
    dt = _parse(stamp)
    if dt is None:
        return stamp
    return f"{dt.day} {_MONTHS[dt.month - 1]} {dt.year}, {dt:%H:%M} UTC"


def format_duration(started: str, finished: str) -> str:
    """``42 s`` / ``3 min 5 s`` / ``2 h 4 min``; empty when either timestamp is unreadable."""
    start, end = _parse(started), _parse(finished)
    if start is None or end is None:
        return ""
    seconds = max(0, round((end - start).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
