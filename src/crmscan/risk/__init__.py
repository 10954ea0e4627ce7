"""Risk engine: scores each sensitive column against who can read it, and raises findings.

:func:`assess` runs between the scan and the renderers. It reads only the scan result (classified
columns, row counts, effective readers from the grants) and the data files in ``rules/`` — never a
cell value — and fills ``result.findings`` and ``result.risk``.

Pipeline: :mod:`~crmscan.risk.context` (one view per sensitive column) → :mod:`~crmscan.risk.factors`
and :mod:`~crmscan.risk.scoring` (0-100 score and level per column and reader) →
:mod:`~crmscan.risk.findings` (one module per rule family) → :mod:`~crmscan.risk.rollup`,
:mod:`~crmscan.risk.impact` and :mod:`~crmscan.risk.summary` (the ``risk`` object of the report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from crmscan.model import Finding, ScanResult
from crmscan.risk.context import column_views
from crmscan.risk.factors import Factor
from crmscan.risk.findings import FindingContext, run_families
from crmscan.risk.findings.catalog import RuleBook, load_rulebook
from crmscan.risk.impact import Costs, impact, load_costs
from crmscan.risk.regulations import JURISDICTIONS, Regulations, load_regulations
from crmscan.risk.scoring import score_column
from crmscan.risk.summary import risk_document
from crmscan.risk.weights import RiskWeights, load_weights

__all__ = ["JURISDICTIONS", "RiskData", "assess", "load_risk_data"]


@dataclass(frozen=True)
class RiskData:
    """The four data files of the risk engine, loaded and cross-checked."""

    weights: RiskWeights
    regulations: Regulations
    rules: RuleBook
    costs: Costs


@cache
def load_risk_data() -> RiskData:
    """``rules/risk.yaml``, ``regulations.yaml``, ``findings.yaml`` and ``costs.yaml``.

    Raises:
        RuleError: a file is invalid (the message names file, line, entry and field).
    """
    from crmscan.classify.rules import load_rules

    entities = frozenset(rule.entity for rule in load_rules().rules)
    regulations = load_regulations()
    return RiskData(load_weights(entities=entities), regulations, load_rulebook(regulations), load_costs())


def assess(
    result: ScanResult,
    jurisdictions: tuple[str, ...],
    data: RiskData | None = None,
    suppressed: Callable[[Finding], bool] | None = None,
) -> None:
    """Fill ``result.findings`` and ``result.risk`` for the selected jurisdictions.

    Findings of earlier runs of this engine are replaced (so assessing twice does not duplicate them);
    findings from other producers (e.g. migration checks) are kept.

    Args:
        result: a finished scan.
        jurisdictions: laws to cite (``gdpr``, ``ccpa``, ``pipl``, ``lgpd``, ``hipaa``, ``pci``,
            ``glba``); findings stay, their citations are filtered. Empty means all.
        data: the rule files, for tests that use their own; defaults to the built-in ones.
        suppressed: findings a baseline has accepted. They stay in ``result.findings`` (the caller
            lists them as suppressed) but are left out of ``result.risk``: its findings list, levels
            and counts describe what the report reports.
    """
    data = data or load_risk_data()
    chosen = tuple(j for j in JURISDICTIONS if j in jurisdictions) or JURISDICTIONS
    views = list(column_views(result))
    memo: dict[tuple[object, ...], Factor] = {}
    scores = [score_column(v, data.weights, memo) for v in views]
    ctx = FindingContext(result, data.weights, data.rules, data.regulations, chosen, tuple(scores))
    pairs = run_families(ctx)
    ours = {r.id for r in data.rules.rules}
    result.findings = [f for f in result.findings if f.rule_id not in ours] + [f for f, _ in pairs]
    reported = [p for p in pairs if suppressed is None or not suppressed(p[0])]
    result.risk = risk_document(
        result, scores, reported, data.weights, data.rules, data.regulations,
        impact(views, data.costs, chosen), chosen,
    )  # fmt: skip
