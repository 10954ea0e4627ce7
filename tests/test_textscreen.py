"""The free-text screen: which notes the NLP engine must read, and that it hides nothing it would find."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmscan.classify.rules import load_rules
from crmscan.classify.textscreen import TextScreen


@pytest.fixture(scope="module")
def screen() -> TextScreen:
    rules = load_rules()
    return TextScreen(rules.dictionaries, rules.dictionaries.get("organisation_markers", frozenset()))


def needed(screen: TextScreen, *texts: str) -> list[bool]:
    return screen.screen(list(texts)).needed.tolist()


# -- patterns ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "write to someone@example.org",
        "call (212) 555-0199 after lunch",
        "mobile +44 7738 971392",
        "ssn on file 536-22-8145",
        "paid with 4111 1111 1111 1111",
        "客户电话13812345678",
        "login from 192.168.10.4 blocked",
        "fe80::1ff:fe23:4567:890a seen",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "refund to DE89 3704 0044 0532 0130 00",
    ],
)
def test_pattern_shapes_go_to_the_engine(screen: TextScreen, text: str) -> None:
    result = screen.screen([text])
    assert result.needed.tolist() == [True] and result.patterns == 1


@pytest.mark.parametrize(
    "text",
    [
        "renewal due in 60 days, usage is healthy",
        "ticket 58213 escalated to tier 2 support",
        "meeting at 10:30, 3 seats added",
        "version 2.4 rolled out to 40 users",
    ],
)
def test_short_numbers_and_plain_text_are_cleared(screen: TextScreen, text: str) -> None:
    assert needed(screen, text) == [False]


# -- health ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Patient mentioned DIABETES at the visit",  # one-word term, any case
        "history of high blood pressure",  # every word of a multi-word term
        "started on metformin last month",  # medication
        "客户患有糖尿病",  # Chinese term inside unsegmented text
    ],
)
def test_health_words_go_to_the_engine(screen: TextScreen, text: str) -> None:
    result = screen.screen([text])
    assert result.needed.tolist() == [True] and result.health == 1


def test_part_of_a_multi_word_term_is_not_enough(screen: TextScreen) -> None:
    assert needed(screen, "the blood bank export ran at a high speed") == [False] or (
        # "blood" alone may be a term of its own in the vocabulary; then the text must go
        "blood" in load_rules().dictionaries.get("health_terms", frozenset())
    )


# -- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "called Maria Gonzalez about the renewal",  # mid-sentence
        "Maria called back, wants a quote",  # opening a sentence, then a verb people do
        "Maria Gonzalez wants a quote",  # a full name opening a sentence
        "Follow up with Dr. Anna Schmidt next week",  # a title's full stop ends no sentence
        "Tom's wife called",
        "Emailed Fleur van Leeuwen the contract",
        "Spoke to J. Smith",
        "Renewal done.\nKevin will sign",
    ],
)
def test_possible_names_go_to_the_engine(screen: TextScreen, text: str) -> None:
    result = screen.screen([text])
    assert (result.needed | result.person).tolist() == [True] and result.names == 1


def test_a_full_common_name_is_a_person_without_ner(screen: TextScreen) -> None:
    texts = ["Called Maria Gonzalez about the renewal.", "MET JOHN SMITH TODAY", "April Zimmerman phoned"]
    result = screen.screen(texts)
    assert result.person.tolist() == [True, True, True] and not result.needed.any()


@pytest.mark.parametrize(
    "text",
    [
        "Called Priya Natarajan about the renewal.",  # not common names: NER decides
        "Audit by Grant Thornton LLP next week.",  # an organisation word follows
        "Renewal with Grant Thornton International Ltd.",  # ... or ends the capitalised run
        "Wire from Morgan Stanley & Co received.",
        "Maria called back.",  # a given name alone
    ],
)
def test_other_names_still_go_to_ner(screen: TextScreen, text: str) -> None:
    result = screen.screen([text])
    assert result.person.tolist() == [False] and result.needed.tolist() == [True]


def test_a_recurring_full_name_goes_to_ner(screen: TextScreen) -> None:
    texts = [f"Ticket {i}: Morgan Stanley renewal call." for i in range(5)]
    result = screen.screen(texts)
    assert not result.person.any() and result.needed.all()


@pytest.mark.parametrize(
    "text",
    [
        "Knee pain on stairs",  # a lone capitalised word opening a sentence
        "Escalated to tier two. Closed as resolved.",
        "Customer asked for SSO support; checking with product.",  # roles, acronyms
        "Upgrade to Pro tier approved.",  # plan words
        "Shipped on Monday, due back in March.",  # days and months
        "I think the export is broken.",  # a lone letter
        "Synced with Salesforce and HubSpot",  # tools
    ],
)
def test_words_that_cannot_be_names_are_cleared(screen: TextScreen, text: str) -> None:
    assert needed(screen, text) == [False]


PRODUCTS = ("Atlas Gateway", "Helix Sync", "Nimbus Router", "Orion Dashboard")


def product_notes(n: int) -> list[str]:
    return [
        f"Ticket {i} reopened because the {PRODUCTS[i % len(PRODUCTS)]} still times out." for i in range(n)
    ]


def test_recurring_product_words_are_the_columns_vocabulary(screen: TextScreen) -> None:
    result = screen.screen(product_notes(40))
    assert result.vocabulary_only and result.names == 0 and not result.needed.any()


def test_a_rare_name_among_the_vocabulary_sends_only_its_text(screen: TextScreen) -> None:
    texts = [*product_notes(40), "Called Priya Natarajan about the Helix Sync"]
    result = screen.screen(texts)
    assert not result.vocabulary_only
    assert result.needed.tolist() == [False] * 40 + [True]


def test_a_recurring_common_name_is_not_vocabulary(screen: TextScreen) -> None:
    texts = [f"Ticket {i} assigned to Maria for the {PRODUCTS[i % 4]}." for i in range(40)]
    result = screen.screen(texts)
    assert not result.vocabulary_only and result.needed.all()


def test_few_texts_have_no_vocabulary(screen: TextScreen) -> None:
    # Two notes cannot establish a vocabulary: a word must recur in at least three.
    assert screen.screen(product_notes(2)).needed.all()


# -- the screen hides nothing the engine would count -----------------------------------------------------

_FRAGMENTS = [
    "Called",
    "Maria Gonzalez",
    "about the renewal.",
    "Maria called back.",
    "Knee pain on stairs.",
    "mail bob@example.com",
    "call (212) 555-0199",
    "SSN 536-22-8145",
    "card 4111 1111 1111 1111",
    "IP 10.0.0.12",
    "IBAN GB82 WEST 1234 5698 7654 32",
    "the Helix Sync",
    "on chemotherapy",
    "takes ibuprofen",
    "Escalated to tier two.",
    "Dr. Anna Schmidt",
    "Ticket 58213",
    "Pro plan",
    "with",
    "and",
    "\n",
    "Kevin will sign",
    "Order 2024551234",
    "Box arrived damaged.",
]


@pytest.fixture(scope="module")
def engine():
    pytest.importorskip("presidio_analyzer", reason="needs the nlp extra (presidio-analyzer)")
    pytest.importorskip("spacy", reason="needs the nlp extra (spaCy)")
    from crmscan.classify.freetext import FreeTextAnalyzer

    analyzer = FreeTextAnalyzer.create("auto")
    if analyzer.model is None:
        pytest.skip("no spaCy English model installed (pip install en-core-web-sm)")
    return analyzer


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=6))
def test_screen_never_hides_a_mention(screen: TextScreen, engine, parts: list[str]) -> None:
    """Whatever the engine counts in a text (bar places, which only corroborate), the screen lets through."""
    text = " ".join(parts)
    engine_ready, health = engine._ready()
    doc = engine_ready.pipeline(text)
    found = engine._found(doc, engine_ready, health) - {"LOCATION"}
    result = screen.screen([text])
    if found - {"PERSON"}:
        assert result.needed.tolist() == [True], sorted(found)
    elif found:
        assert (result.needed | result.person).tolist() == [True]


# -- spaCy and presidio are loaded only when a text needs them -----------------------------------------

_LAZY = textwrap.dedent(
    """
    import json, sys
    from crmscan.classify.freetext import FreeTextAnalyzer

    analyzer = FreeTextAnalyzer.create("auto")
    notes = [f"Ticket {i} reopened because the {p} still times out." for i, p in
             enumerate(["Atlas Gateway", "Helix Sync", "Nimbus Router", "Orion Dashboard"] * 10)]
    cleared = analyzer.analyze(notes)
    before = sorted(m for m in ("spacy", "presidio_analyzer") if m in sys.modules)
    found = analyzer.analyze(notes + ["Called Maria Gonzalez about the renewal."] * 3)
    after = sorted(m for m in ("spacy", "presidio_analyzer") if m in sys.modules)
    print(json.dumps({"cleared": [cleared.analysed, cleared.mentions], "before": before, "after": after,
                      "found": found.mentions, "model": analyzer.model}))
    """
)


def test_nlp_is_loaded_only_when_a_text_needs_it() -> None:
    pytest.importorskip("spacy", reason="needs the nlp extra (spaCy)")
    out = subprocess.run([sys.executable, "-c", _LAZY], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["cleared"] == [40, {}]
    assert report["before"] == []
    assert report["after"] == ["presidio_analyzer", "spacy"]
    if report["model"]:
        assert report["found"].get("PERSON") == 3
