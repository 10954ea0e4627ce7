"""Classifier accuracy on the labelled development corpus (tests/corpus/).

Every corpus table -- real CRM/EHR column names with synthetic values, labelled by hand in
tests/corpus/schemas.yaml -- is classified with the built-in rules; the test scores per-category precision
and recall at column level and the share of columns whose primary category is exactly right, prints a
table (``pytest -s``), writes the figures to ``<tmp_path>/last_accuracy.json`` and fails when a figure
drops below its threshold. The thresholds sit a small margin under what the classifier achieved when they
were set, and never below precision 0.85 / recall 0.80 for a category with at least 3 positives: a rule
change that loses accuracy fails here, with the misclassified columns and their evidence in the message.

Labels are never adjusted to make this pass. A column the classifier gets wrong is reported, and fixed in
the rules (generally), or the label is argued in schemas.yaml.

The GBK export is classified from the committed file through crmscan's own CSV reader (encoding detection
included); every other table from the generated DataFrame, with its DB comments passed as ColumnInfo.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import phonenumbers
import pytest
from stdnum import iban, luhn
from stdnum.cn import ric
from stdnum.us import ssn

from crmscan.model import CATEGORIES, ColumnInfo, ColumnResult

CORPUS = Path(__file__).resolve().parent / "corpus"

#: Hard floors from the corpus brief, for every category with at least MIN_POSITIVES positive columns.
FLOOR_PRECISION = 0.85
FLOOR_RECALL = 0.80
#: (precision, recall) per category: what the default rules achieve, minus 0.03, never below the floors.
#: First measured (581 columns, 32 tables): pii 0.987 / 0.866, financial 0.889 / 0.667, health
#: 1.000 / 0.765, special 1.000 / 1.000, credential 0.545 / 1.000, exact primary category 0.935.
#: After the rule fixes those misses pointed to (glued names, coded values, table-scoped rules, value-alone
#: secrets): pii 1.000 / 0.983, financial 1.000 / 1.000, health 1.000 / 1.000, special 1.000 / 1.000,
#: credential 1.000 / 0.833 (civicrm_contact.hash is missed), exact primary category 0.993.
#: Re-measured at the end of that day: pii recall 0.989 (fld_07's national-format phones are found),
#: exact primary category 0.995; everything else unchanged.
#: Raise a threshold when the rules improve; never lower one below the floor.
THRESHOLDS: dict[str, tuple[float, float]] = {
    "pii": (0.97, 0.95),
    "financial": (0.97, 0.97),
    "health": (0.97, 0.97),
    "special": (0.97, 0.97),
    "credential": (0.97, FLOOR_RECALL),
}
PRIMARY_ACCURACY = 0.96
MIN_POSITIVES = 3
SAMPLE_SEED = 0


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crmscan_corpus_builder", CORPUS / "build_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclass/typing lookups need the module registered
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


# ---------------------------------------------------------------------------------------------------
# Classification and scoring
# ---------------------------------------------------------------------------------------------------


@dataclass
class Scored:
    """One column: its truth (after acceptable alternatives), the prediction and the evidence."""

    table: str
    column: str
    truth: list[str]
    label: list[str]
    predicted: list[str]
    result: ColumnResult

    @property
    def correct(self) -> bool:
        return set(self.truth) == set(self.predicted)

    @property
    def primary_correct(self) -> bool:
        return (self.truth[:1] or [None]) == (self.predicted[:1] or [None])

    def evidence(self) -> str:
        ents = [
            f"{e.type}({e.rule_id},{e.basis},{e.confidence:.2f},ratio={e.match_ratio:.2f})"
            for e in self.result.entities
        ]
        evs = [f"{ev.kind}:{ev.rule_id}: {ev.detail}" for ev in self.result.evidence]
        return "; ".join(ents + evs) or "no rule fired"


@dataclass
class Report:
    columns: list[Scored] = field(default_factory=list)

    def counts(self, category: str) -> tuple[int, int, int]:
        tp = sum(1 for s in self.columns if category in s.truth and category in s.predicted)
        fp = sum(1 for s in self.columns if category not in s.truth and category in s.predicted)
        fn = sum(1 for s in self.columns if category in s.truth and category not in s.predicted)
        return tp, fp, fn

    def figures(self) -> dict[str, Any]:
        per_category = {}
        for cat in CATEGORIES:
            tp, fp, fn = self.counts(cat)
            per_category[cat] = {
                "positives": tp + fn,
                "predicted": tp + fp,
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "precision": round(tp / (tp + fp), 4) if tp + fp else None,
                "recall": round(tp / (tp + fn), 4) if tp + fn else None,
            }
        n = len(self.columns)
        return {
            "columns": n,
            "tables": len({s.table for s in self.columns}),
            "exact_primary_accuracy": round(sum(s.primary_correct for s in self.columns) / n, 4),
            "exact_set_accuracy": round(sum(s.correct for s in self.columns) / n, 4),
            "categories": per_category,
        }

    def wrong(self) -> list[Scored]:
        return [s for s in self.columns if not s.correct or not s.primary_correct]


def _data_type(series: pd.Series) -> str:
    """The type a SQL connector would report, as the engine infers it for a bare frame."""
    kind = series.dtype.kind
    return {"i": "integer", "u": "integer", "f": "float", "b": "boolean", "M": "datetime"}.get(kind, "string")


def _classify_generated(
    classifier: Any, name: str, frame: pd.DataFrame, comments: dict[str, str | None]
) -> list[ColumnResult]:
    columns = None
    if any(comments.values()):
        columns = [
            ColumnInfo(name=c, data_type=_data_type(frame[c]), comment=comments.get(c)) for c in frame.columns
        ]
    return classifier.classify_frame(frame, columns=columns, table=name)


def _classify_export(classifier: Any, name: str, path: Path) -> list[ColumnResult]:
    from crmscan.connectors.filefmt_csv import CsvReader

    reader = CsvReader(path, name)
    frame = reader.sample(1000, SAMPLE_SEED)
    return classifier.classify_frame(frame, columns=reader.columns(), table=name)


@pytest.fixture(scope="module")
def tables() -> dict[str, tuple[pd.DataFrame, dict[str, str | None]]]:
    return builder.build_tables()


@pytest.fixture(scope="module")
def report(classifier: Any, tables: dict[str, tuple[pd.DataFrame, dict[str, str | None]]]) -> Report:
    labels = builder.labels()
    alternatives = builder.acceptable()
    meta = builder.table_meta()
    out = Report()
    for name, (frame, comments) in tables.items():
        if meta[name].get("file"):
            results = _classify_export(classifier, name, CORPUS / meta[name]["file"])
        else:
            results = _classify_generated(classifier, name, frame, comments)
        for res in results:
            label = labels[(name, res.name)][0]
            truth = label
            for alt in alternatives.get((name, res.name), []):
                if set(alt) == set(res.categories):
                    truth = alt
            out.columns.append(Scored(name, res.name, truth, label, list(res.categories), res))
    return out


def _table(figures: dict[str, Any]) -> str:
    head = ("category", "pos", "pred", "tp", "fp", "fn", "precision", "recall")
    lines = ["{:<11} {:>4} {:>4} {:>4} {:>4} {:>4} {:>9} {:>7}".format(*head)]
    for cat, f in figures["categories"].items():
        p = "-" if f["precision"] is None else f"{f['precision']:.3f}"
        r = "-" if f["recall"] is None else f"{f['recall']:.3f}"
        lines.append(
            f"{cat:<11} {f['positives']:>4} {f['predicted']:>4} {f['tp']:>4} {f['fp']:>4} {f['fn']:>4} "
            f"{p:>9} {r:>7}"
        )
    lines.append(
        f"exact primary category: {figures['exact_primary_accuracy']:.3f}   "
        f"exact category set: {figures['exact_set_accuracy']:.3f}   "
        f"({figures['columns']} columns, {figures['tables']} tables)"
    )
    return "\n".join(lines)


def _misclassified(report: Report) -> str:
    rows = []
    for s in report.wrong():
        note = "" if s.truth == s.label else f" (label {s.label}, accepted alternative)"
        rows.append(
            f"  {s.table}.{s.column}: truth={s.truth}{note} predicted={s.predicted}\n"
            f"      evidence: {s.evidence()}"
        )
    return "\n".join(rows)


def test_corpus_accuracy(report: Report, tmp_path: Path) -> None:
    figures = report.figures()
    out = tmp_path / "last_accuracy.json"
    out.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nCorpus accuracy (figures also in {out})\n{_table(figures)}")
    print(f"\nMisclassified columns ({len(report.wrong())}):\n{_misclassified(report)}")

    failures = []
    for cat, (min_p, min_r) in THRESHOLDS.items():
        f = figures["categories"][cat]
        if f["positives"] < MIN_POSITIVES:
            continue
        precision = f["precision"] or 0.0
        if precision < max(min_p, FLOOR_PRECISION):
            failures.append(f"{cat}: precision {precision:.3f} < {max(min_p, FLOOR_PRECISION):.2f}")
        if f["recall"] < max(min_r, FLOOR_RECALL):
            failures.append(f"{cat}: recall {f['recall']:.3f} < {max(min_r, FLOOR_RECALL):.2f}")
    if figures["exact_primary_accuracy"] < PRIMARY_ACCURACY:
        failures.append(
            f"exact primary accuracy {figures['exact_primary_accuracy']:.3f} < {PRIMARY_ACCURACY:.2f}"
        )
    assert not failures, (
        "; ".join(failures) + f"\n{_table(figures)}\nMisclassified:\n{_misclassified(report)}"
    )


# ---------------------------------------------------------------------------------------------------
# The corpus itself
# ---------------------------------------------------------------------------------------------------


def test_labels_cover_every_generated_column_exactly(
    tables: dict[str, tuple[pd.DataFrame, dict[str, str | None]]],
) -> None:
    labels = builder.labels()
    labelled: dict[str, list[str]] = {}
    for table, column in labels:
        labelled.setdefault(table, []).append(column)
    assert set(labelled) == set(tables)
    for name, (frame, comments) in tables.items():
        assert list(frame.columns) == labelled[name], name
        assert list(comments) == labelled[name], name
        assert frame.columns.is_unique, name
        assert 100 <= len(frame) <= 300, name
        for column in frame.columns:
            assert frame[column].notna().any(), f"{name}.{column} is entirely NULL"


def test_every_table_cites_a_source() -> None:
    for name, meta in builder.table_meta().items():
        assert meta["source"].startswith(("https://", "internal")), name
        assert meta["system"], name


def test_committed_exports_match_their_labels() -> None:
    labels = builder.labels()
    for name, meta in builder.table_meta().items():
        if not meta.get("file"):
            continue
        raw = (CORPUS / meta["file"]).read_bytes()
        text = raw.decode(meta["encoding"])  # strict: fails on a byte the stated encoding cannot decode
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # a GBK export with Chinese text is not valid UTF-8
        header = text.splitlines()[0].split(",")
        assert header == [c for (t, c) in labels if t == name]
        assert len(text.splitlines()) > 100


def test_build_is_deterministic(tables: dict[str, tuple[pd.DataFrame, dict[str, str | None]]]) -> None:
    again = builder.build_tables()
    for name, (frame, _) in tables.items():
        pd.testing.assert_frame_equal(frame, again[name][0], obj=name)


def _is_e164_valid(value: str, regions: list[str]) -> bool:
    tries = [None] if value.startswith("+") else regions
    for region in tries:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(value, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


#: Checks, independent of crmscan's validators, that identifiers are what the labels promise.
IDENTITY_CHECKS: dict[str, Callable[[str], bool]] = {
    "iban": iban.is_valid,
    "card_number": luhn.is_valid,
    "cn_bank_card": luhn.is_valid,
    "us_ssn": ssn.is_valid,
    "cn_resident_id": ric.is_valid,
    "email": lambda v: re.fullmatch(r"[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", v) is not None,
}
PHONE_GENERATORS = {
    "phone",
    "phone2",
    "phone3",
    "mobile",
    "mobile2",
    "company_phone",
    "phone_e164",
    "cn_landline",
}


def test_generated_identifiers_are_valid(
    tables: dict[str, tuple[pd.DataFrame, dict[str, str | None]]],
) -> None:
    for spec in builder.load_schemas():
        frame = tables[spec["name"]][0]
        regions = [builder.REGION[loc] for loc in spec["locales"]]
        for col in spec["columns"]:
            values = frame[col["name"]].dropna().astype(str)
            gen = col["gen"]
            if gen in IDENTITY_CHECKS:
                bad = [v for v in values if not IDENTITY_CHECKS[gen](v)]
                assert not bad, f"{spec['name']}.{col['name']}: {len(bad)} invalid {gen} values"
            elif gen in PHONE_GENERATORS:
                sample = values.head(25).tolist()  # libphonenumber is slow; the generators are rule-based
                bad = [v for v in sample if not _is_e164_valid(v, regions)]
                assert not bad, f"{spec['name']}.{col['name']}: invalid phone numbers {bad}"
