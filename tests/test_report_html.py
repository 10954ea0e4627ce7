"""The HTML report: golden file, self-containment, escaping, accessibility, translations, risk sections.

The browser checks (the demo report in headless Chromium, print to PDF) are in test_report_browser.py.
"""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml

from crmscan.errors import UsageError
from crmscan.model import LEVELS, ScanResult
from crmscan.report.base import RenderOptions
from crmscan.report.document import build_document
from crmscan.report.fixtures import (
    HOSTILE_COLUMN,
    HOSTILE_MESSAGE,
    HOSTILE_PRINCIPAL,
    HOSTILE_PURPOSE,
    HOSTILE_TABLE,
    empty_scan_result,
    hostile_scan_result,
    sample_scan_result,
)
from crmscan.report.html import (
    LANGUAGES,
    HtmlRenderer,
    format_duration,
    format_percent,
    format_timestamp,
    translator,
)
from crmscan.resources import data_dir
from crmscan.risk import load_risk_data
from update_golden import GOLDEN_DIR, render_golden

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _render(
    result: ScanResult | None = None, title: str = "crmscan data privacy report", **options: Any
) -> str:
    document = build_document(result or sample_scan_result())
    return HtmlRenderer().render(document, RenderOptions(title=title, **options))


class _Collector(HTMLParser):
    """Records tags and attributes, and checks that non-void elements are closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def test_matches_golden_file() -> None:
    expected = (GOLDEN_DIR / "report.html").read_text(encoding="utf-8")
    assert render_golden()["report.html"] == expected, (
        "run `python tests/update_golden.py` and review the diff"
    )


def test_chinese_golden_file() -> None:
    expected = (GOLDEN_DIR / "report.zh.html").read_text(encoding="utf-8")
    assert render_golden()["report.zh.html"] == expected, (
        "run `python tests/update_golden.py` and review the diff"
    )


def test_render_is_deterministic() -> None:
    assert _render() == _render()


def test_is_self_contained() -> None:
    """Nothing is loaded from outside the file; absolute URLs are only links to legal texts and sources."""
    html = _render()
    parsed = _parse(html)
    links = 0
    for tag, attrs in parsed.tags:
        for name in ("src", "srcset", "action", "poster", "data", "background"):
            assert attrs.get(name) is None, f"<{tag} {name}=...> would load something"
        href = attrs.get("href")
        if href is not None and not href.startswith("#"):
            assert tag == "a" and href.startswith(("https://", "http://")), f"<{tag} href={href!r}>"
            assert attrs.get("rel") == "noreferrer noopener"
            links += 1
        assert not (tag == "link"), "no <link> elements: CSS is inlined"
        assert not (tag == "script" and "src" in attrs), "no external scripts"
    assert links > 0, "legal references link to their texts"
    assert not re.search(r"url\s*\(", html, re.IGNORECASE), "no CSS url(): images and fonts are not fetched"
    assert "@import" not in html and "<iframe" not in html
    assert html.count("<script>") == 1 and html.count("<style>") == 1
    assert '<meta name="referrer" content="no-referrer">' in html


def test_markup_is_balanced() -> None:
    parsed = _parse(_render())
    assert parsed.problems == []
    assert parsed.stack == []


def test_every_table_column_and_error_appears() -> None:
    html = _render()
    document = build_document(sample_scan_result())
    text = " ".join(_parse(html).text)
    for table in document["tables"]:
        assert table["name"] in text
        for column in table["columns"]:
            assert column["name"] in text
            for evidence in column["evidence"]:
                for example in evidence["examples"]:
                    assert example in text
    assert document["errors"]
    for error in document["errors"]:
        assert error["message"] in text
        assert error["table"] in text


def test_sections_and_header_facts() -> None:
    html = _render(title="Acme CRM audit", client="Acme Corp", assessor="J. Roe")
    for needle in (
        "<title>Acme CRM audit</title>",
        '<html lang="en">',
        "Prepared for Acme Corp",
        "J. Roe",
        "1 January 2026, 00:00 UTC",
        "crmscan 0.0.0-test",
        "up to 1,000 rows per table, seed 42",
        "2 source(s), 5 tables, 23 columns, 65,277 rows",
        'id="cover"',
        'id="summary"',
        'id="findings"',
        'id="heatmap"',
        'id="exposure"',
        'id="impact"',
        'id="categories"',
        'id="ropa"',
        'id="inventory"',
        'id="methodology"',
        'id="not-scanned"',
        "j***@e***.com",
        "**** **** **** 4242",
    ):
        assert needle in html, needle


def test_executive_summary_names_top_risks_in_plain_language() -> None:
    html = _render()
    document = build_document(sample_scan_result())
    top = document["risk"]["top_risks"]
    assert 1 <= len(top) <= load_risk_data().weights.thresholds.top_risks
    plain = {d["fingerprint"]: d["plain"] for d in document["risk"]["findings"]}
    summary = html[html.index('id="summary"') : html.index('id="findings"')]
    for fingerprint in top:
        assert _escape(plain[fingerprint]) in summary
        assert f'href="#f-{fingerprint}"' in summary
    assert "Overall risk:" in summary and "lvl-critical" in summary


def test_findings_are_sorted_by_level_and_carry_remediation_and_law() -> None:
    html = _render()
    document = build_document(sample_scan_result())
    section = html[html.index('id="findings"') : html.index('id="heatmap"')]
    levels = re.findall(r'<article class="finding finding-(\w+)"', section)
    assert len(levels) == len(document["findings"])
    assert levels == sorted(levels, key=LEVELS.index)
    for finding in document["findings"]:
        article = section[section.index(f'id="f-{finding["fingerprint"]}"') :]
        article = article[: article.index("</article>")]
        assert _escape(finding["remediation"]) in article
        for reg in finding["regulations"]:
            assert f">{reg}</a>" in article
    assert "Why this level" in section


def test_exposure_matrix_lists_readers_and_their_levels() -> None:
    html = _render()
    section = html[html.index('id="exposure"') : html.index('id="impact"')]
    for principal in ("PUBLIC", "mailer_agency", "sales", "support"):
        assert f'<span class="principal">{principal}</span>' in section
    assert "third party · 4 people" in section and "all authenticated users · 310 people" in section
    assert "Exposure unknown for 4 sensitive column(s): no grants information for exports." in section


def test_impact_prints_source_and_year_next_to_every_figure() -> None:
    html = _render()
    section = html[html.index('id="impact"') : html.index('id="categories"')]
    costs = load_risk_data().costs
    for figure in costs.per_record:
        if f"${figure.usd:,.0f}" in section:
            assert f"({_escape(figure.source)}, {figure.year}" in section
    for fine in costs.fines:
        assert f">{fine.regulation}</th>" in section and str(fine.year) in section
    assert "never part of the risk scores" in section


def test_methodology_prints_the_weights_in_use() -> None:
    html = _render()
    section = html[html.index('id="methodology"') : html.index('id="not-scanned"')]
    weights = load_risk_data().weights
    assert f"Impact I (0-9) = {weights.impact.sensitivity_weight:g} × 2.25" in section
    assert f'<td class="num">{weights.exposure.tiers["anonymous"]}</td>' in section
    for rule in load_risk_data().rules.rules:
        assert f'<th scope="row">{rule.id}</th>' in section


def test_ropa_appendix_has_recipients_and_blanks_to_complete() -> None:
    html = _render()
    section = html[html.index('id="ropa"') : html.index('id="inventory"')]
    assert "Third parties: mailer_agency" in section and "Everyone: PUBLIC" in section
    assert "to be completed" in section and "unknown (no grants information)" in section


def test_limitations_say_what_was_not_seen() -> None:
    html = _render()
    section = html[html.index('id="not-scanned"') :]
    assert "4 sensitive column(s) have no grants information (exports)" in section
    assert "Write access is unknown for crm_db" in section
    assert "not legal advice" in section


def test_heatmap_cells_have_text_labels() -> None:
    html = _render()
    t = translator("en")
    cells = re.findall(r'<td class="heat heat-(\w+)">(.*?)</td>', html)
    assert cells
    for level, content in cells:
        label = re.sub(r"<[^>]+>", " ", content)
        if level == "empty":
            assert t("heatmap.none") in label or t("exposure.no_access") in label
        else:
            assert t(f"levels.{level}") in label, (level, content)


def test_every_th_has_scope() -> None:
    parsed = _parse(_render())
    ths = [attrs for tag, attrs in parsed.tags if tag == "th"]
    assert ths and all(attrs.get("scope") in {"col", "row", "rowgroup", "colgroup"} for attrs in ths)


def test_print_css_present() -> None:
    html = _render()
    assert "@media print" in html and "break-inside: avoid" in html


def test_hostile_names_are_escaped() -> None:
    for lang in LANGUAGES:
        html = _render(hostile_scan_result(), title="<b>T</b>", client="<i>C</i>", lang=lang)
        for raw in (
            HOSTILE_COLUMN,
            HOSTILE_TABLE,
            HOSTILE_MESSAGE,
            HOSTILE_PRINCIPAL,
            HOSTILE_PURPOSE,
            "<b>T</b>",
            "<i>C</i>",
            "<b>values</b>",
            "<i>x</i>",
            "<svg",
            "<!--",
        ):
            assert raw not in html, (lang, raw)
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;svg onload=alert(5)&gt;" in html
        assert "&lt;b&gt;T&lt;/b&gt;" in html
        parsed = _parse(html)
        assert [tag for tag, _ in parsed.tags].count("script") == 1
        assert not any(tag in ("img", "svg") for tag, _ in parsed.tags)
        assert parsed.problems == []


def test_empty_scan_renders() -> None:
    for lang in LANGUAGES:
        html = _render(empty_scan_result(), lang=lang)
        t = translator(lang)
        assert t("common.no_tables") in html
        assert t("limits.all_scanned") in html
        assert t("findings.none") in html
        assert _parse(html).problems == []


def test_report_without_risk_assessment_still_renders() -> None:
    document = build_document(sample_scan_result())
    document["risk"] = {}
    document["findings"] = []
    html = HtmlRenderer().render(document, RenderOptions())
    assert "No risk assessment was run for this report." in html
    assert _parse(html).problems == []


def test_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--lang: unknown language 'fr'"):
        _render(lang="fr")


# -- translations ---------------------------------------------------------------------------------

_ZH_ONLY = {"rules", "regulations", "fines", "cost_figures"}


def _catalogue(lang: str) -> dict[str, Any]:
    return yaml.safe_load(
        (data_dir("report_templates") / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8")
    )


def _leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(_leaves(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: node}


def _fields(text: Any) -> set[str]:
    if not isinstance(text, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    en, zh = _leaves(_catalogue("en")), _leaves(_catalogue("zh"))
    zh_shared = {k: v for k, v in zh.items() if k.split(".")[0] not in _ZH_ONLY}
    assert set(en) == set(zh_shared), {
        "only en": set(en) - set(zh_shared),
        "only zh": set(zh_shared) - set(en),
    }
    for key, text in en.items():
        assert _fields(text) == _fields(zh[key]), key
    assert len(zh["common.months"]) == 12


def test_chinese_catalogue_covers_every_rule_regulation_fine_and_figure() -> None:
    zh = _catalogue("zh")
    data = load_risk_data()
    for rule in data.rules.rules:
        entry = zh["rules"][rule.id]
        for field in ("message", "remediation", "plain"):
            assert _fields(entry[field]) == _fields(getattr(rule, field)), (rule.id, field)
        assert entry["title"]
    assert set(zh["regulations"]) == data.regulations.ids()
    assert set(zh["fines"]) == {f.regulation for f in data.costs.fines}
    assert set(zh["cost_figures"]) == {p.id for p in data.costs.per_record}


def test_chinese_report_uses_the_catalogue_everywhere() -> None:
    html = _render(lang="zh", client="示例客户")
    assert '<html lang="zh-CN">' in html and "委托方：示例客户" in html and "2026年1月1日 00:00 UTC" in html
    zh = _catalogue("zh")
    for rule_id in {f["rule_id"] for f in build_document(sample_scan_result())["findings"]}:
        assert zh["rules"][rule_id]["title"] in html
    # No English sentence of the catalogue or of the finding rules leaks into the Chinese page.
    english = [v for v in _leaves(_catalogue("en")).values() if isinstance(v, str) and len(v) > 14]
    english += [r.title for r in load_risk_data().rules.rules]
    for text in english:
        fixed = re.split(r"\{[^}]*\}", text)
        longest = max(fixed, key=len).strip(" .,:;—-")
        if len(longest) > 14:
            assert _escape(longest) not in html, longest
    assert _parse(html).problems == []


def test_chinese_money_and_numbers() -> None:
    t = translator("zh")
    assert t.money(1_428_900) == "143 万美元" and t.money(4_200) == "4,200 美元"
    assert translator("en").money(1_428_900) == "$1.43 million" and translator("en").money(4_210) == "$4,210"
    assert t.number(None) == "未知" and t.number(12_408) == "12,408"


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


@pytest.mark.parametrize(
    ("started", "finished", "expected"),
    [
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:42Z", "42 s"),
        ("2026-01-01T00:00:00Z", "2026-01-01T00:03:05Z", "3 min 5 s"),
        ("2026-01-01T00:00:00+00:00", "2026-01-01T02:04:00+00:00", "2 h 4 min"),
        ("garbage", "2026-01-01T00:00:00Z", ""),
    ],
)
def test_format_duration(started: str, finished: str, expected: str) -> None:
    assert format_duration(started, finished) == expected


def test_format_helpers() -> None:
    assert format_timestamp("2026-03-05T13:07:00+01:00") == "5 March 2026, 12:07 UTC"
    assert format_timestamp("not a date") == "not a date"
    assert format_percent(0.034) == "3.4%"
    assert format_percent(0.982) == "98%"
    assert format_percent(0.0) == "0%"
