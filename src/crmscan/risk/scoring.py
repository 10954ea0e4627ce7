"""Combine a column's factors into a 0-100 score and a level, per reader and for the column.

Impact (how bad disclosure would be) and likelihood (how many and how distant the people who can read
it, and how readable the stored form is) stay separate until the last step, as in OWASP's risk rating
and Google SDP's data-risk levels, so the one-line explanation can say which axis drives a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmscan.risk import factors as f
from crmscan.risk.context import ColumnView, ReaderView
from crmscan.risk.weights import RiskWeights


@dataclass(frozen=True)
class ReaderScore:
    """The score of one (column, reader) pair."""

    reader: ReaderView
    exposure: f.Factor
    protection: f.Factor
    likelihood: float
    score: float
    level: str


@dataclass(frozen=True)
class ColumnScore:
    """A column's score: the worst (column, reader) pair, with every factor that produced it."""

    view: ColumnView
    sensitivity: f.Factor
    identifiability: f.Factor
    volume: f.Factor
    exposure: f.Factor
    protection: f.Factor
    impact: float
    likelihood: float
    score: float
    level: str
    readers: tuple[ReaderScore, ...]
    driver: str | None  # principal behind the score; None for owner-only or unknown exposure

    @property
    def exposure_known(self) -> bool:
        """False when the source had no grants information."""
        return self.view.readers is not None

    def factors(self) -> tuple[tuple[str, str], ...]:
        """(name, English reason) pairs, as :class:`~crmscan.model.Finding` carries them."""
        return (
            ("sensitivity", self.sensitivity.text),
            ("identifiability", self.identifiability.text),
            ("volume", self.volume.text),
            ("exposure", self.exposure.text),
            ("protection", self.protection.text),
            ("impact", f"{self.impact:.1f}/9"),
            ("likelihood", f"{self.likelihood:.1f}/9"),
        )

    def explanation(self) -> str:
        """The score in one line: level, score, and the reasons behind the two axes."""
        who = self.exposure.text.split(": ", 1)[1]
        return (
            f"{self.level} ({self.score:.0f}/100): {self.sensitivity.text.split(': ', 1)[1]}, "
            f"{self.volume.text.split(': ', 1)[1]}; {who}; {self.protection.text.split(': ', 1)[1]}"
        )


def impact_of(s: float, ei: float, v: float, weights: RiskWeights) -> float:
    """I = sensitivity_weight * 2.25 * S * EI + volume_weight * V, on 0-9."""
    w = weights.impact
    return round(w.sensitivity_weight * 2.25 * s * ei + w.volume_weight * v, 4)


def score_of(impact: float, likelihood: float) -> float:
    """R = round(100 * I * L / 81): a whole number 0-100, so the printed score and its level agree."""
    return float(round(100 * impact * likelihood / 81))


def score_column(
    view: ColumnView, weights: RiskWeights, memo: dict[tuple[object, ...], f.Factor] | None = None
) -> ColumnScore:
    """Score one sensitive column against every reader; the column takes its worst reader's score.

    *memo* shares exposure and protection factors between columns of one assessment: the same
    principals read many columns, and building their explanations dominates large scans.
    """
    memo = {} if memo is None else memo

    def exposure_of(reader: ReaderView, people: int, everyone: bool) -> f.Factor:
        key = ("x", reader.principal, reader.tier, people, everyone, reader.write)
        if key not in memo:
            memo[key] = f.reader_exposure(reader, people, everyone, weights)
        return memo[key]

    def protection_of(row_filter: bool) -> f.Factor:
        key = ("p", view.column.protection, row_filter)
        if key not in memo:
            memo[key] = f.protection(view.column, weights, row_filter)
        return memo[key]

    column = view.column
    s = f.sensitivity(column, weights)
    ei = f.identifiability(view.table, weights)
    v = f.volume(view, weights)
    impact = impact_of(s.value, ei.value, v.value, weights)
    people, everyone = view.people, view.everyone
    scored: list[ReaderScore] = []
    for reader in view.readers or ():
        unknown_crowd = reader.everyone and not reader.people_known
        x_one = exposure_of(reader, reader.people, unknown_crowd)
        p = protection_of(reader.row_filter)
        likelihood = round(min(x_one.value, weights.exposure.cap) * p.value, 4)
        score = score_of(impact, likelihood)
        scored.append(ReaderScore(reader, x_one, p, likelihood, score, weights.level_of(score)))
    if view.readers is None:
        x, p, driver = f.unknown_exposure(weights), protection_of(False), None
    elif not scored:
        x, p, driver = f.owner_only(weights), protection_of(False), None
    else:
        # The column's audience is everyone who can read it: breadth counts all readers together, so
        # it is the same for every reader and the widest reader (tier, write, protection) drives.
        w = weights.exposure
        crowd = w.many_people.add if everyone or people >= w.many_people.threshold else 0.0

        def reach(rs: ReaderScore) -> tuple[float, float, str]:
            raw = w.tiers[rs.reader.tier] + crowd + (w.write if rs.reader.write else 0.0)  # type: ignore[index]
            return (min(raw, w.cap) * rs.protection.value, raw, rs.reader.principal)

        best = max(scored, key=reach)
        x = exposure_of(best.reader, people, everyone)
        p, driver = best.protection, best.reader.principal
    likelihood = round(min(x.value, weights.exposure.cap) * p.value, 4)
    score = score_of(impact, likelihood)
    ordered = tuple(sorted(scored, key=lambda r: (-r.score, r.reader.principal)))
    return ColumnScore(
        view, s, ei, v, x, p, impact, likelihood, score, weights.level_of(score), ordered, driver
    )
