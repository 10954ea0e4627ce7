"""Free-text analysis: mentions of personal data in notes, counted per text, never quoted."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("presidio_analyzer", reason="free-text analysis needs the nlp extra (presidio-analyzer)")
pytest.importorskip("spacy", reason="free-text analysis needs the nlp extra (spaCy)")

from crmscan.classify import freetext, nlp  # noqa: E402
from crmscan.classify.freetext import TEXT_ENTITIES, FreeTextAnalyzer, TextAnalysis  # noqa: E402
from crmscan.classify.rules import load_rules  # noqa: E402
from crmscan.errors import UsageError  # noqa: E402

NEUTRAL = [
    "Box arrived with a broken seal; replacement shipped.",
    "Customer upgraded to the Premium plan; Zendesk ticket closed.",
    "Sent the Q3 roadmap deck to procurement.",
    "Renewal due in 60 days, usage is healthy.",
    "Customer asked for SSO support; checking with product.",
    "Invoice shows the wrong VAT number; customer asked for a corrected copy.",
    "App crashes on Android when opening the class schedule. Sent to the mobile team.",
    "Demo went well. Follow-up scheduled with the Salesforce admin team.",
    "Contract redlines with legal; waiting for signature.",
    "Migrated the Enterprise workspace to the new Analytics module.",
    "Courier left the box at the wrong address.",
    "Upgrade to Pro tier approved by Finance.",
    "Webinar recording shared on LinkedIn and in the Slack channel.",
    "Order 2024551234 shipped via DHL Express on 2024-03-15.",
    "Ticket 58213 escalated to Tier 2 support, SLA 4h.",
    "Quote Q-2291 sent, valid until 31 March 2025.",
]
PEOPLE = [
    "Called Maria Gonzalez about the renewal.",
    "Spoke to Tom Becker re: invoice, he will pay next week.",
    "Left a voicemail for Priya Natarajan.",
    "Maria called back, wants a quote for 40 seats.",
    "Met with John O'Neill and the procurement team.",
    "Emailed Fleur van Leeuwen the signed contract.",
    "Follow up with Dr. Anna Schmidt next Tuesday.",
    "Renewal call with Kevin Williams went well.",
    "Chase Richard Martinez for signature.",
]
# Lone capitalised words opening a sentence that the small model takes for names.
NOT_PEOPLE = [
    "Knee pain on stairs; wants to lose weight before the summer.",
    "Box arrived damaged, second time this month.",
    "Physio x6 and ergonomics review.",
]


@pytest.fixture(scope="module")
def patterns() -> FreeTextAnalyzer:
    return FreeTextAnalyzer.create("none")


@pytest.fixture(scope="module")
def with_model() -> FreeTextAnalyzer:
    analyzer = FreeTextAnalyzer.create("auto")
    if analyzer.model is None:
        pytest.skip("no spaCy English model installed (pip install en-core-web-sm)")
    return analyzer


# -- pattern-only ------------------------------------------------------------------------------------


def test_pattern_only_counts_texts_per_entity(patterns: FreeTextAnalyzer) -> None:
    texts = [
        "Please reply to jane.doe@example.com instead of the address on file.",
        "New address: j.smith@outlook.de, old one bounced. Also cc anna@firma.de.",
        "Call back on +1 212-414-6689 after 5pm.",
        "Prefers WhatsApp: +44 7738 971392.",
        "SSN on the W-9 is 536-22-8145, verified by phone.",
        "Paid with card 4111 1111 1111 1111, refund pending.",
        "Refund to IBAN DE89 3704 0044 0532 0130 00 please.",
        "Login blocked from 203.0.113.77 after five attempts.",
        "Customer is diabetic and asked about the low-sugar box.",
        "Undergoing chemotherapy, pause the membership for three months.",
        "High Blood Pressure noted; takes Metformin and Insulin daily.",
        "Renewal due in 60 days, usage is healthy.",
    ]
    result = patterns.analyze(texts)
    assert result.analysed == 12
    assert result.model is None
    assert result.mentions == {
        "EMAIL_ADDRESS": 2,  # two addresses in one text count once
        "PHONE_NUMBER": 2,
        "US_SSN": 1,
        "CREDIT_CARD": 1,
        "IBAN_CODE": 1,
        "IP_ADDRESS": 1,
        "HEALTH": 3,  # diabetic; chemotherapy; blood pressure + insulin
        "MEDICATION": 1,  # metformin and insulin in one text
    }


def test_checksums_and_shapes_reject_lookalikes(patterns: FreeTextAnalyzer) -> None:
    texts = [
        "Card 4111 1111 1111 1112 was declined.",  # fails Luhn
        "IBAN DE89 3704 0044 0532 0130 01 bounced.",  # fails the mod-97 check
        "Example SSN 123-45-6789 from the form template.",  # published placeholder
        "BP 164/102 at intake; recheck in 4 weeks.",  # a blood pressure is not a phone number
        "Order 2125550123 shipped.",  # a bare digit run without a phone context word
    ]
    assert patterns.analyze(texts).mentions == {}


def test_health_vocabulary_matches_whole_words_case_insensitively(patterns: FreeTextAnalyzer) -> None:
    texts = [
        "ASTHMATIC member asks whether the sauna is OK.",
        "She mentioned maternity leave starting in May.",
        "On sertraline, asked about St John's wort.",
        "The operational review is next week.",  # "operation on" is a term, "operational" is not
        "Chronically late payments, escalate.",  # "chronic" is a term, "chronically" is not
        "患者有糖尿病史，需要低糖餐盒。",  # Chinese terms are found without word boundaries
    ]
    result = patterns.analyze(texts)
    assert result.mentions == {"HEALTH": 3, "MEDICATION": 1}


def test_chinese_remarks(patterns: FreeTextAnalyzer) -> None:
    texts = ["客户电话13812345678，糖尿病患者，需要送货上门。", "请回复 wang.xm@163.com", "下周来访"]
    assert patterns.analyze(texts).mentions == {"PHONE_NUMBER": 1, "HEALTH": 1, "EMAIL_ADDRESS": 1}


def test_counts_weight_distinct_texts_by_rows(patterns: FreeTextAnalyzer) -> None:
    result = patterns.analyze(
        ["Sent pricing to ops@example.org.", "Left voicemail.", "  ", ""], counts=[3, 7, 5, 1]
    )
    assert result.analysed == 10  # empty texts are not rows with text
    assert result.mentions == {"EMAIL_ADDRESS": 3}
    assert result.ratio("EMAIL_ADDRESS") == pytest.approx(0.3)
    assert (
        result.describe("EMAIL_ADDRESS", "notes")
        == "e-mail addresses mentioned in 3 of 10 sampled notes (30%)"
    )


def test_date_time_is_never_reported(patterns: FreeTextAnalyzer, with_model: FreeTextAnalyzer) -> None:
    texts = [
        "Renewal due on 12 March 2025, call at 10:30.",
        "Ticket 2024-03-15-0042 reopened yesterday.",
        "Meeting moved to Tuesday because of the Easter holidays.",
        "ID 8f14e45f-ceea-467f-a0e6-1c6f9c1a2b3d created 2023-11-02T08:15:00Z.",
    ]
    for analyzer in (patterns, with_model):
        result = analyzer.analyze(texts)
        assert "DATE_TIME" not in result.mentions
        assert set(result.mentions) <= set(TEXT_ENTITIES)


def test_results_hold_counts_not_values(patterns: FreeTextAnalyzer) -> None:
    result = patterns.analyze(["Write to secret.person@example.com about 536-22-8145."])
    dumped = repr(result) + json.dumps(result.mentions)
    assert "secret.person" not in dumped and "8145" not in dumped


def test_debug_logging_carries_no_values(
    with_model: FreeTextAnalyzer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # as a --debug run would configure the root logger
    with_model.analyze(
        ["Called Maria Gonzalez at +1 212-414-6689, SSN 536-22-8145, mail secret.person@example.com"]
    )
    for value in ("Maria", "Gonzalez", "6689", "8145", "secret.person"):
        assert value not in caplog.text


# -- with the spaCy model ----------------------------------------------------------------------------


def test_person_names_found_in_notes(with_model: FreeTextAnalyzer) -> None:
    result = with_model.analyze(PEOPLE)
    assert result.mentions.get("PERSON") == len(PEOPLE)
    assert result.model == with_model.model


def test_no_person_names_in_neutral_product_notes(with_model: FreeTextAnalyzer) -> None:
    result = with_model.analyze(NEUTRAL + NOT_PEOPLE)
    assert "PERSON" not in result.mentions


def test_pattern_only_finds_common_full_names_only(patterns: FreeTextAnalyzer) -> None:
    # Without a spaCy model, a common given name followed by a common surname is still a person.
    assert patterns.analyze(["Called Maria Gonzalez about the renewal."]).mentions == {"PERSON": 1}
    for text in ("Left a voicemail for Priya Natarajan.", "Maria called back, wants a quote for 40 seats."):
        assert "PERSON" not in patterns.analyze([text]).mentions


def test_significant_applies_ratio_count_and_standalone() -> None:
    analysis = TextAnalysis(100, {"PERSON": 4, "EMAIL_ADDRESS": 2, "LOCATION": 30, "HEALTH": 14, "US_SSN": 1})
    # PERSON needs 5 %, LOCATION only corroborates, one SSN is below the two-text minimum.
    assert analysis.significant() == ["HEALTH", "EMAIL_ADDRESS"]
    assert analysis.categories() == ["pii", "health"]
    assert analysis.describe("HEALTH", "notes") == "health terms mentioned in 14 of 100 sampled notes (14%)"
    assert TextAnalysis(0).ratio("PERSON") == 0.0


def test_entity_table_points_at_existing_rules() -> None:
    rules = load_rules()
    for key, info in TEXT_ENTITIES.items():
        rule = rules.rule(info.rule_id)
        assert rule.entity == info.entity, key
        assert rule.category == info.category, key
    assert "DATE_TIME" not in TEXT_ENTITIES and "NRP" not in TEXT_ENTITIES


# -- model selection ---------------------------------------------------------------------------------


def test_unknown_explicit_model_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as err:
        FreeTextAnalyzer.create("en_core_web_lg_missing")
    message = str(err.value)
    assert message == (
        "spaCy model 'en_core_web_lg_missing' is not installed; "
        "pip install en-core-web-lg-missing or pass --nlp-model none"
    )
    assert "\n" not in message


def test_explicit_installed_model_is_used(with_model: FreeTextAnalyzer) -> None:
    assert with_model.model is not None
    explicit = FreeTextAnalyzer.create(with_model.model)
    assert explicit.model == with_model.model and explicit.notice is None


def test_auto_without_a_model_falls_back_with_one_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "AUTO_MODELS", ("crmscan_no_such_model_a", "crmscan_no_such_model_b"))
    analyzer = FreeTextAnalyzer.create("auto")
    assert analyzer.model is None and analyzer.enabled
    assert analyzer.notice is not None and "\n" not in analyzer.notice
    assert "pip install crmscan-no-such-model-a" in analyzer.notice
    assert analyzer.analyze(["Mail bob@example.com"]).mentions == {"EMAIL_ADDRESS": 1}


def test_auto_model_that_fails_to_load_falls_back_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "AUTO_MODELS", ("json",))  # importable, but not a spaCy pipeline
    analyzer = FreeTextAnalyzer.create("auto")
    assert analyzer.notice is None and analyzer.model == "json"  # nothing loaded yet
    assert analyzer.analyze(["shipped, waiting on reply"]).model == "json"  # cleared: nothing loaded
    result = analyzer.analyze(["Mail bob@example.com"])
    assert result.mentions == {"EMAIL_ADDRESS": 1} and result.model is None
    assert analyzer.model is None and "no spaCy English model found" in (analyzer.notice or "")


def test_none_means_pattern_only_without_notice() -> None:
    for choice in ("none", None):
        analyzer = FreeTextAnalyzer.create(choice)
        assert analyzer.model is None and analyzer.notice is None and analyzer.enabled


def test_missing_nlp_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "nlp_installed", lambda: False)
    analyzer = FreeTextAnalyzer.create("auto")
    assert not analyzer.enabled and "crmscan[nlp]" in (analyzer.notice or "")
    assert analyzer.analyze(["Mail bob@example.com"]) == TextAnalysis(0, {}, None)
    with pytest.raises(UsageError, match=r"crmscan\[nlp\]"):
        FreeTextAnalyzer.create("en_core_web_md")


def test_bad_sample_size_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        FreeTextAnalyzer.create("none", max_texts=0)


def test_engines_are_built_once_per_process(with_model: FreeTextAnalyzer) -> None:
    again = FreeTextAnalyzer.create("auto", seed=7)
    assert again._ready()[0] is with_model._ready()[0]
    assert FreeTextAnalyzer.create("none")._ready()[0] is FreeTextAnalyzer.create("none")._ready()[0]


# -- sub-sampling ------------------------------------------------------------------------------------


def test_subsample_is_seeded_bounded_and_row_weighted() -> None:
    weights = np.array([1] * 300 + [700], dtype=np.int64)  # one note held by 700 of 1,000 rows
    a = freetext._subsample(weights, 200, seed=0)
    b = freetext._subsample(weights, 200, seed=0)
    c = freetext._subsample(weights, 200, seed=1)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    picked, per_text, analysed = a
    assert analysed == 200 and int(per_text.sum()) == 200
    assert np.all(np.diff(picked) > 0)  # in input order, each distinct text once
    assert picked[-1] == 300 and 100 < per_text[-1] < 180  # the shared note stands for ~70 % of rows


def test_analyze_is_deterministic_for_a_seed(patterns: FreeTextAnalyzer) -> None:
    texts = [
        f"Note {i}: " + (f"mail m{i}@example.com" if i % 3 == 0 else "left voicemail") for i in range(600)
    ]
    first = FreeTextAnalyzer.create("none", max_texts=50, seed=3).analyze(texts)
    second = FreeTextAnalyzer.create("none", max_texts=50, seed=3).analyze(texts)
    other = FreeTextAnalyzer.create("none", max_texts=50, seed=4).analyze(texts)
    assert first == second
    assert first.analysed == 50 and other.analysed == 50
    assert 5 <= first.mentions["EMAIL_ADDRESS"] <= 30
    assert patterns.analyze(texts[:10]).analysed == 10  # below the bound every text is analysed


# -- no network --------------------------------------------------------------------------------------

_NO_NETWORK = textwrap.dedent(
    """
    import json, socket, sys

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(str(args[1] if len(args) > 1 else args[0])[:60])
        raise OSError("network disabled by test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from crmscan.classify.freetext import FreeTextAnalyzer

    analyzer = FreeTextAnalyzer.create(sys.argv[1])
    texts = ["Write to jane.doe@example.co.uk or call +44 7738 971392.", "Called Maria Gonzalez."]
    result = analyzer.analyze(texts)
    ours = list(attempts)

    import tldextract  # the stock extractor presidio would use: proves the guard sees a fetch
    tldextract.extract("someone@example.com")
    print(json.dumps({"ours": ours, "stock": len(attempts) - len(ours), "mentions": result.mentions,
                      "model": analyzer.model}))
    """
)


@pytest.mark.parametrize("model", ["auto", "none"])
def test_no_network_during_create_and_analyze(tmp_path, model: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TLDEXTRACT")}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))  # no cached suffix list
    out = subprocess.run(
        [sys.executable, "-c", _NO_NETWORK, model], capture_output=True, text=True, env=env, timeout=180
    )
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["ours"] == []
    assert report["stock"] > 0, "the socket guard did not see tldextract's own download attempt"
    assert report["mentions"]["EMAIL_ADDRESS"] == 1 and report["mentions"]["PHONE_NUMBER"] == 1
    if report["model"]:
        assert report["mentions"]["PERSON"] == 1
