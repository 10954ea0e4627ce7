"""SARIF 2.1.0 for code hosts (GitHub code scanning, GitLab, Azure DevOps, IDE viewers).

One run; ``tool.driver.rules`` lists every rule that produced a finding, with its title, remediation,
regulations and, for GitHub, a ``security-severity``. Each finding is a result with:

* ``level`` from :data:`LEVELS` (the one severity table);
* ``partialFingerprints`` from the finding's fingerprint — the key baselines use, so a host tracks the
  same alert across runs;
* a logical location ``source.table.column`` and, when the finding comes from a migration file, a
  physical location with file and line (otherwise the source itself, when it is one local file);
  GitHub code scanning wants a file per result, so upload SARIF from migration or file scans (a result
  about a database URL has only its logical location);
* ``suppressions`` for findings a baseline suppressed (``accepted``, with the triage reason).

Nothing in it changes between two scans of the same input: no timestamps, no invocation, stable order,
sorted keys — the same scan gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from crmscan.report.base import RenderOptions, dumps_stable

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: Key under ``partialFingerprints``; bump the suffix if the fingerprint's definition ever changes.
FINGERPRINT_KEY = "crmscanFingerprint/v1"

#: crmscan level → (SARIF level, GitHub security-severity). The one place severities are mapped.
LEVELS: dict[str, tuple[str, str]] = {
    "critical": ("error", "9.5"),
    "high": ("error", "8.0"),
    "medium": ("warning", "5.5"),
    "low": ("note", "3.0"),
    "info": ("note", "0.0"),
}
_ORDER = ("critical", "high", "medium", "low", "info")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")


def sarif_level(level: str) -> str:
    """The SARIF ``level`` of a crmscan level."""
    return LEVELS.get(level, ("note", "0.0"))[0]


class SarifRenderer:
    """``report.sarif``."""

    filename = "report.sarif"

    def render(self, document: dict[str, Any], options: RenderOptions) -> str:
        """The SARIF log as deterministic JSON."""
        return dumps_stable(build_sarif(document))


def build_sarif(document: dict[str, Any]) -> dict[str, Any]:
    """The SARIF log (a dict) for a report document."""
    findings = [(f, None) for f in document.get("findings", [])]
    findings += [(s["finding"], s["triage"]) for s in (document.get("baseline") or {}).get("suppressed", [])]
    rules, index = _rules([f for f, _ in findings], _rule_meta(document))
    results = [_result(f, triage, index) for f, triage in findings]
    driver: dict[str, Any] = {
        "name": "crmscan",
        "version": str(document["scan"]["tool_version"]),
        "rules": rules,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _rule_meta(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Descriptions by rule id: the risk engine's rules (``risk.rules``) and the built-in policies."""
    meta: dict[str, dict[str, Any]] = {}
    try:
        from crmscan.gating.policies import load_policies

        for p in load_policies().policies:
            meta[p.id] = {"description": p.description, "help_uri": p.help_uri, "level": p.severity}
    except Exception:  # noqa: BLE001 - descriptions are optional; a broken pack fails the scan elsewhere
        pass
    risk = document.get("risk") or {}
    for r in risk.get("rules", []) if isinstance(risk, dict) else []:
        if isinstance(r, dict) and "id" in r:
            meta[r["id"]] = {
                "description": r.get("description"),
                "name": r.get("name"),
                "level": r.get("level"),
            }
    return meta


def _rules(
    findings: list[dict[str, Any]], meta: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One reportingDescriptor per rule id, sorted by id; the rule's own level, else the worst seen."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_id.setdefault(f["rule_id"], []).append(f)
    rules = []
    for rule_id in sorted(by_id):
        group = sorted(by_id[rule_id], key=lambda f: _ORDER.index(f["level"]) if f["level"] in _ORDER else 9)
        top = group[0]
        info = meta.get(rule_id, {})
        level, severity = LEVELS.get(info.get("level") or top["level"], ("note", "0.0"))
        description = " ".join(str(info.get("description") or top["title"]).split())
        regulations = sorted({r for f in group for r in f.get("regulations", [])})
        remediation = top.get("remediation") or top["title"]
        help_md = f"**Remediation:** {remediation}"
        if regulations:
            help_md += "\n\n**Regulations:** " + ", ".join(regulations)
        rule: dict[str, Any] = {
            "id": rule_id,
            "name": _pascal(info.get("name") or top["title"]) or rule_id,
            "shortDescription": {"text": top["title"]},
            "fullDescription": {"text": description},
            "help": {"text": remediation, "markdown": help_md},
            "defaultConfiguration": {"level": level},
            "properties": {
                "tags": ["privacy", "security"] + [f"regulation/{r}" for r in regulations],
                "security-severity": severity,
            },
        }
        if info.get("help_uri"):
            rule["helpUri"] = info["help_uri"]
        rules.append(rule)
    return rules, {r["id"]: i for i, r in enumerate(rules)}


def _result(f: dict[str, Any], triage: dict[str, Any] | None, index: dict[str, int]) -> dict[str, Any]:
    name = ".".join(p for p in (f["source"], f.get("table"), f.get("column")) if p)
    logical: dict[str, Any] = {
        "fullyQualifiedName": name,
        "name": f.get("column") or f.get("table") or f["source"],
        "kind": "member" if f.get("column") else "resource",
    }
    location: dict[str, Any] = {"logicalLocations": [logical]}
    physical = _physical(f)
    if physical is not None:
        location["physicalLocation"] = physical
    properties: dict[str, Any] = {
        "crmscanLevel": f["level"],
        "source": f["source"],
        "table": f.get("table"),
        "column": f.get("column"),
    }
    if f.get("readers"):
        properties["readers"] = list(f["readers"])
    if f.get("regulations"):
        properties["regulations"] = list(f["regulations"])
    if f.get("score") is not None:
        properties["score"] = f["score"]
    result: dict[str, Any] = {
        "ruleId": f["rule_id"],
        "ruleIndex": index[f["rule_id"]],
        "level": sarif_level(f["level"]),
        "message": {"text": f["message"] or f["title"]},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f["fingerprint"]},
        "properties": properties,
    }
    if triage is not None:
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        status = triage.get("status")
        reason = triage.get("reason")
        justification = f"baseline: {status or 'known finding'}" + (f" — {reason}" if reason else "")
        suppression["justification"] = justification
        if triage.get("by") or triage.get("at"):
            suppression["properties"] = {k: triage[k] for k in ("by", "at") if triage.get(k)}
        result["suppressions"] = [suppression]
    return result


def _physical(f: dict[str, Any]) -> dict[str, Any] | None:
    loc = f.get("location")
    if loc:
        return {
            "artifactLocation": {"uri": _uri(loc["file"])},
            "region": {"startLine": int(loc["line"])},
        }
    source = f["source"]
    if _URL.match(source) or ", " in source or not PurePosixPath(source.replace("\\", "/")).suffix:
        return None  # a database or a folder: no one file to point at
    return {"artifactLocation": {"uri": _uri(source)}}


def _uri(path: str) -> str:
    """A relative path stays relative (code hosts resolve it against the checkout); others: file URIs."""
    from urllib.parse import quote

    posix = path.replace("\\", "/")
    if PureWindowsPath(path).is_absolute() and not posix.startswith("/"):
        return "file:///" + quote(posix, safe="/:")
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(posix, safe="/")
    return quote(posix.removeprefix("./"), safe="/")


def _pascal(title: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", title))
