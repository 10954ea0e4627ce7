"""The risk engine's data files load, cross-check, and fail loudly with file, line and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from crmscan.classify.rules import load_rules
from crmscan.errors import RuleError
from crmscan.resources import data_dir
from crmscan.risk import load_risk_data
from crmscan.risk.findings import FAMILIES
from crmscan.risk.findings.catalog import PLACEHOLDERS, load_rulebook, placeholders
from crmscan.risk.findings.freetext import GOVERNMENT_IDS
from crmscan.risk.findings.identifiers import IDENTIFIERS
from crmscan.risk.impact import load_costs
from crmscan.risk.regulations import JURISDICTIONS, load_regulations
from crmscan.risk.weights import load_weights

RULES = data_dir("rules")


def test_built_in_files_load_and_agree() -> None:
    data = load_risk_data()
    ids = [r.id for r in data.rules.rules]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"RSK\d{3}", i) for i in ids)
    assert {r.family for r in data.rules.rules} == set(FAMILIES), "every family has rules and a module"
    known = data.regulations.ids()
    for rule in data.rules.rules:
        assert set(rule.regulations) <= known
        assert (
            placeholders(rule.message) | placeholders(rule.remediation) | placeholders(rule.plain)
            <= PLACEHOLDERS
        )
    assert {f.jurisdiction for f in data.costs.fines} == set(JURISDICTIONS), (
        "a ceiling (or its absence) per law"
    )
    assert all(p.year >= 2015 and p.source and str(p.url).startswith("http") for p in data.costs.per_record)


def test_every_regulation_is_cited_by_some_rule_and_ids_are_well_formed() -> None:
    data = load_risk_data()
    cited = {reg for rule in data.rules.rules for reg in rule.regulations}
    catalogue = data.regulations.ids()
    assert catalogue - cited <= {"GDPR-10", "GLBA-6801", "PIPL-29"}, "catalogue entries nobody cites"
    for reg in data.regulations.catalogue.regulations:
        assert reg.id.split("-")[0].lower() == reg.jurisdiction
    for required in (
        "GDPR-9",
        "PIPL-28",
        "PCI-3.3.1",
        "HIPAA-164.514",
        "CCPA-1798.140(ae)",
        "LGPD-11",
        "GLBA-6801",
    ):
        assert required in catalogue


def test_entity_names_in_code_and_weights_exist_in_the_classifier() -> None:
    known = {rule.entity for rule in load_rules().rules}
    assert GOVERNMENT_IDS <= known and IDENTIFIERS <= known
    weights = load_weights()
    named = set(weights.sensitivity.entities) | set(weights.identifiability.direct_identifiers)
    named |= set(weights.identifiability.quasi_identifiers)
    named |= {e for use in weights.uses.values() for e in use.entities}
    assert named <= known


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(RULES / name, target)
    return target


def _line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    )


def test_weights_typo_names_file_line_and_field(tmp_path: Path) -> None:
    path = _copy(tmp_path, "risk.yaml")
    path.write_text(
        path.read_text(encoding="utf-8").replace("  hashed: 0.3", "  hashd: 0.3"), encoding="utf-8"
    )
    with pytest.raises(RuleError) as err:
        load_weights(path)
    assert f"{path}:{_line_of(path, 'hashd')}: field 'protection.hashd': unknown field" in str(err.value)


def test_weights_out_of_range_and_unknown_entity(tmp_path: Path) -> None:
    path = _copy(tmp_path, "risk.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("CARD_SECURITY_CODE: 4", "CARD_SECURITY_CODE: 7"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"sensitivity\.entities.*outside 1\.\.4"):
        load_weights(path)
    path.write_text(text.replace("CARD_SECURITY_CODE: 4", "CARD_SECURITY_KODE: 4"), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_weights(path, entities=frozenset(rule.entity for rule in load_rules().rules))
    assert f"{path}:{_line_of(path, 'CARD_SECURITY_KODE')}" in str(err.value) and "unknown entity" in str(
        err.value
    )


def test_level_bands_must_descend(tmp_path: Path) -> None:
    path = _copy(tmp_path, "risk.yaml")
    text = path.read_text(encoding="utf-8").replace("levels: {critical: 50,", "levels: {critical: 30,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match="critical > high > medium > low"):
        load_weights(path)


def test_finding_rule_with_unknown_regulation_names_the_rule(tmp_path: Path) -> None:
    path = _copy(tmp_path, "findings.yaml")
    text = path.read_text(encoding="utf-8").replace("[PCI-3.3.1, PCI-3.3.1.2,", "[PCI-3.3.1, PCI-9.9.9,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulebook(load_regulations(), path)
    message = str(err.value)
    assert "rule RSK001" in message and "PCI-9.9.9" in message and f"{path}:" in message


def test_finding_rule_with_unknown_placeholder_or_level(tmp_path: Path) -> None:
    path = _copy(tmp_path, "findings.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("holds card security codes for about {records}", "holds {value}"), encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"entry RSK001: field 'message': unknown placeholder \{value\}"):
        load_rulebook(load_regulations(), path)
    path.write_text(text.replace("    level: critical\n", "    level: severe\n", 1), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rulebook(load_regulations(), path)
    assert f"{path}:{_line_of(path, 'level: severe')}: entry RSK001: field 'level'" in str(err.value)


def test_regulation_catalogue_rejects_duplicates_and_prefix_mismatch(tmp_path: Path) -> None:
    path = _copy(tmp_path, "regulations.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: GDPR-8\n", "  - id: GDPR-9\n"), encoding="utf-8")
    with pytest.raises(RuleError, match="GDPR-9.*defined twice"):
        load_regulations(path)
    path.write_text(
        text.replace("  - id: GDPR-8\n    jurisdiction: gdpr", "  - id: GDPR-8\n    jurisdiction: pipl")
    )
    with pytest.raises(RuleError, match="prefix does not match"):
        load_regulations(path)


def test_costs_need_source_and_year(tmp_path: Path) -> None:
    path = _copy(tmp_path, "costs.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["per_record"][0]["year"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match="entry ibm-2020-customer-pii: field 'year'"):
        load_costs(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "risk.yaml"
    path.write_text("version: 1\nmodel: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError, match=rf"{re.escape(str(path))}:\d+: .*fix the YAML syntax"):
        load_weights(path)
