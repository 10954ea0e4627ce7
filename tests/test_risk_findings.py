"""Each finding rule fires on the data it is about, and only there; citations follow --jurisdiction.

The demo (tests/test_risk_demo.py) covers the rules its data supports through the real pipeline; the
cases here add the ones it does not (card numbers read broadly, special categories read by PUBLIC or a
third party, identifiers in free text) and the negative cases, on small scan results resolved through
the real grants path.
"""

from __future__ import annotations

from typing import Any

import pytest

from crmscan.exposure import readers_for
from crmscan.grants.model import Grant, GrantSet, Principal
from crmscan.model import (
    ColumnResult,
    ColumnStats,
    EntityMatch,
    Finding,
    Protection,
    RowCount,
    ScanResult,
    ScanSettings,
    Sensitivity,
    TableRef,
    TableResult,
)
from crmscan.risk import JURISDICTIONS, assess, load_risk_data

SRC = "db"


def col(
    name: str,
    category: str,
    entity: str,
    *,
    sensitivity: Sensitivity = Sensitivity.HIGH,
    protection: Protection = Protection.NONE,
    basis: str = "name+value",
    ratio: float = 0.9,
    filled: int = 1000,
    facts: dict[str, float] | None = None,
    also: tuple[tuple[str, str, str], ...] = (),
) -> ColumnResult:
    entities = [EntityMatch(entity, category, 0.9, ratio, int(ratio * filled), filled, "X000", basis)]
    entities += [EntityMatch(t, c, 0.8, 0.2, 20, filled, "X001", b) for t, c, b in also]
    return ColumnResult(
        name=name,
        data_type="string",
        categories=list(dict.fromkeys([category] + [c for _, c, _ in also])),
        entities=entities,
        sensitivity=sensitivity,
        confidence=0.9,
        protection=protection,
        stats=ColumnStats(sampled=1000, non_null=filled, distinct=filled),
        facts=facts or {},
    )


NAME = col("full_name", "pii", "PERSON_NAME", sensitivity=Sensitivity.MODERATE)


def result_with(
    columns: list[ColumnResult],
    principals: list[Principal] = (),  # type: ignore[assignment]
    reads: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
    rows: int = 2000,
    table: str = "contacts",
    jurisdictions: tuple[str, ...] = JURISDICTIONS,
    grants: bool = True,
) -> ScanResult:
    """A one-table scan; *reads* are (principal, column or None for the whole table)."""
    tr = TableResult(TableRef(SRC, table), RowCount(rows, True, "count"), min(rows, 1000), columns)
    result = ScanResult("0", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", [SRC], ScanSettings(), [tr])
    if grants:
        gs = GrantSet(source="grants-file")
        gs.principals = {p.name: p for p in principals}
        for who, column in reads:
            kind = "column" if column else "table"
            gs.grants.append(Grant(who, "SELECT", kind, "grants-file", None, table, column))  # type: ignore[arg-type]
        result.grants[SRC] = gs
        result.readers.update(readers_for(gs, [tr]))
    assess(result, jurisdictions)
    return result


def pairs(result: ScanResult) -> set[tuple[str, str]]:
    return {(f.rule_id, ".".join(p for p in (f.table, f.column) if p) or f.source) for f in result.findings}


def only(result: ScanResult, rule_id: str) -> Finding:
    found = [f for f in result.findings if f.rule_id == rule_id]
    assert len(found) == 1, [(f.rule_id, f.column) for f in result.findings]
    return found[0]


PUBLIC = Principal("PUBLIC", "public", member_count=300, purpose="company directory")
SALES = Principal("sales", "role", member_count=20, purpose="account management and pipeline")
AGENCY = Principal("agency", "third_party", member_count=4, third_party=True, purpose="email campaigns")
ANALYSTS = Principal("analysts", "role", member_count=25)  # no purpose: not judged for RSK010


def test_card_rules() -> None:
    cvv = col("cvv", "financial", "CARD_SECURITY_CODE")
    pan = col("card_number", "financial", "CREDIT_CARD")
    masked = col("masked_card", "financial", "CREDIT_CARD", protection=Protection.MASKED, basis="name")
    result = result_with(
        [NAME, cvv, pan, masked], [SALES, AGENCY], [("sales", None), ("agency", "card_number")]
    )
    found = pairs(result)
    assert ("RSK001", "contacts.cvv") in found and only(result, "RSK001").level == "critical"
    assert ("RSK002", "contacts.card_number") in found
    assert not any(
        r in found for r in (("RSK002", "contacts.masked_card"), ("RSK003", "contacts.masked_card"))
    )
    broad = only(result, "RSK003")
    assert broad.column == "card_number" and broad.readers == ("agency",)
    assert "PCI-3.4.1" in broad.regulations and "agency" in broad.remediation


def test_card_numbers_read_by_many_people_are_broad() -> None:
    pan = col("card_number", "financial", "CREDIT_CARD")
    crowd = Principal("billing", "role", member_count=40, purpose="billing")
    assert only(result_with([pan], [crowd], [("billing", None)]), "RSK003").readers == ("billing",)
    few = Principal("billing", "role", member_count=3, purpose="billing")
    assert "RSK003" not in {f.rule_id for f in result_with([pan], [few], [("billing", None)]).findings}


def test_special_category_read_by_public_or_third_party() -> None:
    religion = col("religion", "special", "RELIGION")
    diagnosis = col("diagnosis", "health", "ICD10_CODE")
    result = result_with(
        [NAME, religion, diagnosis], [PUBLIC, AGENCY], [("PUBLIC", "religion"), ("agency", "diagnosis")]
    )
    assert ("RSK004", "contacts.religion") in pairs(result) and ("RSK004", "contacts.diagnosis") in pairs(
        result
    )
    religion_finding = next(f for f in result.findings if f.rule_id == "RSK004" and f.column == "religion")
    assert religion_finding.level == "critical" and religion_finding.readers == ("PUBLIC",)
    assert {"GDPR-9", "GDPR-25(2)", "PIPL-28"} <= set(religion_finding.regulations)
    # The more specific rule wins: no second "personal data readable by everyone" for the same column.
    assert ("RSK005", "contacts.religion") not in pairs(result)


def test_personal_data_read_by_everyone_but_not_by_one_role() -> None:
    email = col("email", "pii", "EMAIL_ADDRESS", sensitivity=Sensitivity.MODERATE)
    open_result = result_with([NAME, email], [PUBLIC], [("PUBLIC", "email")])
    finding = only(open_result, "RSK005")
    assert finding.readers == ("PUBLIC",) and "300 people" in finding.message and finding.level == "high"
    closed = result_with([NAME, email], [SALES], [("sales", "email")])
    assert "RSK005" not in {f.rule_id for f in closed.findings}


def test_credentials_in_cleartext_only() -> None:
    token = col("api_token", "credential", "API_TOKEN")
    hashed = col("password_hash", "credential", "PASSWORD_HASH", protection=Protection.HASHED)
    result = result_with([token, hashed], table="users")
    assert pairs(result) >= {("RSK006", "users.api_token")}
    assert ("RSK006", "users.password_hash") not in pairs(result)
    assert "argon2id" in only(result, "RSK006").remediation


def test_health_next_to_identifiers_is_table_wide() -> None:
    diagnosis = col("diagnosis", "health", "ICD10_CODE")
    with_ids = result_with([NAME, diagnosis], table="intake")
    finding = only(with_ids, "RSK007")
    assert (
        finding.table == "intake" and finding.column is None and "full_name (PERSON_NAME)" in finding.message
    )
    assert "HIPAA-164.514" in finding.regulations
    alone = result_with([diagnosis], table="intake")
    assert "RSK007" not in {f.rule_id for f in alone.findings}


def test_minors_from_the_classifier_facts() -> None:
    dob = col("date_of_birth", "pii", "DATE_OF_BIRTH", sensitivity=Sensitivity.MODERATE,
              facts={"minors_under_14": 0.02, "minors_under_16": 0.03, "minors_under_18": 0.05})  # fmt: skip
    finding = only(result_with([NAME, dob]), "RSK008")
    assert "under 14" in finding.message and "2.0%" in finding.message and finding.records == 40
    assert {"PIPL-31", "GDPR-8", "CCPA-1798.120(c)"} <= set(finding.regulations)
    adults = col(
        "date_of_birth", "pii", "DATE_OF_BIRTH", facts={"minors_under_14": 0.0, "minors_under_16": 0.0}
    )
    assert "RSK008" not in {f.rule_id for f in result_with([NAME, adults]).findings}
    older = col(
        "date_of_birth", "pii", "DATE_OF_BIRTH", facts={"minors_under_14": 0.0, "minors_under_16": 0.01}
    )
    assert "under 16" in only(result_with([NAME, older]), "RSK008").message


def test_national_ids_in_free_text() -> None:
    notes = col("notes", "pii", "PERSON_NAME", basis="text", ratio=0.2, also=(("US_SSN", "pii", "text"),))
    finding = only(result_with([notes], table="cases"), "RSK009")
    assert finding.column == "notes" and "US_SSN" in finding.message and "Redact" in finding.remediation
    structured = col("ssn", "pii", "US_SSN")
    result = result_with([NAME, structured])
    assert "RSK009" not in {f.rule_id for f in result.findings}
    assert ("RSK013", "contacts.ssn") in pairs(result)


def test_excessive_access_uses_the_stated_purpose() -> None:
    religion = col("religion", "special", "RELIGION")
    ssn = col("ssn", "pii", "US_SSN")
    email = col("email", "pii", "EMAIL_ADDRESS", sensitivity=Sensitivity.MODERATE)
    result = result_with(
        [NAME, religion, ssn, email], [SALES, ANALYSTS], [("sales", None), ("analysts", None)]
    )
    found = {f.column: f for f in result.findings if f.rule_id == "RSK010"}
    assert set(found) == {"religion", "ssn"}, "contact data is not judged; readers without a purpose are not"
    assert found["religion"].readers == ("sales",) and "account management" in found["religion"].message
    assert "identity document" in found["ssn"].message
    hashed = col("religion", "special", "RELIGION", protection=Protection.HASHED)
    assert "RSK010" not in {
        f.rule_id for f in result_with([NAME, hashed], [SALES], [("sales", None)]).findings
    }


def test_sparse_sensitive_columns() -> None:
    sparse = col("ethnicity", "special", "ETHNICITY", filled=30)
    full = col("religion", "special", "RELIGION", filled=900)
    found = pairs(result_with([NAME, sparse, full]))
    assert ("RSK011", "contacts.ethnicity") in found and ("RSK011", "contacts.religion") not in found
    email = col("email", "pii", "EMAIL_ADDRESS", sensitivity=Sensitivity.MODERATE, filled=20)
    assert ("RSK011", "contacts.email") not in pairs(result_with([NAME, email]))


def test_dpia_by_scale_or_by_pipl() -> None:
    religion = col("religion", "special", "RELIGION")
    small_gdpr = result_with([NAME, religion], rows=2000, jurisdictions=("gdpr",))
    assert "RSK012" not in {f.rule_id for f in small_gdpr.findings}
    large_gdpr = result_with([NAME, religion], rows=50_000, jurisdictions=("gdpr",))
    finding = only(large_gdpr, "RSK012")
    assert finding.table is None and finding.source == SRC and finding.regulations == ("GDPR-35",)
    assert dict(finding.factors)["dpia_scale"].startswith("50,000 records")
    small_pipl = result_with([NAME, religion], rows=2000, jurisdictions=("pipl",))
    assert only(small_pipl, "RSK012").regulations == ("PIPL-55",)


def test_jurisdiction_filters_citations_not_findings() -> None:
    cvv = col("cvv", "financial", "CARD_SECURITY_CODE")
    everything = only(result_with([cvv]), "RSK001")
    pci_only = only(result_with([cvv], jurisdictions=("pci",)), "RSK001")
    gdpr_only = only(result_with([cvv], jurisdictions=("gdpr",)), "RSK001")
    assert pci_only.regulations == ("PCI-3.3.1", "PCI-3.3.1.2")
    assert gdpr_only.regulations == ("GDPR-32",)
    assert set(pci_only.regulations) | set(gdpr_only.regulations) <= set(everything.regulations)
    assert everything.fingerprint == pci_only.fingerprint, "identity does not depend on the citations"


def test_no_grants_means_no_exposure_findings_but_storage_findings_stay() -> None:
    religion = col("religion", "special", "RELIGION")
    token = col("api_token", "credential", "API_TOKEN")
    result = result_with([NAME, religion, token], grants=False)
    rules = {f.rule_id for f in result.findings}
    assert "RSK006" in rules and not rules & {"RSK003", "RSK004", "RSK005", "RSK010"}
    assert result.risk["limitations"]["exposure_unknown_sources"] == [SRC]  # type: ignore[index]


def test_foreign_findings_are_kept_and_engine_findings_replaced() -> None:
    cvv = col("cvv", "financial", "CARD_SECURITY_CODE")
    result = result_with([cvv])
    other = Finding("POL001", "high", "t", "m", SRC, "contacts", "cvv")
    result.findings.append(other)
    assess(result, JURISDICTIONS)
    assert [f.rule_id for f in result.findings].count("RSK001") == 1 and other in result.findings


def test_every_finding_carries_level_factors_regulations_remediation_and_no_values() -> None:
    religion = col("religion", "special", "RELIGION", filled=30)
    pan = col("card_number", "financial", "CREDIT_CARD")
    result = result_with([NAME, religion, pan], [PUBLIC, SALES], [("PUBLIC", "religion"), ("sales", None)])
    data = load_risk_data()
    for f in result.findings:
        rule = data.rules[f.rule_id]
        assert f.title == rule.title and f.remediation and f.regulations and f.factors
        assert f.level in ("critical", "high", "medium", "low", "info")
        assert (f.score is not None) == (rule.scored and f.table is not None)
        for text in (f.message, f.remediation, *(v for _, v in f.factors)):
            assert "{" not in text and "}" not in text, text


@pytest.mark.parametrize("rule_id", [r.id for r in load_risk_data().rules.rules])
def test_every_rule_has_a_positive_case_somewhere(rule_id: str, all_findings: set[str]) -> None:
    assert rule_id in all_findings


@pytest.fixture(scope="module")
def all_findings() -> set[str]:
    """Every rule id raised by the cases of this module (one combined run per family)."""
    cols: list[Any] = [
        NAME,
        col("cvv", "financial", "CARD_SECURITY_CODE"),
        col("card_number", "financial", "CREDIT_CARD"),
        col("religion", "special", "RELIGION", filled=30),
        col("email", "pii", "EMAIL_ADDRESS", sensitivity=Sensitivity.MODERATE),
        col("api_token", "credential", "API_TOKEN"),
        col("diagnosis", "health", "ICD10_CODE"),
        col("ssn", "pii", "US_SSN"),
        col("notes", "pii", "PERSON_NAME", basis="text", ratio=0.2, also=(("US_SSN", "pii", "text"),)),
        col("date_of_birth", "pii", "DATE_OF_BIRTH", facts={"minors_under_14": 0.02}),
    ]
    result = result_with(
        cols,
        [PUBLIC, SALES, AGENCY],
        [("PUBLIC", "email"), ("PUBLIC", "religion"), ("sales", None), ("agency", None)],
    )
    return {f.rule_id for f in result.findings}
