"""Column-name normalisation.

CRM column names come as ``MailingStreet`` (Salesforce), ``mailing_street`` (SQL), ``Mailing Street``
(export headers), ``hs_email`` (HubSpot), ``Email__c`` (Salesforce custom fields), ``cust-phone`` or
``手机号``. Rules are written once against the normalised form: lower-case words separated by single
spaces, CJK kept as is, so ``\\bmailing street\\b`` matches all of the above spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Salesforce custom (__c) and person-account (__pc) suffixes, and relationship suffixes (__r).
_SF_SUFFIX = re.compile(r"__(c|pc|r|s)$", re.IGNORECASE)
# camelCase / PascalCase boundaries: "mailingStreet" -> "mailing Street", "SSNLast4" -> "SSN Last4".
_CAMEL_1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_2 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LETTER_DIGIT = re.compile(r"(?<=[a-zA-Z])(?=\d)|(?<=\d)(?=[a-zA-Z])")
_SEPARATORS = re.compile(r"[^0-9a-zA-Z\u00C0-\u024F\u3400-\u9FFF\uF900-\uFAFF]+")
_CJK = re.compile(r"[\u3400-\u9FFF\uF900-\uFAFF]")

# Vendor and house prefixes that carry no meaning ("hs_email", "c_phone", "fld_ssn", "x_studio_...").
_NOISE_PREFIXES = frozenset({"c", "cf", "hs", "x", "fld", "col", "f", "tbl", "sf", "zc", "studio", "custom"})


@dataclass(frozen=True)
class NormalisedName:
    """A column name in the forms rules match against."""

    raw: str
    words: str  # "mailing street"
    compact: str  # "mailingstreet", for glued spellings like "emailaddress"
    split: str = ""  # "mailing zip" for a glued "mailingzip" (Dynamics, vtiger), else ""

    @property
    def has_cjk(self) -> bool:
        """True when the name contains Chinese characters."""
        return bool(_CJK.search(self.raw))


@lru_cache(maxsize=4096)
def normalise(name: str) -> NormalisedName:
    """Normalise *name*; the original is kept in ``raw`` for reports."""
    text = name.strip()
    if "." in text and not _CJK.search(text):
        # "Contact.Email" (Salesforce field API names) and "address.city" (flattened JSON): the last
        # part names the column; the parent is kept as context words.
        text = text.replace(".", " ")
    text = _SF_SUFFIX.sub("", text)
    text = _CAMEL_2.sub(r"\1 \2", text)
    text = _CAMEL_1.sub(r"\1 \2", text)
    text = _LETTER_DIGIT.sub(" ", text)
    words = [w for w in _SEPARATORS.split(text.lower()) if w]
    while len(words) > 1 and words[0] in _NOISE_PREFIXES:
        words = words[1:]
    return NormalisedName(raw=name, words=" ".join(words), compact="".join(words), split=_split_glued(words))


def _split_glued(words: list[str]) -> str:
    """Split glued lower-case words ("mobilephone", "annualincome") with wordninja's English unigrams.

    Only for names of one long ASCII word, and only when every part has two or more letters: short
    tokens split badly ("ssn" -> "s sn", "userid" -> "use rid"), and those are matched whole anyway.
    """
    if len(words) != 1 or len(words[0]) < 7 or not words[0].isascii() or not words[0].isalpha():
        return ""
    import wordninja

    parts = wordninja.split(words[0])
    if len(parts) < 2 or any(len(p) < 2 for p in parts):
        return ""
    return " ".join(parts)


@lru_cache(maxsize=1024)
def compile_name_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a rule's name pattern; case-insensitive because names are normalised to lower case."""
    return re.compile(pattern, re.IGNORECASE)


def name_matches(patterns: list[str], name: NormalisedName) -> str | None:
    """The first pattern that matches the normalised or compact form of *name*, else None."""
    for pattern in patterns:
        rx = compile_name_pattern(pattern)
        if rx.search(name.words) or rx.search(name.compact) or (name.split and rx.search(name.split)):
            return pattern
    return None
