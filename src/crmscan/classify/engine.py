"""The column classifier: one explainable decision per column from name, comment and value evidence.

For every rule the classifier asks three questions — does the column's *name* (or comment) say it,
do its *values* show it, is it *mentioned inside* free text — and combines the answers:

* values that match (Wilson lower bound of prevalence over the sample) confirm a telling name and, for
  rules where the value shape is distinctive (``value_alone``), suffice without one;
* values that clearly do *not* match overrule the name (``phone_model`` holding device names), unless
  the values are protected (a hashed ``email`` column is still an e-mail column);
* a name alone stands only where values cannot be checked (empty sample, no value spec).

The result carries the confidence and every piece of evidence, with masked examples.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from crmscan.classify import values as v
from crmscan.classify.checks import CHECKS
from crmscan.classify.names import NormalisedName, name_matches, normalise
from crmscan.classify.protection import ProtectionResult, detect_protection
from crmscan.classify.rules import EntityRule, RuleSet, load_rules
from crmscan.masking import mask_value

if TYPE_CHECKING:
    from crmscan.classify.freetext import FreeTextAnalyzer, TextAnalysis
from crmscan.model import (
    CATEGORIES,
    ColumnInfo,
    ColumnResult,
    ColumnStats,
    EntityMatch,
    Evidence,
    Protection,
    Sensitivity,
)

#: Minimum confidence for an entity to be reported.
ACCEPT = 0.5
#: Below this many non-null sampled values, values neither confirm nor contradict a name.
MIN_VALUES = 5
#: A name is contradicted when fewer than this share of values match the rule's value spec.
CONTRARY_RATIO = 0.1
#: Distinct values tried first when only values could justify a rule.
PROBE = 24
#: At most this many distinct candidates per rule go through a checksum validator.
VALIDATE_LIMIT = 100
_STRING_TYPES = {"string", "unknown", "json", ""}
_SEVERITY_BONUS = {"low": 0.0, "moderate": 0.1, "high": 0.25}
_SENSITIVITY = {"low": Sensitivity.LOW, "moderate": Sensitivity.MODERATE, "high": Sensitivity.HIGH}


@dataclass
class _Decision:
    rule: EntityRule
    confidence: float
    ratio: float
    matched: int
    basis: str
    evidence: list[Evidence] = field(default_factory=list)


class Classifier:
    """Classifies sampled columns with a :class:`RuleSet`; stateless between columns.

    Free text (notes, case descriptions) is also read by a :class:`FreeTextAnalyzer` (presidio and
    spaCy NER) when ``nlp_model`` is not ``"none"``. It is created on the first text column, and loads
    spaCy and presidio on the first text that needs them: importing them costs over a second that a
    scan whose notes hold nothing to find should not pay.
    """

    def __init__(self, rules: RuleSet, nlp_model: str | None = "none", seed: int = 0) -> None:
        self.rules = rules
        self.nlp_model = nlp_model or "none"
        self.seed = seed
        self._freetext: FreeTextAnalyzer | None = None
        self._freetext_lock = threading.Lock()

    @classmethod
    def default(cls, nlp_model: str | None = "none", seed: int = 0) -> Classifier:
        """A classifier with the built-in rule packs."""
        return cls(load_rules(), nlp_model=nlp_model, seed=seed)

    def prepare_nlp(self) -> None:
        """Load the free-text analyzer now (raises UsageError for a model that is not installed)."""
        self._analyzer()

    def _analyzer(self) -> FreeTextAnalyzer | None:
        if self.nlp_model == "none":
            return None
        with self._freetext_lock:
            if self._freetext is None:
                from crmscan.classify.freetext import FreeTextAnalyzer

                self._freetext = FreeTextAnalyzer.create(
                    nlp_model=self.nlp_model, seed=self.seed, rules=self.rules
                )
            return self._freetext

    @property
    def notice(self) -> str | None:
        """One line for the user when free text was analysed with less than asked (no model, no extra)."""
        return self._freetext.notice if self._freetext is not None else None

    def classify_frame(
        self, frame: pd.DataFrame, columns: Iterable[ColumnInfo] | None = None, table: str = ""
    ) -> list[ColumnResult]:
        """Classify every column of *frame*; *columns* supplies types and comments when known."""
        infos = {c.name: c for c in columns} if columns is not None else {}
        results = []
        for name in frame.columns:
            info = infos.get(str(name)) or ColumnInfo(name=str(name), data_type=_infer_type(frame[name]))
            results.append(self.classify_column(info, frame[name], table=table))
        for info in infos.values():  # schema columns the sample did not return (e.g. schema-only)
            if info.name not in frame.columns:
                results.append(self.classify_column(info, None, table=table))
        return results

    def classify_column(self, info: ColumnInfo, series: pd.Series | None, table: str = "") -> ColumnResult:
        """Classify one column from its schema facts and (optionally) its sampled values."""
        col = v.prepare(series if series is not None else pd.Series([], dtype=object))
        name = normalise(info.name)
        comment = normalise(info.comment) if info.comment else None
        table_words = normalise(table).words if table else ""
        protection = _protection(col)
        protected = protection is not None and protection.protection is not Protection.NONE

        decisions: list[_Decision] = []
        contrary: list[Evidence] = []
        for rule in self.rules.rules:
            decision, note = self._decide(rule, info, col, name, comment, table_words, protected)
            if decision is not None:
                decisions.append(decision)
            elif note is not None:
                contrary.append(note)
        if col.is_text and not _is_field(decisions):
            decisions = self._with_nlp(col, decisions)
        decisions = _drop_shadowed(decisions)
        return _result(info, col, decisions, contrary, protection)

    def _with_nlp(self, col: v.PreparedColumn, decisions: list[_Decision]) -> list[_Decision]:
        """Let the NLP analysis (presidio recognizers, spaCy NER) decide the rules it covers."""
        analyzer = self._analyzer()
        if analyzer is None or not analyzer.enabled:
            return decisions
        analysis = analyzer.analyze(col.values, col.counts)
        found = {}
        for rule in self.rules.rules:
            if rule.id in _TEXT_RULES:
                decision = _analysis_decision(rule, _TEXT_RULES[rule.id], analysis, col)
                if decision is not None:
                    found[rule.id] = decision
        kept = [d for d in decisions if d.rule.id not in found]
        return kept + list(found.values())

    # -- one rule ---------------------------------------------------------------------------------

    def _decide(
        self,
        rule: EntityRule,
        info: ColumnInfo,
        col: v.PreparedColumn,
        name: NormalisedName,
        comment: NormalisedName | None,
        table_words: str,
        protected: bool,
    ) -> tuple[_Decision | None, Evidence | None]:
        if table_words and (rule.tables or rule.not_tables):
            table_name = normalise(table_words)
            if rule.not_tables and name_matches(rule.not_tables, table_name):
                return None, None
            if rule.tables and not name_matches(rule.tables, table_name):
                return None, None
        elif rule.tables:
            return None, None
        name_w, name_ev = self._name_evidence(rule, info, name, comment, table_words)
        n = col.non_null

        if col.is_text and rule.text is not None:
            text = self._text_evidence(rule, col)
            if text is not None:
                return text, None
        if col.is_text and rule.value is not None and rule.value.check is None and not name_w:
            return None, None  # a long note is not "an e-mail column" because it contains one

        if rule.value is not None and not name_w and not rule.value_alone:
            return None, None  # values could only confirm a name that is not there
        if rule.value is not None and not name_w and len(col.distinct) > PROBE:
            # Value-alone rules need most values to match: a few misses in a small probe rule it out
            # cheaply, which keeps 40 rules x 50 columns well under a second.
            probe_mask, _ = self._value_mask(rule, _head(col, PROBE))
            if probe_mask.mean() < rule.value.min_match_ratio - 0.25:
                return None, None
        if rule.value is not None and n >= MIN_VALUES and not (protected and name_w):
            mask, extra = self._value_mask(rule, col)
            ratio, matched = _estimate(mask, extra, col.counts, n)
            value_conf = v.wilson_lower(matched, n)
            examples = _examples(col, mask, rule.entity)
            detail = (
                f"{matched} of {n} sampled values ({ratio:.0%}) match {rule.entity}"
                f"{' (' + rule.value.validator + ' checked)' if rule.value.validator else ''}"
            )
            value_ev = Evidence("value", rule.id, detail, matched, n, examples)
            if ratio >= rule.value.min_match_ratio:
                if name_w:
                    conf = 1 - (1 - name_w) * (1 - value_conf)
                    return _Decision(rule, conf, ratio, matched, "name+value", [*name_ev, value_ev]), None
                if rule.value_alone:
                    return _Decision(rule, value_conf * 0.95, ratio, matched, "value", [value_ev]), None
                return None, None
            if name_w and ratio >= CONTRARY_RATIO:
                conf = name_w * ratio / rule.value.min_match_ratio
                if conf >= ACCEPT:
                    return _Decision(rule, conf, ratio, matched, "name+value", [*name_ev, value_ev]), None
            if name_w and rule.value.vocabulary and _coded(col):
                evidence = [
                    *name_ev,
                    Evidence("value", rule.id, "values are codes (e.g. 1/2/3); judged by name", None, n),
                ]
                return _Decision(rule, name_w * 0.9, 0.0, 0, "name", evidence), None
            if name_w:
                note = Evidence(
                    "contrary",
                    rule.id,
                    f"name suggests {rule.entity} but only {matched} of {n} sampled values match; not tagged",
                    matched,
                    n,
                )
                return None, note
            return None, None

        if name_w and rule.name_alone:
            conf = name_w if (n >= MIN_VALUES or rule.value is None) else name_w * 0.9
            basis = "name"
            evidence = list(name_ev)
            if protected and n >= MIN_VALUES:
                evidence.append(
                    Evidence("protection", rule.id, "values are protected; judged by name", None, n)
                )
            if n == 0:
                evidence.append(
                    Evidence("value", rule.id, "no non-null values sampled; judged by name", 0, 0)
                )
            return _Decision(rule, conf, 0.0, 0, basis, evidence), None
        return None, None

    def _name_evidence(
        self,
        rule: EntityRule,
        info: ColumnInfo,
        name: NormalisedName,
        comment: NormalisedName | None,
        table_words: str,
    ) -> tuple[float, list[Evidence]]:
        if not rule.names:
            return 0.0, []
        weight = 0.0
        evidence: list[Evidence] = []
        hit = name_matches(rule.names, name)
        if hit and not name_matches(rule.not_names, name):
            weight = rule.name_weight
            evidence.append(Evidence("name", rule.id, f"column name '{info.name}' matches {rule.entity}"))
        if comment is not None:
            chit = name_matches(rule.names, comment)
            if chit and not name_matches(rule.not_names, comment):
                weight = max(weight, rule.name_weight * 0.9)
                evidence.append(Evidence("comment", rule.id, f"column comment matches {rule.entity}"))
        if weight and rule.string_only and info.data_type not in _STRING_TYPES:
            weight *= 0.6  # `email_verified INTEGER` is about an e-mail, not one
        return weight, evidence

    def _value_mask(self, rule: EntityRule, col: v.PreparedColumn) -> tuple[np.ndarray, float]:
        """(values that match, estimated matching rows among candidates the validator did not see).

        Checksum validators are the slow part (libphonenumber parses a number in ~0.1 ms), so at most
        ``VALIDATE_LIMIT`` candidates are validated; the distinct values arrive in sample order, which
        is random, so the first ones are an unbiased sub-sample and the rest are credited with their
        pass rate.
        """
        spec = rule.value
        assert spec is not None
        mask = np.ones(len(col.distinct), dtype=bool)
        if spec.pattern:
            mask &= v.fullmatch(col.distinct, spec.pattern, spec.case_sensitive)
        if spec.vocabulary:
            terms = self.rules.dictionaries[spec.vocabulary]
            if spec.vocabulary_match == "word":  # "Metformin 500mg" names a medication too
                mask &= v.search(col.distinct, v.vocabulary_pattern(terms))
            else:
                mask &= v.in_vocabulary(col.distinct, terms)
        if spec.check:
            mask &= CHECKS[spec.check](col, self.rules.dictionaries)
        extra = 0.0
        if spec.validator and mask.any():
            from crmscan.classify.validators import apply_validator

            idx = np.flatnonzero(mask)
            skipped = idx[VALIDATE_LIMIT:]
            idx = idx[:VALIDATE_LIMIT]
            known = col.verdicts.setdefault(spec.validator, {})
            values = col.distinct.take(pa.array(idx)).to_pylist()
            todo = [x for x in values if x not in known]
            if todo:
                ok = np.asarray(apply_validator(spec.validator, pd.Series(todo, dtype=object)), dtype=bool)
                known.update(zip(todo, ok.tolist(), strict=True))
            verdicts = np.array([known[x] for x in values], dtype=bool)
            mask[skipped] = False
            mask[idx] = verdicts
            if len(skipped):
                seen = col.counts[idx]
                rate = float(seen[verdicts].sum()) / float(seen.sum())
                extra = rate * float(col.counts[skipped].sum())
        return mask, extra

    def _text_evidence(self, rule: EntityRule, col: v.PreparedColumn) -> _Decision | None:
        spec = rule.text
        assert spec is not None
        if spec.vocabulary:
            pattern = v.vocabulary_pattern(self.rules.dictionaries[spec.vocabulary])
        else:
            pattern = spec.pattern or ""
        mask = v.search(col.distinct, pattern)
        if spec.validator and mask.any():
            mask = _validate_inside(col, mask, pattern, spec.validator)
        ratio, matched = v.weighted_ratio(mask, col.counts, col.non_null)
        if matched < 2 or ratio < spec.min_ratio:
            return None
        conf = min(0.95, 0.55 + 0.4 * v.wilson_lower(matched, col.non_null) / max(spec.min_ratio * 10, 0.01))
        detail = f"{rule.entity} mentioned in {matched} of {col.non_null} sampled texts ({ratio:.0%})"
        ev = Evidence("text", rule.id, detail, matched, col.non_null)
        return _Decision(rule, conf, ratio, matched, "text", [ev])


def _protection(col: v.PreparedColumn) -> ProtectionResult | None:
    """Protection of the column's values, probing a few first: most columns are plain cleartext."""
    if not col.non_null:
        return None
    if len(col.distinct) > PROBE:
        probe = detect_protection(pd.Series(col.distinct.slice(0, PROBE).to_pylist(), dtype=object))
        if probe.protection is Protection.NONE and probe.ratio < 0.5:
            return probe
    return detect_protection(pd.Series(col.values, dtype=object))


def _coded(col: v.PreparedColumn) -> bool:
    """A handful of short codes (``gender_id`` 1/2/3, ``M``/``F``/``U``): values that stand for a
    vocabulary through a lookup table, so a vocabulary cannot confirm or contradict the name."""
    if len(col.distinct) > 12:
        return False
    values = col.values
    return bool(values) and all(x.isdigit() and len(x) <= 3 for x in values)


def _head(col: v.PreparedColumn, k: int) -> v.PreparedColumn:
    """The first *k* distinct values of *col* (a random subset: values arrive in sample order)."""
    return v.PreparedColumn(
        sampled=col.sampled,
        non_null=int(col.counts[:k].sum()),
        distinct=col.distinct.slice(0, k),
        counts=col.counts[:k],
        mean_length=col.mean_length,
        is_text=col.is_text,
        verdicts=col.verdicts,
    )


def _estimate(mask: np.ndarray, extra: float, counts: np.ndarray, n: int) -> tuple[float, int]:
    """Match ratio over the sample and matched rows, counting the estimate for unvalidated candidates."""
    matched = float(counts[mask].sum()) + extra
    return (matched / n if n else 0.0), round(matched)


def _is_field(decisions: list[_Decision]) -> bool:
    """True when the values themselves are one entity (a street address, a name): not prose to read.

    "123 Gabriella Circle" has three words, but it is an address whose street happens to carry a
    given name; running NER over it would report a person.
    """
    return any(d.basis in ("value", "name+value") and d.ratio >= 0.5 for d in decisions)


def _analysis_decision(
    rule: EntityRule, key: str, analysis: TextAnalysis, col: v.PreparedColumn
) -> _Decision | None:
    """A text decision from the NLP analysis (presidio recognizers, spaCy NER, health phrases)."""
    from crmscan.classify.freetext import TEXT_ENTITIES

    if key not in analysis.significant():
        return None
    info = TEXT_ENTITIES[key]
    matched, ratio = analysis.mentions[key], analysis.ratio(key)
    conf = min(0.95, 0.55 + 0.4 * v.wilson_lower(matched, analysis.analysed) / max(info.min_ratio * 10, 0.01))
    if key == "PERSON":
        conf *= 0.9  # NER is noisier than a checksum
    ev = Evidence("text", rule.id, analysis.describe(key), matched, analysis.analysed)
    return _Decision(rule, conf, ratio, round(ratio * col.non_null), "text", [ev])


def _text_rules() -> dict[str, str]:
    try:
        from crmscan.classify.freetext import TEXT_ENTITIES
    except ImportError:  # pragma: no cover - the nlp extra is not installed
        return {}
    return {e.rule_id: k for k, e in TEXT_ENTITIES.items() if e.standalone}


def _validate_inside(col: v.PreparedColumn, mask: np.ndarray, pattern: str, validator: str) -> np.ndarray:
    """Keep only texts in which at least one occurrence of *pattern* passes *validator*."""
    from crmscan.classify.validators import VALIDATORS

    check = VALIDATORS[validator]
    rx = re.compile(pattern, re.IGNORECASE)
    out = mask.copy()
    for i in np.flatnonzero(mask):
        text = col.distinct[int(i)].as_py()
        out[i] = any(check(_matched_part(m)) for m in rx.finditer(text))
    return out


def _matched_part(m: re.Match[str]) -> str:
    """The part of a text match to validate: the first non-empty group if the pattern has groups."""
    return next((g for g in m.groups() if g), m.group(0)).strip()


def _drop_shadowed(decisions: list[_Decision]) -> list[_Decision]:
    """Where two rules claim the same values, keep the more specific one.

    A UnionPay card number is also a valid phone-number-length digit string; a Chinese resident ID is
    also digits. The rule with the higher confidence from value evidence wins; name-only decisions
    never shadow value-backed ones.
    """
    value_backed = [d for d in decisions if "value" in d.basis and d.ratio >= 0.8]
    if len(value_backed) <= 1:
        return decisions
    best = max(value_backed, key=lambda d: (d.rule.sensitivity == "high", d.confidence))
    return [d for d in decisions if d is best or d not in value_backed or d.basis == "name+value"]


def _weight(d: _Decision) -> float:
    """How much a decision drives the column's primary category.

    For a field, the confidence; for free text, how *often* the entity is mentioned. Both get a bonus
    for the entity's sensitivity, so notes that name people in 18 % of rows and mention a diagnosis in
    8 % are headlined as health data, which is what drives their risk.
    """
    base = 0.5 + 0.4 * min(1.0, d.ratio * 2.5) if d.basis == "text" else d.confidence
    return base + _SEVERITY_BONUS[d.rule.sensitivity]


def _examples(col: v.PreparedColumn, mask: np.ndarray, entity: str, k: int = 3) -> tuple[str, ...]:
    idx = np.flatnonzero(mask)[:k]
    return tuple(mask_value(col.distinct[int(i)].as_py(), entity) for i in idx)


def _result(
    info: ColumnInfo,
    col: v.PreparedColumn,
    decisions: list[_Decision],
    contrary: list[Evidence],
    protection: object,
) -> ColumnResult:
    accepted = sorted((d for d in decisions if d.confidence >= ACCEPT), key=lambda d: -d.confidence)
    weights: dict[str, float] = {}
    for d in accepted:
        weight = _weight(d)
        weights[d.rule.category] = max(weights.get(d.rule.category, 0.0), weight)
        for extra in d.rule.also:
            weights[extra] = max(weights.get(extra, 0.0), weight * 0.9)
    categories = sorted(weights, key=lambda c: (-weights[c], CATEGORIES.index(c)))
    sensitivity = max(
        (_SENSITIVITY[d.rule.sensitivity] for d in accepted), key=lambda s: s.rank, default=Sensitivity.NONE
    )
    evidence = [ev for d in accepted for ev in d.evidence]
    prot = Protection.NONE
    if protection is not None and getattr(protection, "protection", Protection.NONE) is not Protection.NONE:
        prot = protection.protection  # type: ignore[attr-defined]
        evidence.append(
            Evidence(
                "protection",
                "PROTECTION",
                f"{protection.ratio:.0%} of sampled values look {prot.value} ({protection.kind})",  # type: ignore[attr-defined]
                None,
                col.non_null,
            )
        )
    if not accepted:
        evidence.extend(contrary)
    facts = _birth_date_facts(col) if any(d.rule.entity == "DATE_OF_BIRTH" for d in accepted) else {}
    return ColumnResult(
        name=info.name,
        data_type=info.data_type,
        native_type=info.native_type,
        comment=info.comment,
        categories=categories,
        entities=[
            EntityMatch(
                type=d.rule.entity,
                category=d.rule.category,
                confidence=round(d.confidence, 3),
                match_ratio=round(d.ratio, 3),
                matched=d.matched,
                sampled=col.non_null,
                rule_id=d.rule.id,
                basis=d.basis,
            )
            for d in accepted
        ],
        sensitivity=sensitivity,
        confidence=round(accepted[0].confidence, 3) if accepted else 0.0,
        protection=prot,
        evidence=evidence,
        stats=ColumnStats(
            sampled=col.sampled,
            non_null=col.non_null,
            distinct=len(col.distinct),
            mean_length=col.mean_length,
        ),
        facts=facts,
    )


def _birth_date_facts(col: v.PreparedColumn) -> dict[str, float]:
    """Shares of sampled birth dates belonging to children (GDPR Art. 8 and PIPL Art. 28 thresholds)."""
    from crmscan.classify.checks import date_ages

    mask, ages = date_ages(col)
    weights = col.counts[mask]
    total = int(weights.sum())
    if not total:
        return {}
    return {
        f"minors_under_{limit}": round(float(weights[ages < limit].sum()) / total, 4)
        for limit in (14, 16, 18)
    }


def _infer_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    return {"i": "integer", "u": "integer", "f": "float", "b": "boolean", "M": "datetime"}.get(kind, "string")


#: Rule id -> free-text entity key, for the rules the NLP analysis can decide.
_TEXT_RULES = _text_rules()
