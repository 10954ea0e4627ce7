"""Column-name normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmscan.classify.names import normalise


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("MailingStreet", "mailing street"),
        ("mailing_street", "mailing street"),
        ("Mailing Street", "mailing street"),
        ("mailing-street", "mailing street"),
        ("MAILING_STREET", "mailing street"),
        ("hs_email", "email"),
        ("Email__c", "email"),
        ("c_email__c", "email"),
        ("x_studio_phone", "phone"),
        ("SSNLast4", "ssn last 4"),
        ("Contact.Email", "contact email"),
        ("emailAddress", "email address"),
        ("手机号", "手机号"),
        ("cust-phone", "cust phone"),
        ("c", "c"),
    ],
)
def test_normalise(raw: str, words: str) -> None:
    assert normalise(raw).words == words
    assert normalise(raw).compact == words.replace(" ", "")


@given(st.text(max_size=60))
def test_normalise_never_raises_and_is_stable(raw: str) -> None:
    once = normalise(raw)
    assert once.words == once.words.strip()
    assert "  " not in once.words
    assert normalise(once.words).words == once.words
