"""What every finding family shares: the context it reads and how a raised rule becomes a Finding.

A family yields :class:`Raised` records — which rule, which object, which template parameters — and
:func:`to_finding` turns each into a :class:`~crmscan.model.Finding` with the rule's texts, level,
score factors and the regulations of the selected jurisdictions. Families never format user-facing
text themselves, so the texts stay in ``rules/findings.yaml`` (and its translations).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from crmscan.model import LEVELS, Finding, ScanResult
from crmscan.risk.findings.catalog import RuleBook
from crmscan.risk.regulations import Regulations
from crmscan.risk.scoring import ColumnScore, ReaderScore
from crmscan.risk.weights import RiskWeights

Param = str | int | float


@dataclass(frozen=True)
class FindingContext:
    """Everything a family may look at; scores are the sensitive columns in report order."""

    result: ScanResult
    weights: RiskWeights
    rules: RuleBook
    regulations: Regulations
    jurisdictions: tuple[str, ...]
    scores: tuple[ColumnScore, ...]

    def tables(self) -> Iterator[tuple[str, str, list[ColumnScore]]]:
        """(source, table, its sensitive column scores), in report order."""
        current: tuple[str, str] | None = None
        group: list[ColumnScore] = []
        for s in self.scores:
            key = (s.view.source, s.view.table_name)
            if key != current:
                if current is not None:
                    yield (*current, group)
                current, group = key, []
            group.append(s)
        if current is not None:
            yield (*current, group)


@dataclass(frozen=True)
class Raised:
    """A rule that fired on one object, with the facts its templates need (names and counts only)."""

    rule_id: str
    source: str
    table: str | None = None
    column: str | None = None
    params: dict[str, Param] = field(default_factory=dict)
    records: int | None = None
    readers: tuple[str, ...] = ()
    score: ColumnScore | None = None
    reader_score: ReaderScore | None = None
    factors: tuple[tuple[str, str], ...] = ()


def worse(a: str, b: str) -> str:
    """The more severe of two levels."""
    return a if LEVELS.index(a) <= LEVELS.index(b) else b


def object_name(raised: Raised) -> str:
    """``table.column``, ``table`` or the source, for messages."""
    if raised.table and raised.column:
        return f"{raised.table}.{raised.column}"
    return raised.table or raised.source


def template_params(raised: Raised) -> dict[str, Param]:
    """The raw parameters of a finding: the family's plus object, table, column, source, records, readers."""
    params: dict[str, Param] = {
        "object": object_name(raised),
        "table": raised.table or "",
        "column": raised.column or "",
        "source": raised.source,
        "records": -1 if raised.records is None else raised.records,
        "readers": ", ".join(raised.readers),
        "readers_count": len(raised.readers),
    }
    params.update(raised.params)
    return params


def english(params: dict[str, Param]) -> dict[str, str]:
    """Parameters as English text: thousands separators, shares as percentages, -1 as unknown."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if key == "share" and isinstance(value, float):
            pct = value * 100
            out[key] = f"{pct:.1f}%" if 0 < pct < 10 else f"{pct:.0f}%"
        elif isinstance(value, int) and value == -1:
            out[key] = "an unknown number of"
        elif key == "categories" and isinstance(value, str):
            out[key] = value.replace("_", " ")
        elif isinstance(value, int):
            out[key] = f"{value:,}"
        else:
            out[key] = str(value)
    return out


def to_finding(raised: Raised, ctx: FindingContext) -> Finding:
    """The :class:`Finding` for *raised*: texts from the rule book, level floored by the score."""
    rule = ctx.rules[raised.rule_id]
    text = english(template_params(raised))
    level: str = rule.level
    score = None
    factors = raised.factors
    chosen = raised.reader_score
    if raised.score is not None:
        factors = _score_factors(raised.score, chosen) + factors
        if rule.scored:  # a fixed-level rule shows its factors but no score: the score did not set it
            score = chosen.score if chosen is not None else raised.score.score
            level = worse(level, chosen.level if chosen is not None else raised.score.level)
    return Finding(
        rule_id=rule.id,
        level=level,
        title=rule.title,
        message=rule.message.format(**text),
        source=raised.source,
        table=raised.table,
        column=raised.column,
        score=score,
        factors=factors,
        records=raised.records,
        readers=raised.readers,
        regulations=ctx.regulations.cite(rule.regulations, ctx.jurisdictions),
        remediation=rule.remediation.format(**text),
    )


def _score_factors(score: ColumnScore, reader: ReaderScore | None) -> tuple[tuple[str, str], ...]:
    pairs = list(score.factors())
    if reader is not None:
        pairs = [
            ("exposure", reader.exposure.text)
            if name == "exposure"
            else ("protection", reader.protection.text)
            if name == "protection"
            else ("likelihood", f"{reader.likelihood:.1f}/9")
            if name == "likelihood"
            else (name, value)
            for name, value in pairs
        ]
    return tuple(pairs)
