"""Is a column already protected? Masked, hashed, encrypted or tokenised values leak less than cleartext.

:func:`detect_protection` gives every non-null value at most one *kind* (``bcrypt``, ``masked``,
``base64-ciphertext``, ...), each kind belonging to one :class:`~crmscan.model.Protection`. The column
is protected when one protection covers at least :data:`THRESHOLD` of its values. The checks are
conservative on purpose: calling a cleartext column "encrypted" would hide a finding, so a value has
to match a known format (or, for ciphertext, be high-entropy *and* block-aligned or of varying length)
before it counts, and known API-key formats never count as protection.

:func:`looks_like_secret_token` / :func:`secret_token_mask` find values that *are* secrets (API keys,
access tokens, private keys) for the credential category.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmscan.model import Protection

#: Share of non-null values one protection must cover for the column to count as protected.
THRESHOLD = 0.8

# Password-hash formats, RE2-compatible (no look-arounds) so callers may run them through Arrow.
_BCRYPT = r"(?:bcrypt(?:_sha256)?\$)?\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}"
_ARGON2 = (
    r"(?:argon2)?\$argon2(?:id|i|d)\$(?:v=[0-9]+\$)?m=[0-9]+,t=[0-9]+,p=[0-9]+(?:,[^$]*)?"
    r"\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}"
)
_SHA_CRYPT = r"\$[56]\$(?:rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}"
_MD5_CRYPT = r"\$(?:1|apr1)\$[./A-Za-z0-9]{0,8}\$[./A-Za-z0-9]{22}"
# Django (pbkdf2_sha256$iterations$salt$b64) and Werkzeug (pbkdf2:sha256:iterations$salt$hex).
_PBKDF2 = (
    r"pbkdf2_sha(?:1|256|512)\$[0-9]+\$[^$]+\$[A-Za-z0-9+/]+={0,2}"
    r"|pbkdf2:sha(?:1|256|512)(?::[0-9]+)?\$[^$]+\$[0-9a-f]+"
)
_SCRYPT = r"scrypt:[0-9]+:[0-9]+:[0-9]+\$[^$]+\$[0-9a-f]+|\$scrypt\$[^$]+\$[^$]+\$[A-Za-z0-9+/]+={0,2}"
_LDAP = r"\{(?:SSHA|SHA|SSHA256|SSHA512|SHA256|SHA512|MD5|SMD5)\}[A-Za-z0-9+/]+={0,2}"

#: One pattern for every password-hash format above (for the credential check in ``classify.checks``).
PASSWORD_HASH_PATTERN = "|".join(
    f"(?:{p})" for p in (_BCRYPT, _ARGON2, _SHA_CRYPT, _MD5_CRYPT, _PBKDF2, _SCRYPT, _LDAP)
)

# Surrogates issued by a vault or payment processor (Stripe tok_/pm_/card_/src_, generic tkn_).
_TOKEN = r"(?:tok|tkn|token|btok|pm|card|src)[_\-][A-Za-z0-9_\-]{8,}"

# Formats recognised by their envelope alone, tried in this order; a value takes the first that fits.
_FORMATS: tuple[tuple[str, Protection, str], ...] = (
    ("bcrypt", Protection.HASHED, _BCRYPT),
    ("argon2", Protection.HASHED, _ARGON2),
    ("sha-crypt", Protection.HASHED, _SHA_CRYPT),
    ("md5-crypt", Protection.HASHED, _MD5_CRYPT),
    ("pbkdf2", Protection.HASHED, _PBKDF2),
    ("scrypt", Protection.HASHED, _SCRYPT),
    ("ldap-hash", Protection.HASHED, _LDAP),
    ("fernet", Protection.ENCRYPTED, r"gAAAAA[A-Za-z0-9_\-]{60,}={0,2}"),
    ("pgp", Protection.ENCRYPTED, r"-----BEGIN PGP MESSAGE-----[\s\S]+-----END PGP MESSAGE-----"),
    ("vault-transit", Protection.ENCRYPTED, r"vault:v[0-9]+:[A-Za-z0-9+/]+={0,2}"),
    ("jasypt", Protection.ENCRYPTED, r"ENC\([A-Za-z0-9+/]+={0,2}\)"),
    # AWS KMS ciphertext blobs start with a fixed version/key header.
    ("kms-ciphertext", Protection.ENCRYPTED, r"AQ[IE]CA[A-Za-z0-9+/]{60,}={0,2}"),
    ("token", Protection.TOKENIZED, _TOKEN),
    (
        "masked",
        Protection.MASKED,
        r"(?i:[\[<(]?(?:redacted|masked|hidden|removed|suppressed|withheld|censored)[\])>]?)",
    ),
    # 4111XXXXXXXX1111, XXX-XX-1234, ####-####-####-1234
    ("masked", Protection.MASKED, r"[0-9 \-./()]*(?:[Xx]{2,}|#{2,})[Xx#0-9 \-./()]*"),
)

_ENVELOPES = "|".join(f"(?:{p})" for _, _, p in _FORMATS)

# A UUID's version nibble (1-8) and RFC 4122 variant (8, 9, a, b) at fixed places.
_UUID_HEX = r"[0-9a-fA-F]{12}[1-8][0-9a-fA-F]{3}[89abAB][0-9a-fA-F]{15}"

_DIGESTS = {
    32: "md5",
    40: "hex-sha1",
    56: "hex-sha224",
    64: "hex-sha256",
    96: "hex-sha384",
    128: "hex-sha512",
}

#: Protection of every kind :func:`detect_protection` can report (``none`` aside).
KINDS: dict[str, Protection] = {kind: protection for kind, protection, _ in _FORMATS} | {
    **dict.fromkeys(_DIGESTS.values(), Protection.HASHED),
    "hex-ciphertext": Protection.ENCRYPTED,
    "base64-ciphertext": Protection.ENCRYPTED,
}

_MASK_CHARS = "[*•●]"
_MIN_MASK_SHARE = 0.2
_MIN_ENTROPY = 0.75  # of the most a string of its length could have; random data sits above 0.78

# Secrets with a recognisable prefix or shape (the providers document these formats).
SECRET_TOKEN_PATTERNS: dict[str, str] = {
    "stripe": r"(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247}",
    "github": r"gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255}",
    "gitlab": r"glpat-[A-Za-z0-9_\-]{20,}",
    "slack": r"xox[baprs]-[A-Za-z0-9\-]{10,250}",
    "aws_access_key": r"(?:AKIA|ASIA)[0-9A-Z]{16}",
    "google_api_key": r"AIza[0-9A-Za-z_\-]{35}",
    "jwt": r"eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*",
    "openai": r"sk-(?:proj-)?[A-Za-z0-9_\-]{20,}",
    "sendgrid": r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
    "npm": r"npm_[A-Za-z0-9]{36}",
    "pypi": r"pypi-[A-Za-z0-9_\-]{50,}",
    "twilio": r"SK[0-9a-fA-F]{32}",
    "private_key": r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]*",
}
_SECRET_SHAPE = re.compile(r"\S{15,}|-----BEGIN [\s\S]*")
_SECRET_PREFIXED = "|".join(f"(?:{p})" for p in SECRET_TOKEN_PATTERNS.values())
_HEX = r"[0-9a-fA-F]{32,}"
_BASE64 = r"[A-Za-z0-9+/]{22,}={0,2}|[A-Za-z0-9_\-]{22,}={0,2}"
# Random data of these lengths mixes letters and digits; words, counters and padding do not.
_RANDOM_HEX = r"(?=.*[a-fA-F])(?=.*[0-9])[0-9a-fA-F]{32,}"
_RANDOM_BASE62 = r"(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9_\-]{24,}"
_RANDOM_BASE64 = rf"(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9+/_\-=])(?:{_BASE64})"
# Identifiers made of words ("SupercalifragilisticUsage2024") pass the entropy test; random base64 has
# neither long lower-case runs (<1 % of values) nor a vowel share near English's (random: ~19 %).
_WORD_RUN = r"[a-z]{10}"
_MAX_VOWEL_SHARE = 0.45


@dataclass(frozen=True)
class ProtectionResult:
    """How a column's values are protected.

    ``ratio`` is the share of non-null values of the winning protection; for ``Protection.NONE`` it is
    the share that looked protected in any way (a partly masked column shows up as e.g. 0.4).
    ``kind`` is the most common kind within the protection (``bcrypt``, ``masked``, ...), or ``none``.
    """

    protection: Protection
    ratio: float
    kind: str


def _strings(values: pd.Series) -> pd.Series:
    """Non-null values as stripped, non-empty Python strings (object dtype: Python ``re`` semantics)."""
    items = [str(v).strip() for v in values.dropna().tolist() if not isinstance(v, bytes | bytearray)]
    s = pd.Series(items, dtype=object)
    return s[s.str.len() > 0].reset_index(drop=True) if len(s) else s


def _match(s: pd.Series, pattern: str | re.Pattern[str]) -> np.ndarray:
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    return s.str.fullmatch(pattern).to_numpy(dtype=bool, na_value=False)


def _has(s: pd.Series, pattern: str) -> np.ndarray:
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    return s.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)


def shannon_entropy(values: list[str]) -> np.ndarray:
    """Shannon entropy in bits per character of each string, computed for all strings at once."""
    if not values:
        return np.zeros(0)
    encoded = [v.encode("utf-8", "replace") for v in values]
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    flat = np.frombuffer(b"".join(encoded), dtype=np.uint8).astype(np.int64)
    rows = np.repeat(np.arange(len(values)), lengths)
    counts = np.bincount(rows * 256 + flat, minlength=len(values) * 256)
    present = np.flatnonzero(counts)
    row = present // 256
    p = counts[present] / lengths[row]
    return np.bincount(row, weights=-p * np.log2(p), minlength=len(values))


def _random_looking(s: pd.Series, mask: np.ndarray, alphabet: int) -> np.ndarray:
    """*mask* narrowed to values whose entropy is near the maximum for their length and alphabet."""
    out = np.zeros(len(s), dtype=bool)
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return out
    chosen = s.iloc[idx].tolist()
    lengths = np.array([len(v) for v in chosen])
    ceiling = np.log2(np.minimum(lengths, alphabet))
    out[idx] = shannon_entropy(chosen) >= _MIN_ENTROPY * ceiling
    return out


def _wordy(s: pd.Series) -> np.ndarray:
    """Values that read like words run together rather than random characters."""
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    letters = s.str.count("[A-Za-z]").to_numpy(dtype=float)
    vowels = s.str.count("[AEIOUaeiou]").to_numpy(dtype=float)
    vowel_rich = (letters >= 12) & (vowels >= _MAX_VOWEL_SHARE * np.maximum(letters, 1))
    return vowel_rich | _has(s, _WORD_RUN)


def secret_token_mask(values: pd.Series) -> np.ndarray:
    """Per value of *values*: does it look like an API key, access token or private key?

    Known formats (Stripe ``sk_live_``, GitHub ``ghp_``, Slack ``xox?-``, AWS ``AKIA``, Google ``AIza``,
    JWTs, ...) and long random-looking strings: 32+ hex digits, or 24+ base62 characters mixing
    upper case, lower case and digits. Hex digests match the second kind too; pair this with
    :func:`detect_protection` to tell a hashed password column from a column of keys.
    """
    out = np.zeros(len(values), dtype=bool)
    items = values.tolist()
    strings = pd.Series([str(v).strip() if isinstance(v, str) else "" for v in items], dtype=object)
    # Every format above is one unbroken run of 15+ characters, except a PEM block.
    candidates = np.flatnonzero(_match(strings, _SECRET_SHAPE))
    if len(candidates) == 0:
        return out
    s = strings.iloc[candidates].reset_index(drop=True)
    known = _match(s, _SECRET_PREFIXED)
    hexy = _random_looking(s, _match(s, _RANDOM_HEX), 16)
    base62 = _random_looking(s, _match(s, _RANDOM_BASE62) & ~_wordy(s), 62)
    # Hash and ciphertext envelopes and payment tokens (tok_...) are not credentials; base64 of plain
    # text is an encoding.
    base62 &= ~_match(s, _ENVELOPES)
    for i in np.flatnonzero(base62 & ~known):
        base62[i] = not _decodes_to_text(s.iat[i])
    out[candidates] = known | hexy | base62
    return out


def looks_like_secret_token(values: pd.Series) -> float:
    """Share of the non-null values of *values* that look like secrets (see :func:`secret_token_mask`)."""
    non_null = values.dropna()
    if len(non_null) == 0:
        return 0.0
    return float(secret_token_mask(non_null).mean())


def _decoded_length(value: str) -> int:
    return len(value.rstrip("=")) * 3 // 4


def _decodes_to_text(value: str) -> bool:
    """Plain base64 of readable text is an encoding, not encryption."""
    raw = value.rstrip("=")
    if "-" in raw or "_" in raw:
        raw = raw.translate(_URLSAFE)
    try:
        text = binascii.a2b_base64(raw + "=" * (-len(raw) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return text.isprintable() or sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text)


_URLSAFE = str.maketrans("-_", "+/")


def _label_hex(s: pd.Series, kinds: np.ndarray) -> None:
    """Uniform digest-length hex is a hash; block-aligned or varied-length hex is ciphertext."""
    hexy = _random_looking(s, (kinds == "") & _match(s, _RANDOM_HEX), 16)
    if not hexy.any():
        return
    lengths = s.str.len().to_numpy()
    values, counts = np.unique(lengths[hexy], return_counts=True)
    mode = int(values[np.argmax(counts)])
    if mode == 32 and _match(s, _UUID_HEX)[hexy].mean() >= 0.9:
        return  # dash-less UUIDs: surrogate keys, not MD5 digests (1 in 8 digests has this shape)
    if counts.max() >= 0.9 * hexy.sum() and mode in _DIGESTS:
        digest = hexy & (lengths == mode)
        kinds[digest] = _DIGESTS[mode]
        hexy &= ~digest
    cipher = hexy & ((len(values) > 1) | ((lengths // 2) % 16 == 0))
    kinds[cipher] = "hex-ciphertext"


def _label_base64(s: pd.Series, kinds: np.ndarray) -> None:
    """High-entropy base64 that is not encoded text and is block-aligned or of varying length."""
    idx = np.flatnonzero(_random_looking(s, (kinds == "") & _match(s, _RANDOM_BASE64) & ~_wordy(s), 64))
    if len(idx) == 0:
        return
    chosen = s.iloc[idx].tolist()
    keep = np.array([not _decodes_to_text(v) for v in chosen], dtype=bool)
    aligned = np.array([_decoded_length(v) % 16 == 0 for v in chosen], dtype=bool)
    varied = len({len(v) for v, k in zip(chosen, keep, strict=True) if k}) > 1
    kinds[idx[keep & (aligned | varied)]] = "base64-ciphertext"


# One pass over the column finds the values worth a closer look; cleartext columns stop there.
_CANDIDATE = re.compile(
    "|".join(f"(?:{p})" for p in [*(p for _, _, p in _FORMATS), _SECRET_PREFIXED, _HEX, _BASE64])
    + f"|.*{_MASK_CHARS}.*",
    re.DOTALL,
)
# The envelope formats as one alternation, one capturing group per kind, in priority order.
_FORMAT_GROUPS = re.compile(r"(?:" + "|".join(f"({p})" for _, _, p in _FORMATS) + r")\Z")
_FORMAT_NAMES = np.array(["", *(kind for kind, _, _ in _FORMATS)], dtype=object)


def _label(s: pd.Series) -> np.ndarray:
    """The protection kind of each value, ``""`` for none."""
    kinds = np.full(len(s), "", dtype=object)
    candidates = np.flatnonzero(_match(s, _CANDIDATE))
    if len(candidates) == 0:
        return kinds
    sub = s.iloc[candidates].reset_index(drop=True)
    sub_kinds = np.full(len(sub), "", dtype=object)
    # One compiled-regex pass names each value's envelope format (group i matched = format i).
    format_index = [m.lastindex if (m := _FORMAT_GROUPS.match(v)) else 0 for v in sub.tolist()]
    sub_kinds[:] = _FORMAT_NAMES[np.asarray(format_index, dtype=np.int64)]
    mask_count = sub.str.count(_MASK_CHARS).to_numpy(dtype=float)
    share = mask_count / sub.str.len().to_numpy(dtype=float)
    masked = (sub_kinds == "") & (mask_count > 0)
    masked &= (share >= _MIN_MASK_SHARE) | _has(sub, f"{_MASK_CHARS}{{3}}")
    sub_kinds[masked] = "masked"
    free = np.flatnonzero(sub_kinds == "")
    if len(free):
        rest = sub.iloc[free].reset_index(drop=True)
        rest_kinds = np.full(len(rest), "", dtype=object)
        _label_hex(rest, rest_kinds)
        _label_base64(rest, rest_kinds)
        sub_kinds[free] = rest_kinds
    # A live API key is a secret in the clear, whatever its shape or entropy says.
    sub_kinds[_match(sub, _SECRET_PREFIXED)] = ""
    kinds[candidates] = sub_kinds
    return kinds


def detect_protection(values: pd.Series) -> ProtectionResult:
    """Decide whether the non-null values of a column are masked, hashed, encrypted or tokenised."""
    s = _strings(values)
    if len(s) == 0:
        return ProtectionResult(Protection.NONE, 0.0, "none")
    kinds = _label(s)
    labelled = kinds[kinds != ""]
    if len(labelled) == 0:
        return ProtectionResult(Protection.NONE, 0.0, "none")
    protections = np.array([KINDS[k].value for k in labelled], dtype=object)
    names, counts = np.unique(protections, return_counts=True)
    best = int(np.argmax(counts))
    share = counts[best] / len(s)
    if share < THRESHOLD:
        return ProtectionResult(Protection.NONE, round(len(labelled) / len(s), 4), "none")
    in_best = labelled[protections == names[best]]
    kind_names, kind_counts = np.unique(in_best.astype(str), return_counts=True)
    return ProtectionResult(
        Protection(names[best]), round(float(share), 4), str(kind_names[np.argmax(kind_counts)])
    )
