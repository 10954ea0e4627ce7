"""JUnit XML for CI test tabs (GitLab ``artifacts:reports:junit``, Jenkins, Azure DevOps).

One test suite; one test case per finding (``classname`` = source.table, ``name`` = rule id and column)
that fails with the finding's message, or is skipped when a baseline suppresses it; plus one ``scan``
case that errors when sources or tables could not be read. No timestamps or durations, so the same scan
gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from crmscan.report.base import RenderOptions

#: Characters XML 1.0 cannot carry at all (a hostile table name must not make the file unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


class JunitRenderer:
    """``report.junit.xml``."""

    filename = "report.junit.xml"

    def render(self, document: dict[str, Any], options: RenderOptions) -> str:
        """The XML text, UTF-8, with a declaration and a trailing newline."""
        return build_junit(document)


def build_junit(document: dict[str, Any]) -> str:
    """The JUnit XML for a report document."""
    findings = document.get("findings", [])
    suppressed = (document.get("baseline") or {}).get("suppressed", [])
    errors = document.get("errors", [])
    suite = ET.Element(
        "testsuite",
        {
            "name": "crmscan",
            "tests": str(len(findings) + len(suppressed) + 1),
            "failures": str(len(findings)),
            "errors": str(1 if errors else 0),
            "skipped": str(len(suppressed)),
        },
    )
    scan = ET.SubElement(suite, "testcase", {"classname": "crmscan", "name": "scan"})
    if errors:
        error = ET.SubElement(
            scan,
            "error",
            {"message": f"{len(errors)} source(s) or table(s) could not be read", "type": "ScanError"},
        )
        error.text = _x(
            "\n".join(
                f"{e['source']}{'.' + e['table'] if e.get('table') else ''} [{e['stage']}]: {e['message']}"
                for e in errors
            )
        )
    for f in findings:
        case = _case(suite, f)
        failure = ET.SubElement(case, "failure", {"message": _x(f["message"]), "type": f["level"]})
        failure.text = _x(_details(f))
    for item in suppressed:
        case = _case(suite, item["finding"])
        triage = item["triage"]
        why = f"baseline: {triage.get('status') or 'known finding'}"
        if triage.get("reason"):
            why += f" — {triage['reason']}"
        ET.SubElement(case, "skipped", {"message": _x(why)})
    root = ET.Element("testsuites", {"name": "crmscan"})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, f: dict[str, Any]) -> ET.Element:
    classname = ".".join(p for p in (f["source"], f.get("table")) if p)
    name = f"{f['rule_id']} {f.get('column') or f.get('table') or f['source']}"
    attrs = {"classname": _x(classname), "name": _x(name)}
    if f.get("location"):
        attrs["file"] = _x(f["location"]["file"])
        attrs["line"] = str(f["location"]["line"])
    return ET.SubElement(suite, "testcase", attrs)


def _details(f: dict[str, Any]) -> str:
    lines = [
        f"{f['level'].upper()} {f['rule_id']}: {f['title']}",
        f["message"],
        f"Remediation: {f['remediation']}" if f.get("remediation") else "",
        f"Regulations: {', '.join(f['regulations'])}" if f.get("regulations") else "",
        f"Readers: {', '.join(f['readers'])}" if f.get("readers") else "",
        f"Where: {f['location']['file']}:{f['location']['line']}" if f.get("location") else "",
        f"Fingerprint: {f['fingerprint']}",
    ]
    return "\n".join(line for line in lines if line)
