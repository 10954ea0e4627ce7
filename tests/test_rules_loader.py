"""Rule packs load, are well formed, and a broken pack fails loudly naming file, line, rule and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from crmscan.classify.rules import load_rules
from crmscan.errors import RuleError
from crmscan.resources import data_dir


def test_builtin_packs_load_with_unique_well_formed_ids() -> None:
    rules = load_rules()
    ids = [r.id for r in rules.rules]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]{2,5}\d{3}", i) for i in ids)
    assert {r.category for r in rules.rules} == {"pii", "financial", "health", "special", "credential"}
    assert all(r.source for r in rules.rules), "every rule cites where its pattern or checksum comes from"


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), target)
    return target


def _break(folder: Path, old: str, new: str, file: str = "entities/pii.yaml") -> Path:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_unknown_field_names_file_line_rule_and_field(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = _break(
        folder,
        "    min_match_ratio: 0.6\n    value_alone: false\n",
        "    min_match_ratio: 0.6\n    valu_alone: false\n",
    )
    with pytest.raises(RuleError) as err:
        load_rules(folder)
    message = str(err.value)
    assert f"{path}:{_line_of(path, 'valu_alone')}" in message
    assert "rule PII002" in message and "valu_alone" in message and "\n" not in message


def test_bad_regex_is_rejected_with_the_rule_named(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    _break(folder, "names: ['\\be ?mail\\b'", "names: ['(unclosed'")
    with pytest.raises(RuleError, match=r"rule PII001: field 'names.*invalid regular expression"):
        load_rules(folder)


def test_unknown_validator_lists_the_known_ones(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    _break(folder, "validator: email", "validator: emial")
    with pytest.raises(RuleError, match=r"unknown validator 'emial'; known: .*email"):
        load_rules(folder)


def test_out_of_range_ratio(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    _break(folder, "min_match_ratio: 0.6", "min_match_ratio: 1.6")
    with pytest.raises(RuleError, match=r"min_match_ratio"):
        load_rules(folder)


def test_duplicate_id(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    _break(folder, "id: PII002", "id: PII001")
    with pytest.raises(RuleError, match=r"rule id 'PII001' already used"):
        load_rules(folder)


def test_unknown_vocabulary(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    _break(folder, "vocabulary: gender", "vocabulary: genders")
    with pytest.raises(RuleError, match=r"unknown vocabulary 'genders'"):
        load_rules(folder)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = _break(folder, "  - id: PII003\n", "  - id: PII003\n   bad: [unclosed\n")
    with pytest.raises(RuleError, match=rf"{re.escape(str(path))}:\d+: .*fix the YAML syntax"):
        load_rules(folder)
