"""Every rule's positive and negative cases, kept as data under tests/rule_cases/ (sqlfluff style)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from crmscan.classify.rules import load_rules
from crmscan.model import ColumnInfo

CASES_DIR = Path(__file__).parent / "rule_cases"


def _cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            case["_id"] = f"{path.stem}:{i}:{case['rule']}:{case['column']}"
            cases.append(case)
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c["_id"] for c in CASES])
def test_rule_case(case: dict, classifier) -> None:
    rules = load_rules()
    rule = rules.rule(case["rule"])
    series = pd.Series(case["values"], dtype=object)
    info = ColumnInfo(name=case["column"], data_type=case.get("data_type", "string"))
    result = classifier.classify_column(info, series, table=case.get("table", ""))
    fired = {e.rule_id for e in result.entities}
    entities = {e.type for e in result.entities}
    if case["expect"] is None:
        assert rule.id not in fired, f"{rule.id} fired on {case['column']}: {result.evidence}"
    else:
        assert case["expect"] == rule.entity
        assert case["expect"] in entities, (
            f"{case['expect']} not found for {case['column']}: {result.evidence}"
        )


def test_every_rule_has_positive_and_negative_cases() -> None:
    rules = load_rules()
    positive = {c["rule"] for c in CASES if c["expect"] is not None}
    negative = {c["rule"] for c in CASES if c["expect"] is None}
    missing = [r.id for r in rules.rules if r.id not in positive or r.id not in negative]
    assert not missing, f"rules without both a positive and a negative case: {missing}"
