"""The demo CRM with its grants file, through the real pipeline: the exact findings, and a valid report.

checkov-style: the test asserts the exact set of (rule id, object) pairs the demo produces, so a rule
that silently stops firing — or starts firing on a trap — fails here. The demo grants carry two
realistic mistakes on purpose (the BI service account reads the whole payments table; the marketing
agency was granted all of contacts), so every finding rule RSK001-RSK013 fires at least once; the
rules are also covered one by one in tests/test_risk_findings.py.

RSK008 (children) relies on the classifier's ``minors_under_14`` fact, computed against today's date:
the demo's youngest contacts turn 16 around 2041, when that pair will drop out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from crmscan.classify import nlp
from crmscan.model import ScanResult, ScanSettings
from crmscan.report.document import build_document
from crmscan.risk import JURISDICTIONS, assess, load_risk_data
from crmscan.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo_crm"

DB = "crm.sqlite"
FILES = "exports"
EXPECTED: set[tuple[str, str]] = {
    ("RSK001", f"{DB}:payments.cvv"),
    ("RSK002", f"{DB}:payments.card_number"),
    ("RSK002", f"{FILES}:客户名单_gbk.csv.银行卡号"),
    ("RSK003", f"{DB}:payments.card_number"),
    ("RSK004", f"{DB}:contacts.ethnicity"),
    ("RSK004", f"{DB}:contacts.religion"),
    ("RSK005", f"{DB}:users.full_name"),
    ("RSK006", f"{DB}:users.api_token"),
    ("RSK006", f"{DB}:users.totp_secret"),
    ("RSK007", f"{DB}:cases"),
    ("RSK007", f"{DB}:notes"),
    ("RSK007", f"{DB}:patient_intake"),
    ("RSK007", f"{FILES}:客户名单_gbk.csv"),
    ("RSK008", f"{DB}:contacts.date_of_birth"),
    ("RSK009", f"{DB}:cases.description"),
    ("RSK010", f"{DB}:cases.description"),
    ("RSK010", f"{DB}:contacts.ethnicity"),
    ("RSK010", f"{DB}:contacts.national_id"),
    ("RSK010", f"{DB}:contacts.religion"),
    ("RSK010", f"{DB}:contacts.ssn"),
    ("RSK010", f"{DB}:notes.body"),
    ("RSK010", f"{DB}:payments.card_expiry"),
    ("RSK010", f"{DB}:payments.card_last4"),
    ("RSK010", f"{DB}:payments.card_number"),
    ("RSK010", f"{DB}:payments.cvv"),
    ("RSK010", f"{DB}:payments.iban"),
    ("RSK011", f"{DB}:contacts.ethnicity"),
    ("RSK011", f"{DB}:contacts.religion"),
    ("RSK012", DB),
    ("RSK012", FILES),
    ("RSK013", f"{DB}:contacts.national_id"),
    ("RSK013", f"{DB}:contacts.ssn"),
    ("RSK013", f"{DB}:payments.iban"),
    ("RSK013", f"{FILES}:客户名单_gbk.csv.身份证号"),
}


@pytest.fixture(scope="module")
def demo(nlp_classifier: Any) -> ScanResult:
    if not nlp.nlp_installed():
        pytest.skip("the demo's free-text findings need spaCy and presidio (pip install 'crmscan[nlp]')")
    return run_scan(
        [str(DEMO / "crm.sqlite"), str(DEMO / "exports")],
        ScanSettings(nlp_model="auto"),
        nlp_classifier,
        grants_file=DEMO / "grants.yaml",
    )


@pytest.fixture(scope="module")
def assessed(demo: ScanResult) -> ScanResult:
    assess(demo, JURISDICTIONS)
    return demo


def _pair(f: Any) -> tuple[str, str]:
    source = Path(f.source).name
    if f.table is None:
        return f.rule_id, source
    return f.rule_id, f"{source}:{'.'.join(p for p in (f.table, f.column) if p)}"


def test_exact_findings_of_the_demo(assessed: ScanResult) -> None:
    found = {_pair(f) for f in assessed.findings if f.rule_id.startswith("RSK")}
    assert found == EXPECTED, {"missing": EXPECTED - found, "unexpected": found - EXPECTED}


def test_every_demo_finding_is_complete(assessed: ScanResult) -> None:
    rules = load_risk_data().rules
    for f in assessed.findings:
        if not f.rule_id.startswith("RSK"):
            continue
        assert f.level == rules[f.rule_id].level or rules[f.rule_id].scored, f.rule_id
        assert f.factors and f.regulations and f.remediation and f.message and f.title, f.rule_id
        assert f.records is not None and f.records > 0, f.rule_id


def test_levels_of_the_headline_findings(assessed: ScanResult) -> None:
    level = {_pair(f): f.level for f in assessed.findings if f.rule_id.startswith("RSK")}
    assert level[("RSK001", f"{DB}:payments.cvv")] == "critical"
    assert level[("RSK002", f"{DB}:payments.card_number")] == "high"
    assert level[("RSK006", f"{DB}:users.api_token")] == "high"
    assert level[("RSK007", f"{DB}:patient_intake")] == "high"
    assert level[("RSK011", f"{DB}:contacts.ethnicity")] == "low"
    assert assessed.risk["overall"]["level"] == "critical"  # type: ignore[index]


def test_readers_and_purposes_from_the_grants_file(assessed: ScanResult) -> None:
    by_pair = {_pair(f): f for f in assessed.findings}
    public = by_pair[("RSK005", f"{DB}:users.full_name")]
    assert public.readers == ("PUBLIC",) and "240 people" in public.message
    support = by_pair[("RSK010", f"{DB}:cases.description")]
    assert support.readers == ("support",) and "handling customer cases" in support.message
    columns = {(Path(c["source"]).name, c["table"], c["column"]): c for c in assessed.risk["columns"]}  # type: ignore[index]
    agency_email = columns[(DB, "contacts", "email")]
    assert agency_email["driver"] == "acme_marketing_agency"
    assert {r["principal"] for r in agency_email["readers"]} == {
        "acme_marketing_agency",
        "marketing",
        "sales",
        "support",
    }
    assert columns[(DB, "patient_intake", "diagnosis_code")]["factors"]["exposure"]["code"] == "owner_only"


def test_json_report_carries_scores_factors_findings_and_regulations(assessed: ScanResult) -> None:
    document = json.loads(json.dumps(build_document(assessed)))
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(document)]
    assert errors == []
    risk = document["risk"]
    engine = [f for f in document["findings"] if f["rule_id"].startswith("RSK")]
    assert [d["fingerprint"] for d in risk["findings"]] == [f["fingerprint"] for f in engine]
    cited = {r for f in engine for r in f["regulations"]}
    assert {r["id"] for r in risk["regulations"]} == cited
    assert all(r["url"].startswith("http") and r["title"] for r in risk["regulations"])
    assert len(risk["columns"]) == document["summary"]["sensitive_columns"]
    for column in risk["columns"]:
        assert set(column["factors"]) == {
            "sensitivity",
            "identifiability",
            "volume",
            "exposure",
            "protection",
        }
        assert column["explanation"]
    impact = risk["impact"]
    assert impact["records_by_category"]["health"] > 0 and impact["breach_cost"]["low"] > 0
    assert all(fig["year"] and fig["source"] for fig in impact["breach_cost"]["figures"])
    assert {f["jurisdiction"] for f in impact["fines"]} == set(JURISDICTIONS)


def test_jurisdiction_selects_the_laws_cited(demo: ScanResult) -> None:
    assess(demo, ("gdpr",))
    try:
        engine = [f for f in demo.findings if f.rule_id.startswith("RSK")]
        assert all(reg.startswith("GDPR-") for f in engine for reg in f.regulations)
        # Below the large-scale threshold and without PIPL, no impact assessment is called for.
        assert "RSK012" not in {f.rule_id for f in engine}
        assert {f["jurisdiction"] for f in demo.risk["impact"]["fines"]} == {"gdpr"}  # type: ignore[index]
    finally:
        assess(demo, JURISDICTIONS)
