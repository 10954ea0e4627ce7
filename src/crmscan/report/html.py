"""The HTML report: the deliverable a consultant hands to a client, in one self-contained file.

Everything the page needs (CSS, the small filter script) is inlined by the templates in
``report_templates/``, so the file opens offline and fetches nothing. Names come from the scanned
systems and grants files and are untrusted, hence autoescaping is on for every template and the
translator returns plain strings, escaped like any other value. Every visible string comes from the
translation catalogue ``report_templates/i18n/<lang>.yaml``, except finding texts in English, which
the document already carries from ``rules/findings.yaml``; other languages rebuild them from the
parameters the risk engine records. The view built here holds presentation values only, so the
templates stay free of logic.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crmscan.errors import UsageError
from crmscan.model import CATEGORIES, LEVELS, Sensitivity
from crmscan.report.base import LANGUAGES, RenderOptions
from crmscan.resources import data_dir
from crmscan.yamlerrors import load_yaml

#: Report languages with a catalogue in ``report_templates/i18n``.
_TIER_ORDER = ("anonymous", "all_authenticated", "third_party", "internal", "owner")


class HtmlRenderer:
    """Writes ``report.html``."""

    filename = "report.html"

    def render(self, document: dict[str, Any], options: RenderOptions) -> str:
        """The whole page; depends only on *document* and *options*, so golden files are stable.

        Raises:
            UsageError: *options.lang* has no catalogue.
        """
        t = translator(options.lang)
        template = _environment().get_template("report.html.j2")
        return template.render(doc=document, opts=options, t=t, view=build_view(document, options, t))


# -- translation ---------------------------------------------------------------------------------


class Translator:
    """``t("cover.prepared_for", client=...)``: a catalogue string, formatted; missing keys fail loudly."""

    def __init__(self, lang: str, strings: dict[str, Any]) -> None:
        self.lang = lang
        self.strings = strings

    def node(self, key: str) -> Any:
        """The raw catalogue entry at dotted *key*."""
        node: Any = self.strings
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"report_templates/i18n/{self.lang}.yaml has no '{key}'")
            node = node[part]
        return node

    def has(self, key: str) -> bool:
        """Whether *key* exists."""
        try:
            self.node(key)
        except KeyError:
            return False
        return True

    def __call__(self, key: str, **params: Any) -> str:
        text = self.node(key)
        if not isinstance(text, str):
            raise KeyError(f"report_templates/i18n/{self.lang}.yaml: '{key}' is not a string")
        return text.format(**params) if params else text

    # Formatting that differs per language lives here so templates never branch on the language.

    def number(self, value: int | float | None) -> str:
        """Thousands separators; the catalogue's word for unknown."""
        if value is None or (isinstance(value, int) and value < 0):
            return self("common.unknown")
        return f"{value:,}" if isinstance(value, int) else f"{value:,.0f}"

    def percent(self, ratio: float) -> str:
        """A ratio as a percentage; one decimal below 10 % so rare matches do not read as 0 %."""
        return format_percent(ratio)

    def date(self, stamp: str) -> str:
        """The scan date in the catalogue's format, month names from the catalogue."""
        dt = _parse(stamp)
        if dt is None:
            return stamp
        months = self.node("common.months")
        return self("common.date", day=dt.day, month=months[dt.month - 1], year=dt.year, time=f"{dt:%H:%M}")

    def duration(self, started: str, finished: str) -> str:
        """``42 s`` / ``3 min 5 s`` / ``2 h 4 min`` with the catalogue's units; empty when unreadable."""
        start, end = _parse(started), _parse(finished)
        if start is None or end is None:
            return ""
        seconds = max(0, round((end - start).total_seconds()))
        if seconds < 60:
            return self("common.seconds", s=seconds)
        if seconds < 3600:
            return self("common.minutes", m=seconds // 60, s=seconds % 60)
        return self("common.hours", h=seconds // 3600, m=seconds % 3600 // 60)

    def money(self, usd: float) -> str:
        """A US-dollar amount, rounded to three significant figures (an estimate, not an invoice)."""
        unit = int(self("common.money_unit"))  # 1,000,000 in English ("million"), 10,000 in Chinese (万)
        if usd >= unit:
            return self("common.usd_large", n=_sig3(usd / unit))
        return self("common.usd", n=f"{_round3(usd):,}")


def _sig3(value: float) -> str:
    text = f"{value:.3g}"
    return f"{float(text):,.0f}" if "e" in text else text


def _round3(value: float) -> int:
    if value <= 0:
        return 0
    digits = len(str(int(value)))
    factor = 10 ** max(0, digits - 3)
    return int(round(value / factor) * factor)


@cache
def _catalogue(lang: str) -> dict[str, Any]:
    path = data_dir("report_templates") / "i18n" / f"{lang}.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of translation keys")
    return data


def translator(lang: str) -> Translator:
    """The translator for *lang* (``en`` or ``zh``).

    Raises:
        UsageError: no catalogue for *lang*.
    """
    if lang not in LANGUAGES:
        raise UsageError(f"--lang: unknown language '{lang}'; choose from {', '.join(LANGUAGES)}")
    return Translator(lang, _catalogue(lang))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(data_dir("report_templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["percent"] = format_percent
    return env


# -- the view ------------------------------------------------------------------------------------


def build_view(document: dict[str, Any], options: RenderOptions, t: Translator) -> dict[str, Any]:
    """Derived, display-only values; the facts themselves stay in the document."""
    scan = document["scan"]
    summary = document["summary"]
    risk = document.get("risk") or {}
    levels = _column_levels(risk)
    findings = _findings(document, risk, t)
    return {
        "lang": t.lang,
        "html_lang": t("meta.html_lang"),
        "scan_date": t.date(scan["started"]),
        "duration": t.duration(scan["started"], scan["finished"]),
        "assessed": bool(risk),
        # Findings from every producer (risk engine, policies, migrations) count, not only the engine's.
        "overall": min(
            [(risk.get("overall") or {}).get("level", "info")] + [f["level"] for f in document["findings"]],
            key=LEVELS.index,
        ),
        "levels": list(LEVELS),
        "finding_counts": [
            (lv, n) for lv in LEVELS if (n := sum(1 for f in document["findings"] if f["level"] == lv))
        ],
        "categories": [
            {"key": c, "label": t(f"categories.{c}.label"), "meaning": t(f"categories.{c}.meaning")}
            for c in CATEGORIES
        ],
        "sensitivity_levels": [s.value for s in reversed(Sensitivity)],
        "sensitivity_shares": _shares(summary["columns_by_sensitivity"], summary["columns"]),
        "rows_estimated": any(not tb["row_count_exact"] for tb in document["tables"]),
        "heatmap": [_heat_row(tb, levels) for tb in document["tables"]],
        "column_levels": levels,
        "risk_of": lambda source, table, column: levels.get(_key(source, table, column)),
        "findings": findings,
        "top_risks": _top_risks(risk, findings),
        "exposure": _exposure(risk, t),
        "impact": _impact(risk, t),
        "ropa": _ropa(document, levels, t),
        "methodology": _methodology(risk),
        "limitations": risk.get("limitations") or {},
        "cover": {
            "title": options.title,
            "client": options.client,
            "assessor": options.assessor,
        },
    }


def _column_levels(risk: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``"source\\x1ftable\\x1fcolumn"`` -> the column's risk entry, for templates to look up."""
    return {_key(c["source"], c["table"], c["column"]): c for c in risk.get("columns", [])}


def _key(source: str, table: str, column: str) -> str:
    return f"{source}\x1f{table}\x1f{column}"


def _heat_row(table: dict[str, Any], levels: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One heat-map row: per category, how many columns and the worst risk level among them."""
    cells = []
    for cat in CATEGORIES:
        hits = [c for c in table["columns"] if cat in c["categories"]]
        found = [
            levels[k]["level"]
            for c in hits
            if (k := _key(table["source"], table["name"], c["name"])) in levels
        ]
        level = min(found, key=LEVELS.index) if found else ("unscored" if hits else "empty")
        cells.append({"category": cat, "count": len(hits), "level": level})
    ranked = [cell["level"] for cell in cells if cell["level"] in LEVELS]
    return {"table": table, "cells": cells, "level": min(ranked, key=LEVELS.index) if ranked else None}


def _shares(counts: dict[str, int], total: int) -> list[dict[str, Any]]:
    return [
        {"level": s.value, "count": counts.get(s.value, 0), "width": 100 * counts.get(s.value, 0) / total}
        for s in reversed(Sensitivity)
        if total and counts.get(s.value, 0)
    ]


# -- findings --------------------------------------------------------------------------------------


def _findings(document: dict[str, Any], risk: dict[str, Any], t: Translator) -> list[dict[str, Any]]:
    """Findings, most severe first and by score within a level, with texts in the report language."""
    details = {d["fingerprint"]: d for d in risk.get("findings", [])}
    known = {src["source"] for src in risk.get("sources", []) if src["exposure_known"]}
    regs = {r["id"]: r for r in risk.get("regulations", [])}
    columns = _column_levels(risk)
    out = []
    for f in document["findings"]:
        detail = details.get(f["fingerprint"])
        texts = _finding_texts(f, detail, t)
        scored = None
        if detail and detail.get("scored_column") is not None:
            scored = columns.get(_key(f["source"], detail["scored_table"], detail["scored_column"]))
        out.append(
            {
                **f,
                **texts,
                "regs": [
                    {"id": r, "title": _reg_title(r, regs, t), "url": regs.get(r, {}).get("url")}
                    for r in f["regulations"]
                ],
                "factor_lines": _finding_factors(f, detail, scored, t),
                "object": ".".join(p for p in (f["table"], f["column"]) if p) or f["source"],
                # What an empty readers list means: not applicable, nobody but the owner, or not known.
                "readers_note": "readers_na"
                if f["table"] is None
                else ("no_readers" if f["source"] in known else "readers_unknown"),
            }
        )
    out.sort(key=lambda x: (LEVELS.index(x["level"]), -(x["score"] or 0)))
    return out


def _reg_title(reg_id: str, regs: dict[str, Any], t: Translator) -> str:
    if t.has(f"regulations.{reg_id}"):
        return t(f"regulations.{reg_id}")
    return regs.get(reg_id, {}).get("title", reg_id)


def _finding_texts(f: dict[str, Any], detail: dict[str, Any] | None, t: Translator) -> dict[str, str]:
    """Title, message, remediation and plain summary in the report language."""
    english = {
        "title": f["title"],
        "message": f["message"],
        "remediation": f["remediation"],
        "plain": (detail or {}).get("plain") or f["message"],
    }
    if t.lang == "en" or detail is None or not t.has(f"rules.{f['rule_id']}"):
        return english
    params = localise_params(detail["params"], t)
    return {
        name: t(f"rules.{f['rule_id']}.{name}", **params)
        for name in ("title", "message", "remediation", "plain")
    }


def localise_params(params: dict[str, Any], t: Translator) -> dict[str, str]:
    """Finding parameters as text in the report language (numbers, shares, data kinds)."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if key == "share" and isinstance(value, float):
            out[key] = format_percent(value)
        elif key == "categories" and isinstance(value, str):
            out[key] = t("common.list_sep").join(_kind(k, t) for k in value.split("/") if k)
        elif isinstance(value, int):
            out[key] = t("common.unknown_number") if value < 0 else f"{value:,}"
        else:
            out[key] = str(value)
    return out


def _kind(key: str, t: Translator) -> str:
    return t(f"datakinds.{key}") if t.has(f"datakinds.{key}") else key.replace("_", " ")


def _finding_factors(
    f: dict[str, Any], detail: dict[str, Any] | None, scored: dict[str, Any] | None, t: Translator
) -> list[dict[str, str]]:
    """The score factors behind a finding, rebuilt from the column's structured factors."""
    lines: list[dict[str, str]] = []
    if scored is not None:
        reader = None
        if detail and detail.get("reader"):
            reader = next((r for r in scored["readers"] if r["principal"] == detail["reader"]), None)
        lines = factor_lines(scored, t, reader)
    for trigger in (detail or {}).get("triggers", []):
        key = f"triggers.{trigger['code']}"
        text = t(key, **localise_params(f_params(f, detail), t)) if t.has(key) else trigger["text"]
        lines.append({"label": t("factor_names.trigger"), "text": text})
    if not lines and detail is None:
        lines = [{"label": name, "text": text} for name, text in f["factors"].items()]
    return lines


def f_params(f: dict[str, Any], detail: dict[str, Any] | None) -> dict[str, Any]:
    """A finding's template parameters (records as given by the finding)."""
    return {**(detail or {}).get("params", {}), "records": f["records"] if f["records"] is not None else -1}


def factor_lines(
    column: dict[str, Any], t: Translator, reader: dict[str, Any] | None = None
) -> list[dict[str, str]]:
    """One labelled line per score input, in the report language."""
    factors = column["factors"]
    lines = []
    for name in ("sensitivity", "identifiability", "volume", "exposure", "protection"):
        factor = factors[name]
        if name == "exposure" and reader is not None:
            text = _reader_exposure(reader, t)
        else:
            text = _factor_text(name, factor, t)
        lines.append({"label": t(f"factor_names.{name}"), "text": text})
    lines.append(
        {"label": t("factor_names.impact"), "text": t("factors.scale9", value=f"{column['impact']:.1f}")}
    )
    likelihood = reader["likelihood"] if reader is not None else column["likelihood"]
    lines.append(
        {"label": t("factor_names.likelihood"), "text": t("factors.scale9", value=f"{likelihood:.1f}")}
    )
    return lines


def _factor_text(name: str, factor: dict[str, Any], t: Translator) -> str:
    params = dict(factor["params"])
    value = f"{factor['value']:g}"
    if name == "sensitivity":
        cats = t("common.list_sep").join(
            _kind(c, t) for c in str(params.get("categories", "")).split("/") if c
        )
        level = params.get("level")
        return t(
            f"factors.sensitivity.{factor['code']}",
            value=value,
            categories=cats,
            entities=params.get("entities", ""),
            level=t(f"sensitivity.{level}") if level else "",
            limit=params.get("limit", ""),
        )
    if name == "identifiability":
        return t(f"factors.identifiability.{factor['code']}", value=value, columns=params.get("columns", ""))
    if name == "volume":
        text = t(f"factors.volume.{factor['code']}", value=value, records=t.number(params.get("records")))
        return text + (t("factors.volume.estimated_suffix") if params.get("estimated") else "")
    if name == "exposure":
        if factor["code"] != "reader":
            return t(f"factors.exposure.{factor['code']}", value=value)
        reader = {
            "principal": params["principal"],
            "tier": params["tier"],
            "people": params["people"],
            "write": bool(params.get("write")),
            "exposure": factor["value"],
        }
        return _reader_exposure(reader, t, everyone=bool(params.get("everyone")))
    text = t(f"factors.protection.{factor['code']}", value=value)
    if params.get("row_filter"):
        text += t("factors.protection.row_filter_suffix")
    return text


def _reader_exposure(reader: dict[str, Any], t: Translator, everyone: bool = False) -> str:
    people = int(reader.get("people") or 0)
    if everyone or (
        reader["tier"] in ("all_authenticated", "anonymous") and not reader.get("people_known", True)
    ):
        crowd = t("factors.exposure.everyone")
    elif people:
        crowd = t("factors.exposure.people", n=f"{people:,}")
    else:
        crowd = ""
    text = t(
        "factors.exposure.reader",
        value=f"{reader.get('exposure', 0):g}",
        principal=reader["principal"],
        tier=t(f"tiers.{reader['tier']}"),
        people=crowd,
    )
    if reader.get("write"):
        text += t("factors.exposure.write_suffix")
    return text


def _top_risks(risk: dict[str, Any], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_fp = {f["fingerprint"]: f for f in findings}
    return [by_fp[fp] for fp in risk.get("top_risks", []) if fp in by_fp]


# -- exposure matrix, impact, ROPA, methodology ----------------------------------------------------


def _exposure(risk: dict[str, Any], t: Translator) -> list[dict[str, Any]]:
    """Per source with grants: principals as columns, readable sensitive columns as rows."""
    out = []
    for src in risk.get("sources", []):
        if not src["exposure_known"]:
            continue
        columns = [c for c in risk["columns"] if c["source"] == src["source"]]
        readers: dict[str, dict[str, Any]] = {}
        for c in columns:
            for r in c["readers"]:
                readers.setdefault(r["principal"], r)
        principals = sorted(readers.values(), key=lambda r: (_TIER_ORDER.index(r["tier"]), r["principal"]))
        rows = []
        for c in columns:
            if not c["readers"]:
                continue
            cells = {r["principal"]: r for r in c["readers"]}
            rows.append({"column": c, "cells": [cells.get(p["principal"]) for p in principals]})
        out.append(
            {
                "source": src["source"],
                "principals": [{**p, "tier_label": t(f"tiers.{p['tier']}")} for p in principals],
                "rows": rows,
                "owner_only": sum(1 for c in columns if not c["readers"]),
            }
        )
    return out


def _impact(risk: dict[str, Any], t: Translator) -> dict[str, Any] | None:
    impact = risk.get("impact")
    if not impact:
        return None
    cost = impact["breach_cost"]
    fines = []
    for fine in impact["fines"]:
        key = f"fines.{fine['regulation']}"
        local = t.node(key) if t.lang != "en" and t.has(key) else {}
        fines.append({**fine, "ceiling": local.get("ceiling", fine["ceiling"]),
                      "applies_to": local.get("applies_to", fine["applies_to"])})  # fmt: skip
    figures = []
    for fig in cost["figures"]:
        key = f"cost_figures.{fig['id']}"
        figures.append({**fig, "what": t(key) if t.lang != "en" and t.has(key) else fig["what"]})
    return {
        "records_at_risk": impact["records_at_risk"],
        "by_category": [
            {"key": c, "label": t(f"categories.{c}.label"), "records": impact["records_by_category"][c]}
            for c in CATEGORIES
            if impact["records_by_category"].get(c)
        ],
        "cost": cost,
        "low": t.money(cost["low"]),
        "high": t.money(cost["high"]),
        "figures": figures,
        "fines": fines,
        "average": t.money(cost["average_breach"]["usd"]),
        "mega_low": t.money(cost["mega_breach"]["low"]),
        "mega_high": t.money(cost["mega_breach"]["high"]),
    }


def _ropa(document: dict[str, Any], levels: dict[str, dict[str, Any]], t: Translator) -> list[dict[str, Any]]:
    """One record-of-processing row per table holding personal data."""
    rows = []
    for table in document["tables"]:
        sensitive = [c for c in table["columns"] if c["categories"]]
        if not sensitive:
            continue
        readers: dict[str, dict[str, Any]] = {}
        purposes: list[str] = []
        for c in sensitive:
            entry = levels.get(_key(table["source"], table["name"], c["name"]))
            for r in (entry or {}).get("readers", []):
                readers.setdefault(r["principal"], r)
                if r.get("purpose") and r["purpose"] not in purposes:
                    purposes.append(r["purpose"])
        protections: dict[str, int] = {}
        for c in sensitive:
            protections[c["protection"]] = protections.get(c["protection"], 0) + 1
        known = any(c["readers"] is not None for c in sensitive)
        scored = [
            lv["level"]
            for c in sensitive
            if (lv := levels.get(_key(table["source"], table["name"], c["name"])))
        ]
        rows.append(
            {
                "table": table,
                "categories": [t(f"categories.{c}.label") for c in CATEGORIES if c in table["categories"]],
                "special": any(c in ("health", "special") for c in table["categories"]),
                "entities": sorted({e["type"] for c in sensitive for e in c["entities"]}),
                "internal": sorted(p for p, r in readers.items() if r["tier"] in ("internal", "owner")),
                "external": sorted(p for p, r in readers.items() if r["tier"] == "third_party"),
                "everyone": sorted(
                    p for p, r in readers.items() if r["tier"] in ("all_authenticated", "anonymous")
                ),
                "recipients_known": known,
                "purposes": purposes,
                "protections": [
                    t(f"protection.{p}", n=n) for p, n in sorted(protections.items(), key=lambda kv: -kv[1])
                ],
                "level": min(scored, key=LEVELS.index) if scored else None,
            }
        )
    return rows


def _methodology(risk: dict[str, Any]) -> dict[str, Any] | None:
    weights = risk.get("weights")
    if not weights:
        return None
    sens = weights["sensitivity"]
    return {
        "weights": weights,
        "categories": [(c, sens["categories"][c]) for c in CATEGORIES],
        "entities": sorted(sens["entities"].items(), key=lambda kv: (-kv[1], kv[0])),
        "buckets": weights["volume"]["buckets"],
        "tiers": [(tier, weights["exposure"]["tiers"][tier]) for tier in reversed(_TIER_ORDER)],
        "protection": [
            (p, weights["protection"][p])
            for p in ("none", "masked", "hashed", "tokenized", "encrypted", "row_filter")
        ],
        "bands": [(lv, weights["levels"][lv]) for lv in ("critical", "high", "medium", "low")],
        "rules": risk.get("rules", []),
    }


# -- formatting helpers (kept public: tests and other renderers use them) ---------------------------


def format_number(value: int | None) -> str:
    """Thousands separators; ``unknown`` for a missing count."""
    return "unknown" if value is None else f"{value:,}"


def format_percent(ratio: float) -> str:
    """A ratio as a percentage; one decimal below 10 % so rare matches do not read as 0 %."""
    pct = ratio * 100
    return f"{pct:.1f}%" if 0 < pct < 10 else f"{pct:.0f}%"


def _parse(stamp: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # 3.10 rejects a bare "Z"
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_timestamp(stamp: str) -> str:
    """``1 January 2026, 00:00 UTC`` (English); see :meth:`Translator.date` for other languages."""
    return translator("en").date(stamp)


def format_duration(started: str, finished: str) -> str:
    """``42 s`` / ``3 min 5 s`` / ``2 h 4 min`` (English); empty when either timestamp is unreadable."""
    return translator("en").duration(started, finished)
