"""Free-text analysis: which kinds of personal data do notes, descriptions and case comments mention?

A notes column is not "an e-mail column", but a column where one note in five names a person, gives a
phone number or says someone is on chemotherapy holds personal and health data all the same. This
module reads a bounded, seeded sub-sample of a column's texts and counts, per entity type, how many
texts mention it:

* presidio-analyzer's pattern recognizers with checksums and context words (e-mail, phone, card,
  IBAN, US SSN, IP address);
* the spaCy small English model's named-entity recognizer, when one is installed, for person names and
  places; its guesses are filtered (capitalised, no digits, not a product or team word, not a lone
  capitalised word opening a sentence, which is how "Knee pain on stairs" becomes a person);
* a PhraseMatcher over the health vocabularies of ``rules/dictionaries/health.yaml``.

A :class:`crmscan.classify.textscreen.TextScreen` reads the sample first and passes on only the texts
that could hold one of these; the engine is loaded when the first such text turns up.

Only counts leave this module: no text, no matched value, no log line with either. Nothing is fetched
from the network: pipelines are loaded by :mod:`crmscan.classify.nlp` (presidio's own loader downloads
missing models) and the e-mail recognizer checks domains against tldextract's bundled suffix list.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from crmscan.classify import nlp
from crmscan.classify.rules import RuleSet, load_rules
from crmscan.classify.textscreen import (
    LEADING,
    NOT_NAME_WORDS,
    PARTICLES,
    PERSON_VERBS,
    SENTENCE_BREAK,
    TextScreen,
)
from crmscan.errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_log = logging.getLogger(__name__)

#: Longer texts are cut (at a space) before analysis: a pasted e-mail thread says what it holds early.
MAX_CHARS = 10_000
#: Texts per spaCy batch.
BATCH_SIZE = 64
#: Regions whose national phone formats are recognised (numbers written with + are found for any).
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IT", "ES", "NL", "CA", "AU", "IN", "BR", "CN")
#: presidio entities asked for; DATE_TIME, ORGANIZATION, NRP, URL are left out on purpose (see below).
_PRESIDIO_ENTITIES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS")
_NER_ENTITIES = ("PERSON", "LOCATION")
#: spaCy (OntoNotes) labels kept, as presidio entity types; every other label is dropped.
_NER_MAPPING = {"PERSON": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION"}


@dataclass(frozen=True)
class TextEntity:
    """What a mention of one entity type in free text means for the column.

    ``min_score`` applies to presidio's score for one mention (pattern recognizers give 1.0 after a
    checksum, 0.4-0.6 before, +0.35 for a context word such as "call" or "ssn"); ``min_ratio`` is the
    share of sampled texts that must mention the entity before it tags the column; ``standalone`` is
    False for entities that only corroborate (a city in a note is rarely about a person).
    """

    entity: str  # crmscan entity name, as in rules/entities (EntityMatch.type)
    category: str
    rule_id: str  # the rule a finding is filed under (fingerprints, SARIF rule metadata)
    label: str  # plural noun for sentences: "person names mentioned in ..."
    min_score: float = 0.5
    min_ratio: float = 0.01
    standalone: bool = True


#: Entity types counted in free text, keyed by presidio's name (HEALTH and MEDICATION are crmscan's).
#: Left out: DATE_TIME (presidio labels ids and plain notes as dates, a known false positive), ORG,
#: and NRP (OntoNotes NORP mixes nationalities, which are not special-category data, with religious and
#: political groups; the small model also tags "~300" as NORP). Religion and ethnicity in notes are
#: better found from the special-category vocabularies.
TEXT_ENTITIES: dict[str, TextEntity] = {
    "PERSON": TextEntity("PERSON_NAME", "pii", "PII010", "person names", min_ratio=0.05),
    "EMAIL_ADDRESS": TextEntity("EMAIL_ADDRESS", "pii", "PII001", "e-mail addresses"),
    "PHONE_NUMBER": TextEntity("PHONE_NUMBER", "pii", "PII002", "phone numbers", min_score=0.4),
    "US_SSN": TextEntity("US_SSN", "pii", "PII041", "US social security numbers", min_ratio=0.005),
    "IP_ADDRESS": TextEntity("IP_ADDRESS", "pii", "PII050", "IP addresses", min_score=0.6, min_ratio=0.02),
    "LOCATION": TextEntity("STREET_ADDRESS", "pii", "PII020", "place names", standalone=False),
    "CREDIT_CARD": TextEntity("CREDIT_CARD", "financial", "FIN001", "card numbers", min_ratio=0.005),
    "IBAN_CODE": TextEntity("IBAN", "financial", "FIN010", "IBANs", min_ratio=0.005),
    "HEALTH": TextEntity("HEALTH_CONDITION", "health", "HLT001", "health terms", min_ratio=0.03),
    "MEDICATION": TextEntity("MEDICATION", "health", "HLT003", "medication names", min_ratio=0.02),
}


@dataclass(frozen=True)
class TextAnalysis:
    """Per entity type, how many of the analysed texts (rows) mention it; counts only, never text."""

    analysed: int
    mentions: dict[str, int] = field(default_factory=dict)
    model: str | None = None  # spaCy pipeline used for names and places; None = pattern-only

    def ratio(self, entity: str) -> float:
        """Share of analysed texts that mention *entity* (0.0 when nothing was analysed)."""
        return self.mentions.get(entity, 0) / self.analysed if self.analysed else 0.0

    def describe(self, entity: str, noun: str = "texts") -> str:
        """``"health terms mentioned in 14 of 100 sampled notes (14%)"``."""
        label = TEXT_ENTITIES[entity].label if entity in TEXT_ENTITIES else entity
        matched = self.mentions.get(entity, 0)
        return f"{label} mentioned in {matched} of {self.analysed} sampled {noun} ({self.ratio(entity):.0%})"

    def significant(self, min_count: int = 2) -> list[str]:
        """Entity types mentioned often enough to tag the column, most frequent first.

        An entity counts when at least *min_count* texts and its ``min_ratio`` share of texts mention it,
        and it is ``standalone`` (places only corroborate).
        """
        keys = [
            key
            for key, n in self.mentions.items()
            if key in TEXT_ENTITIES
            and TEXT_ENTITIES[key].standalone
            and n >= min_count
            and self.ratio(key) >= TEXT_ENTITIES[key].min_ratio
        ]
        return sorted(keys, key=lambda k: (-self.mentions[k], k))

    def categories(self) -> list[str]:
        """The crmscan categories of :meth:`significant` entities, in :data:`TEXT_ENTITIES` order."""
        found = {TEXT_ENTITIES[k].category for k in self.significant()}
        return [c for c in dict.fromkeys(e.category for e in TEXT_ENTITIES.values()) if c in found]


class FreeTextAnalyzer:
    """Counts mentions of personal data in a column's texts; build with :meth:`create`.

    spaCy, presidio and the pipeline are loaded on the first text the :class:`TextScreen` cannot
    clear, not before: a scan whose notes hold nothing the engine looks for never pays for them.
    """

    def __init__(
        self,
        models: tuple[str, ...],
        available: bool,
        rules: RuleSet,
        max_texts: int,
        seed: int,
        notice: str | None,
    ) -> None:
        self._models = models  # pipelines to try in order; empty = pattern-only
        self._available = available
        self._rules = rules
        self._not_names = NOT_NAME_WORDS | rules.dictionaries.get("organisation_markers", frozenset())
        self._screen = TextScreen(rules.dictionaries, self._not_names) if available else None
        self._engine: _Engine | None = None
        self._health: _HealthMatcher | None = None
        self._lock = threading.Lock()
        self.max_texts = max_texts
        self.seed = seed
        #: One line for the user when the analysis is weaker than asked (no model, no nlp extra).
        self.notice = notice

    @classmethod
    def create(
        cls,
        nlp_model: str | None = "auto",
        max_texts: int = 200,
        seed: int = 0,
        rules: RuleSet | None = None,
    ) -> FreeTextAnalyzer:
        """An analyzer for *nlp_model*: ``"auto"``, ``"none"`` (or None) or a spaCy pipeline name/path.

        ``"auto"`` uses the first installed pipeline of :data:`crmscan.classify.nlp.AUTO_MODELS` that
        loads, else runs pattern-only and says so once in :attr:`notice` (known when the first text
        needs the engine). Pipelines and presidio engines are built once per process and shared.

        Raises:
            UsageError: an explicitly named pipeline cannot be loaded, or *max_texts* is not positive.
        """
        if max_texts < 1:
            raise UsageError(f"free-text sample size must be at least 1, not {max_texts}")
        rules = rules or load_rules()
        requested = "none" if nlp_model is None else nlp_model.strip()
        if not nlp.nlp_installed():
            if requested.lower() not in ("auto", "none"):
                raise UsageError(
                    f"spaCy model '{requested}' needs spaCy and presidio-analyzer; "
                    "pip install 'crmscan[nlp]' or pass --nlp-model none"
                )
            missing = (
                "free text: spaCy/presidio not installed (pip install 'crmscan[nlp]'); "
                "notes are checked with the rule packs' patterns only"
            )
            return cls((), False, rules, max_texts, seed, missing)
        notice: str | None = None
        models: tuple[str, ...]
        if requested.lower() == "auto":
            models = nlp.auto_candidates()
            if not models:
                notice = nlp.no_model_notice()
        elif requested.lower() == "none":
            models = ()
        else:
            nlp.load_pipeline(requested)  # a usage error now, not in the middle of the scan
            models = (requested,)
        return cls(models, True, rules, max_texts, seed, notice)

    @property
    def enabled(self) -> bool:
        """False when spaCy/presidio are missing: :meth:`analyze` then analyses nothing."""
        return self._available

    @property
    def model(self) -> str | None:
        """The spaCy pipeline used for person names and places, or None in pattern-only mode."""
        if self._engine is not None:
            return self._engine.model
        return self._models[0] if self._models else None

    def analyze(self, texts: Sequence[str], counts: Sequence[int] | np.ndarray | None = None) -> TextAnalysis:
        """Count, per entity type, the sampled texts that mention it.

        Args:
            texts: the column's texts; empty ones are ignored.
            counts: how many rows hold each text (a de-duplicated column); each distinct text is then
                analysed once and counts for all its rows. Defaults to one row each.

        At most ``max_texts`` rows are analysed, drawn without replacement with ``seed``, so the same
        column always gives the same result. Texts the screen clears count as analysed, with nothing
        found (or a person, for a full common name it recognised); only the others are read by presidio
        and spaCy.
        """
        if self._screen is None:
            return TextAnalysis(0, {}, None)
        kept, weights = _non_empty(texts, counts)
        picked, picked_weights, analysed = _subsample(weights, self.max_texts, self.seed)
        if not analysed:
            return TextAnalysis(0, {}, self.model)
        sample = [_cut(kept[i]) for i in picked]
        screen = self._screen.screen(sample)
        _log.debug(
            "free text: %d of %d distinct texts need the NLP engine (patterns %d, health %d, names %d%s)",
            int(screen.needed.sum()),
            len(sample),
            screen.patterns,
            screen.health,
            screen.names,
            "; name-like words are the column's recurring vocabulary" if screen.vocabulary_only else "",
        )
        found: list[set[str]] = [{"PERSON"} if p else set() for p in screen.person.tolist()]
        needed = np.flatnonzero(screen.needed)
        model = self.model
        if len(needed):
            engine, health = self._ready()
            docs = engine.pipeline.pipe((sample[i] for i in needed), batch_size=BATCH_SIZE)
            for i, doc in zip(needed.tolist(), docs, strict=True):
                found[i] |= self._found(doc, engine, health)
            model = engine.model
        mentions: dict[str, int] = {}
        for keys, weight in zip(found, picked_weights.tolist(), strict=True):
            for key in keys:
                mentions[key] = mentions.get(key, 0) + int(weight)
        return TextAnalysis(analysed, dict(sorted(mentions.items())), model)

    def _ready(self) -> tuple[_Engine, _HealthMatcher]:
        """The presidio engine and health matcher, built on first use (thread-safe)."""
        with self._lock:
            if self._engine is None or self._health is None:
                model = None
                for name in self._models:
                    try:
                        nlp.load_pipeline(name)
                    except UsageError:
                        continue  # auto: try the next pipeline (an explicit one loaded in create)
                    model = name
                    break
                if self._models and model is None:
                    self.notice = nlp.no_model_notice()
                self._engine = _engine(model)
                self._health = _HealthMatcher(self._engine.pipeline, self._rules.dictionaries)
            return self._engine, self._health

    def _found(self, doc: Doc, engine: _Engine, health: _HealthMatcher) -> set[str]:
        """Entity types mentioned in one text."""
        results = engine.analyzer.analyze(
            text=doc.text,
            language="en",
            entities=list(engine.entities),
            nlp_artifacts=engine.nlp_engine.artifacts(doc),
        )
        found = health(doc)
        for r in results:
            if r.entity_type not in found and self._accept(r.entity_type, r.score, doc, r.start, r.end):
                found.add(r.entity_type)
        return found

    def _accept(self, entity: str, score: float, doc: Doc, start: int, end: int) -> bool:
        info = TEXT_ENTITIES.get(entity)
        if info is None or score < info.min_score:
            return False
        if entity == "PHONE_NUMBER":
            # At least 7 digits (not a blood pressure of 164/102), and without a context word ("call",
            # "mobile") only numbers written like phone numbers, not bare digit runs such as order ids
            # (bar mainland Chinese mobiles, which are written as 11 bare digits).
            value = doc.text[start:end]
            if sum(ch.isdigit() for ch in value) < 7:
                return False
            return (
                score >= 0.5 or _PHONE_SHAPE.search(value) is not None or _CN_MOBILE.match(value) is not None
            )
        if entity == "PERSON":
            return _plausible_name(doc, start, end, self._not_names)
        if entity == "LOCATION":
            return _plausible_place(doc, start, end, self._not_names)
        return True


# -- presidio engines, one per pipeline per process -------------------------------------------------


@dataclass(frozen=True)
class _Engine:
    model: str | None
    pipeline: Language
    nlp_engine: Any  # _LoadedSpacyEngine
    analyzer: Any  # presidio_analyzer.AnalyzerEngine
    entities: tuple[str, ...]


@cache
def _engine(model: str | None) -> _Engine:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
        UsSsnRecognizer,
    )

    # presidio logs the words around every match at DEBUG ("Context list is: jane@example.com ..."):
    # a scan run with debug logging must not write cell values to its log.
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    pipeline = nlp.load_pipeline(model) if model else nlp.blank_pipeline()
    recognizers: list[Any] = [
        _offline_email_recognizer(),
        PhoneRecognizer(supported_regions=PHONE_REGIONS),
        CreditCardRecognizer(),
        UsSsnRecognizer(),
        IbanRecognizer(),
        IpRecognizer(),
    ]
    entities: tuple[str, ...] = _PRESIDIO_ENTITIES
    if model:
        recognizers.append(SpacyRecognizer(supported_language="en", supported_entities=list(_NER_ENTITIES)))
        entities = entities + _NER_ENTITIES
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    nlp_engine = _loaded_engine(pipeline, ner=model is not None)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    return _Engine(model, pipeline, nlp_engine, analyzer, entities)


def _loaded_engine(pipeline: Language, ner: bool) -> Any:
    """presidio's spaCy engine over a pipeline already loaded (its own ``load()`` may download)."""
    from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
    from spacy.attrs import IDX, LOWER

    ner_pipe: Any = pipeline.get_pipe("ner") if ner else None
    labels: tuple[str, ...] = tuple(ner_pipe.labels) if ner_pipe is not None else ()
    config = NerModelConfiguration(
        model_to_presidio_entity_mapping=dict(_NER_MAPPING),
        labels_to_ignore=[label for label in labels if label not in _NER_MAPPING],
    )

    class _LoadedSpacyEngine(SpacyNlpEngine):
        def __init__(self) -> None:
            super().__init__(
                models=[{"lang_code": "en", "model_name": pipeline.meta.get("name", "blank")}],
                ner_model_configuration=config,
            )
            self.nlp = {"en": pipeline}  # type: ignore[assignment]

        def load(self) -> None:
            """Already loaded; never download."""

        def artifacts(self, doc: Doc) -> NlpArtifacts:
            return self._doc_to_nlp_artifact(doc, "en")

        def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
            score = self.ner_model_configuration.default_score or 0.85
            entities, scores = self._get_updated_entities(list(doc.ents), [score] * len(doc.ents))
            # One array instead of a Token object per word (a third of the time per note). There is no
            # lemmatizer (it doubles the cost per note): lower-cased words serve presidio's context
            # words ("call", "ssn", "card") just as well.
            table = doc.to_array([IDX, LOWER])
            return NlpArtifacts(
                entities=entities,
                tokens=doc,
                tokens_indices=table[:, 0].tolist(),
                lemmas=[doc.vocab.strings[h] for h in table[:, 1].tolist()],
                nlp_engine=self,
                language=language,
                scores=scores,
            )

    return _LoadedSpacyEngine()


def _offline_email_recognizer() -> Any:
    """presidio's e-mail recognizer, checking domains against tldextract's bundled suffix list.

    The stock recognizer calls ``tldextract.extract``, whose module-level extractor downloads the
    public suffix list on first use (and caches it under the user's home).
    """
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    class _OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return bool(_offline_tld()(pattern_text).fqdn)

    return _OfflineEmailRecognizer()


@cache
def _offline_tld() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


# -- health vocabulary -----------------------------------------------------------------------------


class _HealthMatcher:
    """Health terms and medication names as whole words (case-insensitive) in a tokenized text."""

    _VOCABULARIES = (("HEALTH", "health_terms"), ("MEDICATION", "medications"))

    def __init__(self, pipeline: Language, dictionaries: dict[str, frozenset[str]]) -> None:
        from spacy.matcher import PhraseMatcher

        self._matcher = PhraseMatcher(pipeline.vocab, attr="LOWER")
        self._cjk: list[tuple[str, tuple[str, ...]]] = []
        self._keys: dict[int, str] = {}
        for key, vocabulary in self._VOCABULARIES:
            terms = sorted(dictionaries.get(vocabulary, frozenset()))
            latin = [t for t in terms if not _CJK.search(t)]
            self._matcher.add(key, [pipeline.make_doc(t) for t in latin])
            self._keys[pipeline.vocab.strings[key]] = key
            # Chinese is written without spaces: those terms are looked for anywhere in the text.
            self._cjk.append((key, tuple(t for t in terms if _CJK.search(t))))

    def __call__(self, doc: Doc) -> set[str]:
        found = {self._keys[match_id] for match_id, _, _ in self._matcher(doc)}
        if _CJK.search(doc.text):
            found |= {key for key, terms in self._cjk if any(t in doc.text for t in terms)}
        return found


# -- filters for the small model's guesses ------------------------------------------------------------

_CJK = re.compile("[\u3400-\u9fff]")
_PHONE_SHAPE = re.compile(r"^\+|\d[\s.\-()/]+\d|^\(")
#: Mainland mobiles are written as 11 bare digits ("客户电话13812345678").
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\-])*$")


def _words(doc: Doc, start: int, end: int) -> list[Any] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    tokens = [t for t in span if not (t.is_punct or t.is_space or t.lower_ in ("'s", "’s"))]
    while tokens and tokens[0].lower_ in LEADING:
        tokens.pop(0)
    return tokens


def _opens_sentence(doc: Doc, i: int) -> bool:
    return i == 0 or doc[i - 1].text in SENTENCE_BREAK or "\n" in doc[i - 1].text_with_ws


def _plausible_name(doc: Doc, start: int, end: int, not_names: frozenset[str]) -> bool:
    """A PERSON guess that looks like a name: capitalised words, no digits, no product or role words.

    A lone capitalised word opening a sentence is kept only when a verb people do follows it ("Maria
    called", "James is on sick leave"): the small model also reads "Knee pain on stairs" and "Box
    arrived damaged" as names. Full names anywhere and first names inside a sentence ("Called Maria
    about the renewal") are kept.
    """
    tokens = _words(doc, start, end)
    if not tokens:
        return False
    words = [t.text for t in tokens]
    if any(not _NAME_WORD.match(w) or w.lower() in not_names for w in words):
        return False
    if not words[0][0].isupper():
        return False
    if any(not (w[0].isupper() or w.lower() in PARTICLES) for w in words[1:]):
        return False
    if len(words) == 1:
        if words[0].isupper() and len(words[0]) > 1:
            return False  # an acronym: SSO, DSAR, VAT
        if _opens_sentence(doc, tokens[0].i):
            following = doc[tokens[-1].i + 1].lower_ if tokens[-1].i + 1 < len(doc) else ""
            return following in PERSON_VERBS
    return True


def _plausible_place(doc: Doc, start: int, end: int, not_names: frozenset[str]) -> bool:
    """A LOCATION guess that looks like a place name: capitalised, no digits, not a product word."""
    tokens = _words(doc, start, end)
    if not tokens:
        return False
    words = [t.text for t in tokens]
    if any(not _NAME_WORD.match(w) or w.lower() in not_names for w in words):
        return False
    if not words[0][0].isupper():
        return False
    return not (len(words) == 1 and _opens_sentence(doc, tokens[0].i) and not words[0].isupper())


# -- sampling ----------------------------------------------------------------------------------------


def _non_empty(
    texts: Sequence[str], counts: Iterable[int] | np.ndarray | None
) -> tuple[list[str], np.ndarray]:
    """The non-empty texts and their row counts."""
    weights = np.ones(len(texts), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    if len(weights) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(weights)} counts")
    kept: list[str] = []
    kept_weights: list[int] = []
    for text, w in zip(texts, weights.tolist(), strict=True):
        if w > 0 and text is not None:
            s = str(text).strip()
            if s:
                kept.append(s)
                kept_weights.append(w)
    return kept, np.asarray(kept_weights, dtype=np.int64)


def _subsample(weights: np.ndarray, max_texts: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(distinct texts to analyse in input order, rows each stands for, rows analysed).

    Rows are drawn without replacement, so a note held by 300 of 1,000 rows is analysed once and counts
    for the rows drawn from it.
    """
    total = int(weights.sum())
    if total <= max_texts:
        picked = np.flatnonzero(weights)
        return picked, weights[picked], total
    rows = np.random.default_rng(seed).choice(total, size=max_texts, replace=False)
    owners = np.searchsorted(np.cumsum(weights), rows, side="right")
    picked, per_text = np.unique(owners, return_counts=True)
    return picked, per_text, max_texts


def _cut(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    space = head.rfind(" ", MAX_CHARS - 200)
    return head[:space] if space > 0 else head
