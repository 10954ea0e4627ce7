"""The JSON report contract: schemas/report.schema.json is valid and matches build_document()."""

from __future__ import annotations

import copy
import json
from typing import Any, get_args

import pytest
from jsonschema import Draft202012Validator

from crmscan.model import CATEGORIES, Protection, Sensitivity, TableKind
from crmscan.report.document import SCHEMA_VERSION, build_document
from crmscan.report.fixtures import empty_scan_result, hostile_scan_result, sample_scan_result
from crmscan.resources import data_dir


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads((data_dir("schemas") / "report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(validator: Draft202012Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("make", [sample_scan_result, empty_scan_result, hostile_scan_result])
def test_documents_validate(validator: Draft202012Validator, make: Any) -> None:
    assert _errors(validator, build_document(make())) == []


def test_current_schema_version_matches_pattern(validator: Draft202012Validator) -> None:
    document = build_document(sample_scan_result())
    assert document["schema_version"] == SCHEMA_VERSION
    document["schema_version"] = "1.7"
    assert _errors(validator, document) == []
    document["schema_version"] = "2.0"
    assert _errors(validator, document)


def test_enums_match_the_model(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert defs["category"]["enum"] == list(CATEGORIES)
    assert defs["sensitivity"]["enum"] == [s.value for s in Sensitivity]
    assert defs["protection"]["enum"] == [p.value for p in Protection]
    assert defs["table"]["properties"]["kind"]["enum"] == list(get_args(TableKind))
    assert defs["summary"]["properties"]["columns_by_category"]["required"] == list(CATEGORIES)
    assert defs["summary"]["properties"]["columns_by_sensitivity"]["required"] == [
        s.value for s in Sensitivity
    ]


@pytest.mark.parametrize(
    "path",
    [
        (),
        ("scan",),
        ("scan", "settings"),
        ("summary",),
        ("tables", 0),
        ("tables", 0, "columns", 1),
        ("tables", 0, "columns", 1, "entities", 0),
        ("tables", 0, "columns", 1, "evidence", 0),
        ("tables", 0, "columns", 1, "stats"),
        ("errors", 0),
        ("risk",),
        ("risk", "overall"),
        ("risk", "columns", 0),
        ("risk", "columns", 0, "factors"),
        ("risk", "columns", 0, "factors", "exposure"),
        ("risk", "columns", 0, "readers", 0),
        ("risk", "findings", 0),
        ("risk", "rules", 0),
        ("risk", "regulations", 0),
        ("risk", "impact"),
        ("risk", "impact", "breach_cost"),
        ("risk", "impact", "fines", 0),
        ("risk", "limitations"),
        ("findings", 0),
    ],
)
def test_unknown_keys_are_drift(validator: Draft202012Validator, path: tuple[Any, ...]) -> None:
    document = copy.deepcopy(build_document(sample_scan_result()))
    target: Any = document
    for step in path:
        target = target[step]
    target["surprise"] = 1
    assert _errors(validator, document), f"an unknown key under {path} should fail validation"


def test_grants_findings_and_risk_have_a_shape(validator: Draft202012Validator) -> None:
    document = build_document(sample_scan_result())
    assert _errors(validator, document) == []
    document.update(grants={"roles": []})
    assert _errors(validator, document), "grants is a list of per-source objects"


def test_missing_required_field_fails(validator: Draft202012Validator) -> None:
    document = copy.deepcopy(build_document(sample_scan_result()))
    del document["tables"][0]["columns"][0]["sensitivity"]
    assert _errors(validator, document)


def test_bad_enum_value_fails(validator: Draft202012Validator) -> None:
    document = copy.deepcopy(build_document(sample_scan_result()))
    document["tables"][0]["columns"][1]["categories"] = ["secret"]
    assert _errors(validator, document)


def _undocumented(node: Any, defs: dict[str, Any], where: str) -> list[str]:
    """Properties with neither a description nor a $ref to a described definition."""
    missing = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            ref = sub.get("$ref", "")
            target = defs.get(ref.rsplit("/", 1)[-1], {}) if ref.startswith("#/$defs/") else {}
            if "description" not in sub and "description" not in target:
                missing.append(f"{where}.{name}")
        for key, sub in node.items():
            missing += _undocumented(sub, defs, f"{where}.{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            missing += _undocumented(sub, defs, f"{where}[{i}]")
    return missing


def test_every_field_is_documented(schema: dict[str, Any]) -> None:
    assert _undocumented(schema, schema["$defs"], "$") == []


def test_risk_object_is_documented_and_consistent(
    schema: dict[str, Any], validator: Draft202012Validator
) -> None:
    from crmscan.model import LEVELS
    from crmscan.risk import JURISDICTIONS
    from crmscan.risk.weights import TIERS

    defs = schema["$defs"]
    assert defs["level"]["enum"] == list(LEVELS)
    assert defs["readerRisk"]["properties"]["tier"]["enum"] == list(TIERS)
    assert defs["regulation"]["properties"]["jurisdiction"]["enum"] == list(JURISDICTIONS)
    document = build_document(sample_scan_result())
    risk = document["risk"]
    assert set(risk) == set(defs["riskAssessment"]["required"])
    engine = [f["fingerprint"] for f in document["findings"] if f["rule_id"].startswith("RSK")]
    assert [d["fingerprint"] for d in risk["findings"]] == engine
    cited = {r for f in document["findings"] for r in f["regulations"]}
    assert {r["id"] for r in risk["regulations"]} == cited
    for finding in document["findings"]:
        assert finding["factors"], finding["rule_id"]


def test_empty_risk_object_means_no_assessment(validator: Draft202012Validator) -> None:
    document = copy.deepcopy(build_document(sample_scan_result()))
    document["risk"] = {}
    assert _errors(validator, document) == []
    document["risk"] = {"overall": {"level": "high"}}
    assert _errors(validator, document), "a partial risk object is drift, not 'no assessment'"


def test_bad_risk_values_fail(validator: Draft202012Validator) -> None:
    document = copy.deepcopy(build_document(sample_scan_result()))
    document["risk"]["columns"][0]["level"] = "severe"
    assert _errors(validator, document)
    document = copy.deepcopy(build_document(sample_scan_result()))
    document["risk"]["columns"][0]["score"] = 140
    assert _errors(validator, document)
