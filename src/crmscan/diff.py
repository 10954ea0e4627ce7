"""``crmscan diff OLD.json NEW.json``: what changed between two scans, for a pull-request comment.

Compares two JSON reports: sensitive columns added or removed, category / sensitivity / protection
changes, read paths (who can read a sensitive column) added or removed, findings new, resolved or
changed in level or score, and the risk roll-up's numbers. Columns are matched by (source, table,
column); two single-source reports with different labels (``prod.db`` against ``staging.db``) are
paired as one source. The result is a JSON-ready dict (:func:`compare`), rendered as Markdown by
:func:`to_markdown` and for the terminal by :mod:`crmscan.cli.diff`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crmscan.errors import UsageError
from crmscan.model import LEVELS

DIFF_VERSION = 1
#: Rows per Markdown table; GitHub comments stop at 65,536 characters.
MAX_MD_ROWS = 50
MARKER = "<!-- crmscan-diff -->"


def load_report(path: Path) -> dict[str, Any]:
    """A crmscan JSON report (``crmscan scan --format json``).

    Raises:
        UsageError: missing file, not JSON, or not a crmscan report of a known major version.
    """
    if not path.is_file():
        raise UsageError(f"{path}: no such report; write one with `crmscan scan SOURCE --format json`")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the report ({type(exc).__name__})") from None
    version = document.get("schema_version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith("1."):
        raise UsageError(
            f"{path}: not a crmscan JSON report (schema_version 1.x); use report.json from `crmscan scan`"
        )
    for key in ("tables", "findings", "scan"):
        if key not in document:
            raise UsageError(f"{path}: crmscan report without '{key}'; was it edited by hand?")
    return document


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The differences between two report documents, as a JSON-ready dict with sorted lists."""
    pairing = _pairing(old, new)
    old_cols = _columns(old, pairing)
    new_cols = _columns(new, {})
    added, removed, changed = [], [], []
    for key in sorted(set(old_cols) | set(new_cols)):
        before, after = old_cols.get(key), new_cols.get(key)
        was = before is not None and bool(before["categories"])
        now = after is not None and bool(after["categories"])
        if after is not None and now and not was:
            added.append({**_col(key, after), "was": "absent" if before is None else "not sensitive"})
        elif before is not None and was and not now:
            removed.append({**_col(key, before), "now": "absent" if after is None else "not sensitive"})
        elif before is not None and after is not None and was and now:
            changes = {
                name: [before[name], after[name]]
                for name in ("categories", "sensitivity", "protection")
                if before[name] != after[name]
            }
            if changes:
                changed.append({**_col(key, after), "changes": changes})
    readers_added, readers_removed = _reader_changes(old_cols, new_cols)
    findings = _finding_changes(old, new, pairing)
    risk = _risk_changes(old.get("risk") or {}, new.get("risk") or {})
    summary = {
        "sensitive_columns_added": len(added),
        "sensitive_columns_removed": len(removed),
        "columns_changed": len(changed),
        "read_paths_added": len(readers_added),
        "read_paths_removed": len(readers_removed),
        "findings_new": len(findings["new"]),
        "findings_resolved": len(findings["resolved"]),
        "findings_changed": len(findings["changed"]),
        "risk_changed": len(risk),
    }
    return {
        "version": DIFF_VERSION,
        "old": {
            "sources": list(old["scan"].get("sources", [])),
            "tool_version": old["scan"].get("tool_version"),
        },
        "new": {
            "sources": list(new["scan"].get("sources", [])),
            "tool_version": new["scan"].get("tool_version"),
        },
        "paired_sources": [{"old": o, "new": n} for o, n in sorted(pairing.items())],
        "summary": summary,
        "columns": {"added": added, "removed": removed, "changed": changed},
        "read_paths": {"added": readers_added, "removed": readers_removed},
        "findings": findings,
        "risk": risk,
    }


def has_changes(diff: dict[str, Any]) -> bool:
    """True when anything privacy-relevant changed."""
    return any(diff["summary"].values())


def _pairing(old: dict[str, Any], new: dict[str, Any]) -> dict[str, str]:
    """Old source label → new label, when each report has one source and the labels differ."""
    old_sources = list(old["scan"].get("sources", []))
    new_sources = list(new["scan"].get("sources", []))
    if len(old_sources) == 1 and len(new_sources) == 1 and old_sources != new_sources:
        return {old_sources[0]: new_sources[0]}
    return {}


Key = tuple[str, str, str]


def _columns(document: dict[str, Any], pairing: dict[str, str]) -> dict[Key, dict[str, Any]]:
    out = {}
    for table in document["tables"]:
        source = pairing.get(table["source"], table["source"])
        for column in table["columns"]:
            out[(source, table["name"], column["name"])] = column
    return out


def _col(key: Key, column: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": key[0],
        "table": key[1],
        "column": key[2],
        "categories": list(column["categories"]),
        "entities": sorted({e["type"] for e in column.get("entities", [])}),
        "sensitivity": column["sensitivity"],
        "protection": column["protection"],
    }


def _reader_changes(
    old_cols: dict[Key, dict[str, Any]], new_cols: dict[Key, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Who newly can (or no longer can) read a sensitive column."""
    added, removed = [], []
    for key in sorted(set(old_cols) | set(new_cols)):
        before, after = old_cols.get(key), new_cols.get(key)
        old_readers = {r["principal"]: r for r in ((before or {}).get("readers") or [])}
        new_readers = {r["principal"]: r for r in ((after or {}).get("readers") or [])}
        if after and after["categories"]:
            for name in sorted(set(new_readers) - set(old_readers)):
                added.append(_path(key, after, new_readers[name]))
        if before and before["categories"]:
            for name in sorted(set(old_readers) - set(new_readers)):
                removed.append(_path(key, before, old_readers[name]))
    return added, removed


def _path(key: Key, column: dict[str, Any], reader: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": key[0],
        "table": key[1],
        "column": key[2],
        "categories": list(column["categories"]),
        "principal": reader["principal"],
        "kind": reader.get("kind"),
        "third_party": bool(reader.get("third_party")),
        "via": list(reader.get("via") or []),
    }


def _all_findings(
    document: dict[str, Any], pairing: dict[str, str]
) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """Findings by (source, table, column, rule) — suppressed ones count as present."""
    items = [(f, None) for f in document.get("findings", [])]
    items += [(s["finding"], s["triage"]) for s in (document.get("baseline") or {}).get("suppressed", [])]
    out = {}
    for f, triage in items:
        source = pairing.get(f["source"], f["source"])
        key = (source, f.get("table") or "", f.get("column") or "", f["rule_id"])
        out[key] = {**f, "source": source, "suppressed": triage is not None, "triage": triage}
    return out


def _finding_changes(
    old: dict[str, Any], new: dict[str, Any], pairing: dict[str, str]
) -> dict[str, list[Any]]:
    before, after = _all_findings(old, pairing), _all_findings(new, {})

    def brief(f: dict[str, Any]) -> dict[str, Any]:
        return {
            "fingerprint": f["fingerprint"],
            "rule_id": f["rule_id"],
            "level": f["level"],
            "title": f["title"],
            "message": f["message"],
            "source": f["source"],
            "table": f.get("table"),
            "column": f.get("column"),
            "score": f.get("score"),
            "location": f.get("location"),
            "suppressed": f["suppressed"],
            "triage": (f.get("triage") or {}).get("status") if f["suppressed"] else None,
        }

    def order(f: dict[str, Any]) -> tuple[int, str, str, str, str]:
        level = LEVELS.index(f["level"]) if f["level"] in LEVELS else len(LEVELS)
        return (level, f["source"], f["table"] or "", f["column"] or "", f["rule_id"])

    new_items = sorted((brief(after[k]) for k in set(after) - set(before)), key=order)
    resolved = sorted((brief(before[k]) for k in set(before) - set(after)), key=order)
    changed = []
    for k in set(before) & set(after):
        b, a = before[k], after[k]
        delta = {
            name: [b.get(name), a.get(name)] for name in ("level", "score") if b.get(name) != a.get(name)
        }
        if delta:
            changed.append({**brief(a), "changes": delta})
    return {"new": new_items, "resolved": resolved, "changed": sorted(changed, key=order)}


def _risk_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Numbers and labels of the risk roll-up that changed, by dotted path (lists are left out)."""
    flat_old, flat_new = _flatten(old), _flatten(new)
    return [
        {"path": path, "old": flat_old.get(path), "new": flat_new.get(path)}
        for path in sorted(set(flat_old) | set(flat_new))
        if flat_old.get(path) != flat_new.get(path)
    ]


def _flatten(obj: Any, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(obj, dict) and depth < 3:
        for key, value in obj.items():
            out.update(_flatten(value, f"{prefix}{key}.", depth + 1))
    elif isinstance(obj, (int, float, str, bool)) and prefix:
        out[prefix[:-1]] = obj
    return out


# -- Markdown -------------------------------------------------------------------------------------------


def to_markdown(diff: dict[str, Any]) -> str:
    """A pull-request comment: a summary line, then one table per kind of change."""
    lines = [MARKER, "### crmscan: privacy changes", ""]
    if diff["paired_sources"]:
        pair = diff["paired_sources"][0]
        lines += [f"_Comparing `{_code(pair['old'])}` (before) with `{_code(pair['new'])}` (after)._", ""]
    if not has_changes(diff):
        lines += ["No privacy-relevant changes: no new sensitive columns, read paths or findings.", ""]
        return "\n".join(lines)
    s = diff["summary"]
    parts = [
        (s["findings_new"], "new finding"),
        (s["sensitive_columns_added"], "new sensitive column"),
        (s["read_paths_added"], "new read path"),
        (s["columns_changed"], "changed column"),
        (s["findings_resolved"], "resolved finding"),
        (s["sensitive_columns_removed"], "removed sensitive column"),
        (s["read_paths_removed"], "removed read path"),
    ]
    lines += ["**" + " · ".join(f"{n} {label}{'s' if n != 1 else ''}" for n, label in parts if n) + "**", ""]
    f = diff["findings"]
    if f["new"]:
        lines += _md_table(
            "New findings",
            ["Level", "Rule", "Object", "Message", "Where"],
            [
                [
                    _level(x["level"]) + _baselined(x),
                    x["rule_id"],
                    _obj(x),
                    x["message"],
                    _where(x),
                ]
                for x in f["new"]
            ],
        )
    c = diff["columns"]
    if c["added"]:
        lines += _md_table(
            "New sensitive columns",
            ["Column", "Categories", "Entities", "Sensitivity", "Protection"],
            [
                [
                    _obj(x),
                    ", ".join(x["categories"]),
                    ", ".join(x["entities"]),
                    x["sensitivity"],
                    x["protection"],
                ]
                for x in c["added"]
            ],
        )
    r = diff["read_paths"]
    if r["added"]:
        lines += _md_table(
            "New read paths to sensitive columns",
            ["Column", "Categories", "Principal", "Kind", "Via"],
            [
                [
                    _obj(x),
                    ", ".join(x["categories"]),
                    x["principal"],
                    (x["kind"] or "")
                    + (" (third party)" if x["third_party"] and x["kind"] != "third_party" else ""),
                    " → ".join(x["via"]),
                ]
                for x in r["added"]
            ],
        )
    if c["changed"]:
        lines += _md_table(
            "Changed sensitive columns",
            ["Column", "Change"],
            [[_obj(x), "; ".join(_change(k, v) for k, v in x["changes"].items())] for x in c["changed"]],
        )
    if f["changed"]:
        lines += _md_table(
            "Findings that changed",
            ["Rule", "Object", "Change"],
            [
                [x["rule_id"], _obj(x), "; ".join(_change(k, v) for k, v in x["changes"].items())]
                for x in f["changed"]
            ],
        )
    if diff["risk"]:
        lines += _md_table(
            "Risk",
            ["Measure", "Before", "After"],
            [[x["path"], str(x["old"]), str(x["new"])] for x in diff["risk"]],
        )
    if f["resolved"]:
        lines += _md_table(
            "Resolved findings",
            ["Level", "Rule", "Object", "Message"],
            [[x["level"], x["rule_id"], _obj(x), x["message"]] for x in f["resolved"]],
        )
    if c["removed"]:
        lines += _md_table(
            "Columns no longer sensitive",
            ["Column", "Was", "Now"],
            [[_obj(x), ", ".join(x["categories"]), x["now"]] for x in c["removed"]],
        )
    if r["removed"]:
        lines += _md_table(
            "Removed read paths",
            ["Column", "Principal", "Kind"],
            [[_obj(x), x["principal"], x["kind"] or ""] for x in r["removed"]],
        )
    return "\n".join(lines)


def _md_table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    out = [f"#### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows[:MAX_MD_ROWS]:
        out.append("| " + " | ".join(_cell(v) for v in row) + " |")
    if len(rows) > MAX_MD_ROWS:
        out.append(f"\n_… and {len(rows) - MAX_MD_ROWS} more (see `crmscan diff --format json`)._")
    out.append("")
    return out


def _cell(value: str) -> str:
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _code(value: str) -> str:
    return value.replace("`", "'")


def _obj(x: dict[str, Any]) -> str:
    name = ".".join(p for p in (x.get("table"), x.get("column")) if p) or x["source"]
    return f"`{_code(name)}`"


def _where(x: dict[str, Any]) -> str:
    loc = x.get("location")
    return f"`{_code(loc['file'])}:{loc['line']}`" if loc else ""


def _level(level: str) -> str:
    return f"**{level}**" if level in ("critical", "high") else level


def _baselined(x: dict[str, Any]) -> str:
    if not x["suppressed"]:
        return ""
    return f" ({(x.get('triage') or 'baselined').replace('_', ' ')})"


def _change(name: str, pair: list[Any]) -> str:
    before, after = pair
    if isinstance(before, list) or isinstance(after, list):
        before = ", ".join(before or []) or "none"
        after = ", ".join(after or []) or "none"
    return f"{name} {before} → {after}"
