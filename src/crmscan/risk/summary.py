"""The ``risk`` object of the report document (schema: ``$defs/risk`` in report.schema.json).

Everything a renderer needs to show and explain the assessment — scores with their factors, the
roll-ups, the finding parameters a translated report rebuilds its sentences from, the regulations
cited, the impact annotation, the weights used and the limits of what was seen — as plain JSON.
"""

from __future__ import annotations

from typing import Any

from crmscan.model import LEVELS, Finding, ScanResult
from crmscan.risk import rollup
from crmscan.risk.factors import Factor, categories_of
from crmscan.risk.findings import Raised, template_params
from crmscan.risk.findings.base import english
from crmscan.risk.findings.catalog import RuleBook
from crmscan.risk.regulations import Regulations
from crmscan.risk.scoring import ColumnScore
from crmscan.risk.weights import RiskWeights

#: Bumped when the shape of the risk object changes incompatibly; additions keep it.
RISK_FORMAT = 1


def risk_document(
    result: ScanResult,
    scores: list[ColumnScore],
    pairs: list[tuple[Finding, Raised]],
    weights: RiskWeights,
    rules: RuleBook,
    regulations: Regulations,
    impact: dict[str, Any],
    jurisdictions: tuple[str, ...],
) -> dict[str, Any]:
    """The risk object; deterministic for a given scan result."""
    findings = [f for f, _ in pairs]
    cited = {reg for f in findings for reg in f.regulations}
    known = {src for src in result.grants}
    top = _top(findings, weights.thresholds.top_risks)
    return {
        "format": RISK_FORMAT,
        "model": weights.model,
        "jurisdictions": list(jurisdictions),
        "overall": rollup.rollup(scores, findings),
        "sources": rollup.sources(list(result.sources), scores, findings, known),
        "tables": rollup.tables(scores, findings),
        "columns": [_column(s) for s in scores],
        "findings": [_finding(f, r, rules) for f, r in sorted(pairs, key=lambda p: _document_order(p[0]))],
        "top_risks": top,
        "rules": [_rule(rule, regulations, jurisdictions) for rule in rules.rules],
        "regulations": regulations.as_dicts(cited),
        "impact": impact,
        "weights": weights.model_dump(mode="json"),
        "limitations": _limitations(result, scores),
    }


def _document_order(f: Finding) -> tuple[int, str, str, str, str]:
    """The order of the document's findings list (crmscan.report.document), so both lists align."""
    return (LEVELS.index(f.level), f.source, f.table or "", f.column or "", f.rule_id)


def _top(findings: list[Finding], n: int) -> list[str]:
    """The *n* most severe findings, one per rule first so the summary is not five of one kind."""
    eligible = [i for i, f in enumerate(findings) if f.level in ("critical", "high", "medium")]
    picked: list[int] = []
    seen: set[str] = set()
    for i in eligible:
        if len(picked) < n and findings[i].rule_id not in seen:
            picked.append(i)
            seen.add(findings[i].rule_id)
    chosen = set(picked)
    picked += [i for i in eligible if i not in chosen][: max(0, n - len(picked))]
    return [findings[i].fingerprint for i in sorted(picked)]


def _factor(f: Factor) -> dict[str, Any]:
    return {"value": f.value, "code": f.code, "text": f.text, "params": dict(f.params)}


def _column(s: ColumnScore) -> dict[str, Any]:
    v = s.view
    return {
        "source": v.source,
        "table": v.table_name,
        "column": v.column.name,
        "categories": categories_of(v.column),
        "score": s.score,
        "level": s.level,
        "explanation": s.explanation(),
        "records": v.records,
        "impact": s.impact,
        "likelihood": s.likelihood,
        "factors": {
            "sensitivity": _factor(s.sensitivity),
            "identifiability": _factor(s.identifiability),
            "volume": _factor(s.volume),
            "exposure": _factor(s.exposure),
            "protection": _factor(s.protection),
        },
        "exposure_known": s.exposure_known,
        "people": v.people,
        "driver": s.driver,
        "readers": [
            {
                "principal": rs.reader.principal,
                "tier": rs.reader.tier,
                "people": rs.reader.people,
                "people_known": rs.reader.people_known,
                "purpose": rs.reader.purpose,
                "row_filter": rs.reader.row_filter,
                "write": rs.reader.write,
                "exposure": rs.exposure.value,
                "likelihood": rs.likelihood,
                "score": rs.score,
                "level": rs.level,
            }
            for rs in s.readers
        ],
    }


def _finding(f: Finding, raised: Raised, rules: RuleBook) -> dict[str, Any]:
    params = template_params(raised)
    return {
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "params": params,
        "plain": rules[f.rule_id].plain.format(**english(params)),
        # Which column score (and which reader's view of it) the finding's level and factors come from,
        # so a translated report can rebuild the factors from risk.columns.
        "scored_column": None if raised.score is None else raised.score.view.column.name,
        "scored_table": None if raised.score is None else raised.score.view.table_name,
        "reader": None if raised.reader_score is None else raised.reader_score.reader.principal,
        "triggers": [{"code": code, "text": text} for code, text in raised.factors],
    }


def _rule(rule: Any, regulations: Regulations, jurisdictions: tuple[str, ...]) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "level": rule.level,
        "scored": rule.scored,
        "description": rule.description,
        "regulations": list(regulations.cite(rule.regulations, jurisdictions)),
    }


def _limitations(result: ScanResult, scores: list[ColumnScore]) -> dict[str, Any]:
    tables = result.tables
    partial = [t for t in tables if t.row_count.value is not None and t.sampled_rows < t.row_count.value]
    unknown_sources = sorted({s.view.source for s in scores if not s.exposure_known})
    incomplete = []
    for source in sorted(result.grants):
        gs: Any = result.grants[source]
        if not getattr(gs, "complete", True):
            incomplete.append({"source": source, "notes": list(getattr(gs, "notes", []))})
    write_unknown = sorted({s.view.source for s in scores for r in s.view.readers or () if r.write is None})
    return {
        "sample_size": result.settings.sample_size,
        "schema_only": result.settings.schema_only,
        "tables_scanned": len(tables),
        "tables_sampled_partially": len(partial),
        "rows_sampled": sum(t.sampled_rows for t in tables),
        "row_counts_estimated": sum(1 for t in tables if not t.row_count.exact),
        "not_scanned": len(result.errors),
        "exposure_unknown_columns": sum(1 for s in scores if not s.exposure_known),
        "exposure_unknown_sources": unknown_sources,
        "grants_incomplete": incomplete,
        "write_access_unknown_sources": write_unknown,
    }
