"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "examples" / "demo_crm"


@pytest.fixture(scope="session")
def classifier():
    """The default classifier, loaded once (rule loading compiles every pattern)."""
    from crmscan.classify.engine import Classifier

    return Classifier.default()


@pytest.fixture(scope="session")
def nlp_classifier():
    """The default classifier with free-text NLP (spaCy small English model when installed)."""
    from crmscan.classify.engine import Classifier

    return Classifier.default(nlp_model="auto")
