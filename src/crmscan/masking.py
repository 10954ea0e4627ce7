"""Masking of example values shown as evidence.

A report proves *why* a column was tagged with a few examples, but the examples must not disclose
the data: only the shape survives (``j***@e***.com``, ``**** **** **** 4242``, ``J*** S***``).
Free text is never shown at all, only its length.
"""

from __future__ import annotations

import re

_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"[^\W\d_]|\d", re.UNICODE)

#: Values longer than this are free text: their content is summarised, never quoted.
TEXT_LENGTH = 40


def mask_value(value: str, entity: str | None = None) -> str:
    """A masked rendering of *value* that keeps its shape and hides its content.

    Args:
        value: the raw value; it never leaves this function unmasked.
        entity: the entity type the value was matched as, used to pick a familiar masking style.
    """
    value = value.strip()
    if not value:
        return ""
    if len(value) > TEXT_LENGTH:
        return f"[text, {len(value)} chars]"
    if "@" in value and entity in (None, "EMAIL_ADDRESS"):
        return _mask_email(value)
    digits = len(_DIGIT.findall(value))
    if digits >= 8 and digits >= len(_ALNUM.findall(value)) - 2:
        return _mask_keep_last_digits(value, keep=4 if digits >= 12 else 2)
    return _mask_words(value)


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_host = (host[:1] + "***") if host else "***"
    return f"{local[:1]}***@{masked_host}{'.' + tld if tld else ''}"


def _mask_keep_last_digits(value: str, keep: int) -> str:
    """Replace every digit but the last *keep* (and every letter) with ``*``, keeping separators."""
    total = len(_DIGIT.findall(value))
    seen = 0
    out = []
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else "*")
        elif ch.isalpha():
            out.append("*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_words(value: str) -> str:
    """Keep the first character of each word; digits become ``*``."""
    words = value.split()
    masked = []
    for word in words:
        first = word[0]
        if first.isdigit():
            masked.append("*" * min(len(word), 4))
        else:
            masked.append(first + "***")
    return " ".join(masked)
