"""Masked evidence keeps a value's shape and never its content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmscan.masking import mask_value


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("john.smith@example.com", "j***@e***.com"),
        ("4242 4242 4242 4242", "**** **** **** 4242"),
        ("4111111111111111", "************1111"),
        ("123-45-6789", "***-**-**89"),
        ("John Smith", "J*** S***"),
        ("+1 (555) 123-4567", "+* (***) ***-**67"),
        ("A long note about the customer who called regarding the renewal", "[text, 63 chars]"),
        ("", ""),
    ],
)
def test_examples(raw: str, masked: str) -> None:
    assert mask_value(raw) == masked


@given(st.text(min_size=5, max_size=120).filter(lambda s: sum(ch.isalnum() for ch in s.strip()) >= 5))
def test_masked_value_never_contains_the_raw_value(raw: str) -> None:
    masked = mask_value(raw)
    assert raw.strip() not in masked


@given(st.from_regex(r"[0-9]{13,19}", fullmatch=True))
def test_long_digit_runs_keep_at_most_four_digits(raw: str) -> None:
    masked = mask_value(raw)
    assert sum(ch.isdigit() for ch in masked) <= 4
