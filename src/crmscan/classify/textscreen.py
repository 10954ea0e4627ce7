"""A cheap screen in front of the NLP engine: which sampled texts could hold what it looks for?

Loading spaCy and presidio-analyzer costs over a second of start-up, more than the rest of a scan of
a CRM export, and named-entity recognition then costs about a millisecond per note. Most notes give
the engine nothing to find. This screen reads the same texts with a few regular expressions and set
look-ups (no spaCy) and sends a text on to the engine only when it has at least one of:

* a shape one of presidio's pattern recognizers needs: an ``@``, a run of seven or more digits
  (phones, SSNs, cards, IBANs, Chinese mobiles, with any separators), an IPv4 or IPv6 address, an
  IBAN's country-and-check-digit opening;
* a word of a health term or medication (the PhraseMatcher's vocabularies), or a Chinese health term;
* a capitalised word that could be part of a person's name as :func:`crmscan.classify.freetext`'s
  filters accept one: not a role, product or team word, and not a lone word opening a sentence unless
  a verb people do follows it ("Maria called").

The screen errs towards "yes": a text it lets through may still hold nothing. It makes two judgements
of its own, both on names, with the common given names and surnames of
``rules/dictionaries/person_names.yaml``:

* A common given name followed by a common surname ("Maria Gonzalez") is a person, without NER
  (the small English model missed 12 of 40 such names in "Called <name> about the renewal." notes),
  unless the pair recurs across the column's notes: then it may be a firm ("Morgan Stanley") and NER
  decides.
* Support notes repeat their product and plan names ("Atlas Gateway", "Helix Sync") from note to
  note, while the people they mention vary. A candidate name word that recurs in many of the column's
  sampled notes and is not a common name is the column's vocabulary, and a note whose only candidates
  are vocabulary is not sent to NER. Notes that name a few people over and over ("assigned to Maria")
  are still sent, because their names are common; a rare surname repeated in many notes is not (a
  known limit).

Only booleans leave this module; no text, word or match is kept or logged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: A word made of letters, with apostrophes or hyphens inside ("O'Neill", "Jean-Luc"), a possessive
#: "'s" (a token of its own, as spaCy splits it), a digit run, or one other non-space character.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-](?!s\b)[^\W\d_]+)*|['’]s\b|\d+|[^\w\s]")
#: Shapes presidio's pattern recognizers need (e-mail, phone, card, SSN, IBAN, IP address).
_PATTERN = re.compile(
    r"@"
    r"|\d(?:[\s.\-()/+]*\d){6}"  # seven or more digits: phone numbers, SSNs, cards, long ids
    r"|\d{1,3}(?:\.\d{1,3}){3}"  # IPv4
    r"|::|(?i:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7})"  # IPv6, compressed or full
    r"|\b[A-Z]{2}\d{2}\s?[A-Z0-9]{4}"  # IBAN opening
)
_CJK = re.compile("[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W\d_]+|\d+")

#: Words that open a name but are not part of it (and abbreviations whose full stop ends no sentence).
LEADING = frozenset("the a an mr mr. mrs mrs. ms ms. dr dr. mx prof prof.".split())
_ABBREVIATIONS = frozenset("mr mrs ms dr mx prof st jr sr etc vs no co inc ltd eg ie".split())
#: Lower-case particles inside names ("Fleur van Leeuwen", "José da Silva").
PARTICLES = frozenset(
    "van von de den der da di del della dos das do du le la ten ter bin ibn al el y zu af av".split()
)
#: Capitalised words that the small model takes for names in CRM notes: roles, plans, products, tools.
NOT_NAME_WORDS = frozenset(
    """
    customer customers client clients caller member members patient user users team teams support sales
    success service account accounts admin manager owner contact lead prospect partner vendor supplier
    courier premium basic pro plus standard enterprise gold silver platinum starter business plan plans
    tier trial subscription membership renewal invoice order quote contract proposal demo intro pilot box
    app portal dashboard st saint street road avenue salesforce hubspot zendesk freshdesk intercom slack
    zoom teams outlook gmail excel jira confluence whatsapp linkedin google microsoft apple amazon android
    ios iphone ipad windows sso api crm erp sap oracle stripe paypal docusign calendly
    """.split()
)
#: Days and months: capitalised inside sentences, never the person a note is about.
_CALENDAR = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
#: Words that follow a first name opening a sentence ("Maria called", "Tom's wife", "Anna will").
PERSON_VERBS = frozenset(
    """
    's ’s is was has had will would can could should may might did does said says asked asks called calls
    mentioned mentions wants wanted prefers preferred confirmed agreed emailed phoned replied requested
    reported needs needed joined moved told thinks thought feels felt likes liked loves loved hates
    promised signed declined accepted complained explained expects expected approved cancelled canceled
    """.split()
)
#: Tokens after which a capitalised word opens a sentence.
SENTENCE_BREAK = frozenset({".", "!", "?", ";", ":", "…", "-", "–", "—", "*", "•", "(", '"', "“", "'"})
#: A name word recurring in at least this many sampled texts, and this share of them, is vocabulary.
VOCABULARY_MIN_TEXTS = 3
VOCABULARY_MIN_SHARE = 0.02


@dataclass(frozen=True)
class Screen:
    """Per sampled text, whether the NLP engine must read it; counts of why, for the log."""

    needed: np.ndarray  # bool per text
    #: bool per text: a full name of a common given name and surname ("Maria Gonzalez") found here;
    #: such a text mentions a person without NER.
    person: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    patterns: int = 0
    health: int = 0
    names: int = 0
    vocabulary_only: bool = False  # name-like words found, but all of them the column's vocabulary


class TextScreen:
    """Built once per rule set from its dictionaries; :meth:`screen` is called per column sample."""

    def __init__(self, dictionaries: dict[str, frozenset[str]], not_names: frozenset[str]) -> None:
        #: Words never part of a name; days and months only when alone ("April Zimmerman" is a name).
        self._not_in_names = not_names | NOT_NAME_WORDS | LEADING
        self._not_names = self._not_in_names | _CALENDAR
        self._given = dictionaries.get("given_names", frozenset())
        self._surnames = dictionaries.get("common_surnames", frozenset())
        self._known_names = self._given | self._surnames
        single: set[str] = set()
        multi: dict[str, list[frozenset[str]]] = {}
        cjk: list[str] = []
        for vocabulary in ("health_terms", "medications"):
            for term in dictionaries.get(vocabulary, frozenset()):
                if _CJK.search(term):
                    cjk.append(term)
                    continue
                words = [w.casefold() for w in _WORD.findall(term)]
                if len(words) == 1:
                    single.add(words[0])
                elif words:
                    multi.setdefault(words[0], []).append(frozenset(words))
        self._health_single = frozenset(single)
        self._health_multi = multi
        self._health_cjk = tuple(sorted(cjk))

    def screen(self, texts: Sequence[str]) -> Screen:
        """Which of *texts* the engine must read (see the module docstring for the rules)."""
        patterns = np.fromiter((_PATTERN.search(t) is not None for t in texts), dtype=bool, count=len(texts))
        health = np.fromiter((self._mentions_health(t) for t in texts), dtype=bool, count=len(texts))
        found = [self._name_words(t) for t in texts]
        words = [w for w, _ in found]
        seen = Counter(w for ws in words for w in ws)
        floor = max(VOCABULARY_MIN_TEXTS, VOCABULARY_MIN_SHARE * len(texts))
        vocabulary = {w for w, n in seen.items() if n >= floor and w not in self._known_names}
        names = np.fromiter((bool(ws - vocabulary) for ws in words), dtype=bool, count=len(texts))
        vocabulary_only = bool(seen) and not names.any()
        # A full name that recurs across the column may be a firm ("Morgan Stanley"): NER decides.
        pairs = Counter(p for _, ps in found for p in ps)
        person = np.fromiter(
            (any(pairs[p] < floor for p in ps) for _, ps in found), dtype=bool, count=len(texts)
        )
        return Screen(
            needed=patterns | health | (names & ~person),
            person=person,
            patterns=int(patterns.sum()),
            health=int(health.sum()),
            names=int(names.sum()),
            vocabulary_only=vocabulary_only,
        )

    def _mentions_health(self, text: str) -> bool:
        words = {w.casefold() for w in _WORD.findall(text)}
        if not words.isdisjoint(self._health_single):
            return True
        for first in words.intersection(self._health_multi):
            if any(term <= words for term in self._health_multi[first]):
                return True
        return (
            bool(self._health_cjk)
            and _CJK.search(text) is not None
            and any(t in text for t in self._health_cjk)
        )

    def _name_words(self, text: str) -> tuple[set[str], set[str]]:
        """(lower-cased capitalised words that could belong to a name the NER filters keep, full names).

        A full name is a common given name followed by a common surname, both capitalised, in a run of
        capitalised words with no product, role or organisation word in it or right after it ("Grant
        Thornton International Ltd", "Morgan Stanley & Co" are not names).
        """
        tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
        found: set[str] = set()
        pairs: set[str] = set()
        for i, (word, _) in enumerate(tokens):
            if not _capitalised(word):
                continue
            lower = word.casefold()
            after = tokens[i + 1][0] if i + 1 < len(tokens) else ""
            if _capitalised(after) and lower in self._given and after.casefold() in self._surnames:
                # The whole capitalised run and the word after it: "Grant Thornton International
                # Ltd" and "Morgan Stanley & Co" are firms.
                end = i + 2
                while end < len(tokens) and _capitalised(tokens[end][0]):
                    end += 1
                run = {t.casefold() for t, _ in tokens[i : end + 1]}
                if not run & self._not_in_names and "&" not in run:
                    pairs.add(f"{lower} {after.casefold()}")
            if lower in self._not_names:
                continue
            before = tokens[i - 1][0] if i else None
            if (len(word) == 1 or word.isupper()) and not (
                _capitalised(after) or (before is not None and _capitalised(before))
            ):
                continue  # an initial or an acronym on its own: "I", "Q", "SSO"
            if _opens_sentence(tokens, i, text) and not (
                _capitalised(after) or after.casefold() in PARTICLES or after.casefold() in PERSON_VERBS
            ):
                continue  # "Knee pain on stairs", "Escalated to tier two"
            found.add(lower)
        return found, pairs


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper() and word[0].isalpha()


def _opens_sentence(tokens: list[tuple[str, int]], i: int, text: str) -> bool:
    """True when token *i* certainly opens a sentence (spaCy would see a break before it).

    Unsure cases count as inside a sentence, which only lets more texts through: a full stop after an
    abbreviation or a single letter ("Dr. Smith", "J. Smith") is no break.
    """
    if i == 0:
        return True
    previous, start = tokens[i - 1]
    if "\n" in text[start + len(previous) : tokens[i][1]]:
        return True
    if previous not in SENTENCE_BREAK:
        return False
    if previous == "." and i >= 2:
        word = tokens[i - 2][0]
        return len(word) > 1 and word.casefold() not in _ABBREVIATIONS
    return True
