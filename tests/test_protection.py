"""Protection detection: every kind found on a generated column, cleartext never called protected."""

from __future__ import annotations

import base64
import hashlib
import random
import string
import struct
import time
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from crmscan.classify.protection import (
    KINDS,
    PASSWORD_HASH_PATTERN,
    SECRET_TOKEN_PATTERNS,
    THRESHOLD,
    ProtectionResult,
    detect_protection,
    looks_like_secret_token,
    secret_token_mask,
    shannon_entropy,
)
from crmscan.model import Protection

_CRYPT64 = "./" + string.ascii_uppercase + string.ascii_lowercase + string.digits
_BASE62 = string.ascii_letters + string.digits


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64(data: bytes, pad: bool = True) -> str:
    text = base64.b64encode(data).decode()
    return text if pad else text.rstrip("=")


def _blocks(rng: random.Random, most: int = 4) -> bytes:
    return rng.randbytes(16 * rng.randint(1, most))


def _secret(rng: random.Random) -> bytes:
    return _pick(rng, string.ascii_letters + string.digits + "!?", rng.randint(6, 20)).encode()


def _fernet(rng: random.Random) -> str:
    body = b"\x80" + struct.pack(">Q", 1_700_000_000 + rng.randint(0, 10**7)) + rng.randbytes(16)
    return base64.urlsafe_b64encode(body + _blocks(rng) + rng.randbytes(32)).decode()


def _pgp(rng: random.Random) -> str:
    armour = _b64(rng.randbytes(rng.randint(60, 200)))
    lines = "\n".join(armour[i : i + 64] for i in range(0, len(armour), 64))
    return f"-----BEGIN PGP MESSAGE-----\n\n{lines}\n-----END PGP MESSAGE-----"


# kind -> value generator; every kind detect_protection can report has one.
GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "bcrypt": lambda r: f"$2{r.choice('aby')}${r.choice(['10', '12'])}${_pick(r, _CRYPT64, 53)}",
    "argon2": lambda r: (
        "$argon2id$v=19$m=65536,t=3,p=4$" + _b64(r.randbytes(16), False) + "$" + _b64(r.randbytes(32), False)
    ),
    "sha-crypt": lambda r: (
        f"${r.choice('56')}$"
        + (
            f"{_pick(r, _CRYPT64, 16)}${_pick(r, _CRYPT64, 86)}"
            if r.random() < 0.5
            else f"rounds=5000${_pick(r, _CRYPT64, 8)}${_pick(r, _CRYPT64, 43)}"
        )
    ),
    "md5-crypt": lambda r: f"$1${_pick(r, _CRYPT64, 8)}${_pick(r, _CRYPT64, 22)}",
    "pbkdf2": lambda r: (
        lambda salt: (
            f"pbkdf2_sha256$1000${salt}$"
            + _b64(hashlib.pbkdf2_hmac("sha256", _secret(r), salt.encode(), 1000))
        )
    )(_pick(r, _BASE62, 12)),
    "scrypt": lambda r: f"scrypt:32768:8:1${_pick(r, _BASE62, 16)}${r.randbytes(64).hex()}",
    "ldap-hash": lambda r: "{SSHA}" + _b64(hashlib.sha1(_secret(r)).digest() + r.randbytes(4)),
    "md5": lambda r: hashlib.md5(_secret(r)).hexdigest(),
    "hex-sha1": lambda r: hashlib.sha1(_secret(r)).hexdigest(),
    "hex-sha224": lambda r: hashlib.sha224(_secret(r)).hexdigest(),
    "hex-sha256": lambda r: hashlib.sha256(_secret(r)).hexdigest().upper(),
    "hex-sha384": lambda r: hashlib.sha384(_secret(r)).hexdigest(),
    "hex-sha512": lambda r: hashlib.sha512(_secret(r)).hexdigest(),
    "fernet": _fernet,
    "pgp": _pgp,
    "vault-transit": lambda r: "vault:v1:" + _b64(r.randbytes(r.randint(28, 60))),
    "jasypt": lambda r: f"ENC({_b64(_blocks(r))})",
    "kms-ciphertext": lambda r: _b64(b"\x01\x02\x02\x00\x78" + r.randbytes(r.randint(150, 180))),
    "token": lambda r: r.choice(["tok_", "pm_", "card_", "tkn-"]) + _pick(r, _BASE62, r.randint(14, 24)),
    "masked": lambda r: r.choice(
        [
            f"**** **** **** {r.randint(0, 9999):04d}",
            f"****{r.randint(0, 9999):04d}",
            f"XXX-XX-{r.randint(0, 9999):04d}",
            f"{r.choice('jmak')}***@{r.choice('eg')}***.com",
            f"1{r.randint(30, 99)}****{r.randint(0, 9999):04d}",
            f"411111******{r.randint(0, 9999):04d}",
            f"###-##-{r.randint(0, 9999):04d}",
            r.choice(["[REDACTED]", "<masked>", "REDACTED", "***"]),
            r.choice("张王李赵") + "*" + r.choice(["", "明", "华"]),
        ]
    ),
    "base64-ciphertext": lambda r: _b64(
        r.randbytes(12 + r.randint(5, 40) + 16) if r.random() < 0.5 else _blocks(r)
    ),
    "hex-ciphertext": lambda r: _blocks(r, 6).hex(),
}


def _column(kind: str, n: int = 200, seed: int = 0) -> pd.Series:
    rng = random.Random(f"{kind}-{seed}")
    return pd.Series([GENERATORS[kind](rng) for _ in range(n)])


def test_every_kind_has_a_generator() -> None:
    assert set(GENERATORS) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(GENERATORS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_kind_detected(kind: str, seed: int) -> None:
    result = detect_protection(_column(kind, seed=seed))
    assert (result.protection, result.kind) == (KINDS[kind], kind)
    # Ciphertext is judged by entropy, so an unlucky random value may look too regular to count.
    assert result.ratio >= (0.97 if kind.endswith("ciphertext") else 1.0)


@pytest.mark.parametrize("kind", sorted(GENERATORS))
def test_each_kind_detected_on_few_values_with_nulls(kind: str) -> None:
    values = [*_column(kind, n=5), None, float("nan"), "", "  "]
    result = detect_protection(pd.Series(values, dtype=object))
    assert (result.protection, result.kind) == (KINDS[kind], kind)


def test_kinds_within_one_protection_add_up() -> None:
    values = pd.concat([_column("bcrypt", 50), _column("argon2", 40), _column("sha-crypt", 10)])
    assert detect_protection(values) == ProtectionResult(Protection.HASHED, 1.0, "bcrypt")


# --- cleartext is not protected --------------------------------------------------------------------


def _faker_columns() -> dict[str, list[object]]:
    fake = Faker(["en_US", "de_DE", "zh_CN", "fr_FR"])
    fake.seed_instance(7)
    n = 200
    return {
        "emails": [fake.email() for _ in range(n)],
        "names": [fake.name() for _ in range(n)],
        "phones": [fake.phone_number() for _ in range(n)],
        "cards": [fake.credit_card_number() for _ in range(n)],
        "card_expiry": [fake.credit_card_expire() for _ in range(n)],
        "ibans": [fake.iban() for _ in range(n)],
        "addresses": [fake.address() for _ in range(n)],
        "companies": [fake.company() for _ in range(n)],
        "uuids": [fake.uuid4() for _ in range(n)],
        "hex_uuids": [fake.uuid4().replace("-", "") for _ in range(n)],
        "notes": [fake.paragraph() for _ in range(n)],
        "urls": [fake.url() for _ in range(n)],
        "usernames": [fake.user_name() for _ in range(n)],
        "ips": [fake.ipv4() for _ in range(n)],
        "dates": [fake.date_of_birth().isoformat() for _ in range(n)],
        "ints": list(range(n)),
        "floats": [fake.pyfloat() for _ in range(n)],
        "base64_text": [base64.b64encode(fake.email().encode()).decode() for _ in range(n)],
        "long_words": ["Supercalifragilistic" + fake.word().capitalize() + "2024" for _ in range(n)],
        "status": [fake.random_element(["open", "won", "lost"]) for _ in range(n)],
    }


CLEARTEXT = _faker_columns()


@pytest.mark.parametrize("name", sorted(CLEARTEXT))
def test_cleartext_not_protected(name: str) -> None:
    result = detect_protection(pd.Series(CLEARTEXT[name]))
    assert result.protection is Protection.NONE
    assert result.kind == "none"
    assert result.ratio < 0.05


@pytest.mark.parametrize("name", sorted(set(CLEARTEXT) - {"usernames", "long_words", "uuids", "hex_uuids"}))
def test_cleartext_not_secret(name: str) -> None:
    assert looks_like_secret_token(pd.Series(CLEARTEXT[name])) < 0.05


def test_empty_and_all_null_columns() -> None:
    none = ProtectionResult(Protection.NONE, 0.0, "none")
    assert detect_protection(pd.Series([], dtype=object)) == none
    assert detect_protection(pd.Series([None, float("nan"), "", " "], dtype=object)) == none
    assert looks_like_secret_token(pd.Series([None, None], dtype=object)) == 0.0


# --- thresholds ------------------------------------------------------------------------------------


# Kinds recognised by format alone (entropy-judged kinds could lose a value and blur the boundary).
_FORMAT_KINDS = sorted(
    k for k in GENERATORS if not k.endswith("ciphertext") and k != "md5" and not k.startswith("hex-")
)


@settings(deadline=None, max_examples=40)
@given(kind=st.sampled_from(_FORMAT_KINDS), protected=st.integers(0, 60), clear=st.integers(0, 60))
def test_threshold(kind: str, protected: int, clear: int) -> None:
    emails = CLEARTEXT["emails"][:clear]
    values = pd.Series([*_column(kind, protected, seed=protected), *emails], dtype=object).sample(
        frac=1, random_state=protected
    )
    result = detect_protection(values)
    total = protected + clear
    if total and protected / total >= THRESHOLD:
        assert (result.protection, result.kind) == (KINDS[kind], kind)
        assert result.ratio == pytest.approx(protected / total, abs=1e-4)
    else:
        assert result == ProtectionResult(
            Protection.NONE, round(protected / total, 4) if total else 0.0, "none"
        )


def test_mixed_column_below_threshold_is_none() -> None:
    values = pd.concat([_column("masked", 60), pd.Series(CLEARTEXT["phones"][:40])])
    assert detect_protection(values) == ProtectionResult(Protection.NONE, 0.6, "none")
    values = pd.concat([_column("bcrypt", 40), _column("base64-ciphertext", 40), _column("masked", 20)])
    assert detect_protection(values).protection is Protection.NONE


def test_partly_protected_above_threshold() -> None:
    values = pd.concat([_column("hex-sha256", 85), pd.Series(CLEARTEXT["emails"][:15])])
    assert detect_protection(values) == ProtectionResult(Protection.HASHED, 0.85, "hex-sha256")


# --- ambiguity rules -------------------------------------------------------------------------------


def test_hex_of_mixed_lengths_is_ciphertext_not_hash() -> None:
    rng = random.Random(3)
    values = pd.Series([rng.randbytes(rng.choice([16, 32, 48, 64])).hex() for _ in range(200)])
    assert detect_protection(values).kind == "hex-ciphertext"


def test_uniform_random_base64_that_is_not_block_aligned_is_not_ciphertext() -> None:
    # 24 random bytes, always: the shape of API keys and session ids, not of a block cipher's output.
    rng = random.Random(4)
    values = pd.Series([_b64(rng.randbytes(24)) for _ in range(200)])
    assert detect_protection(values).protection is Protection.NONE


def test_low_entropy_hex_is_not_a_hash() -> None:
    values = pd.Series([f"{i:032x}" for i in range(1, 201)] + ["a" * 31 + "1"])
    assert detect_protection(values).protection is Protection.NONE


@pytest.mark.parametrize("text", ["Great product *****", "Price*", "a*b", "see note*"])
def test_stray_asterisks_are_not_masking(text: str) -> None:
    assert detect_protection(pd.Series([text] * 3 + CLEARTEXT["notes"][:20])).protection is Protection.NONE


# --- secrets ---------------------------------------------------------------------------------------

SECRETS: dict[str, Callable[[random.Random], str]] = {
    "stripe": lambda r: r.choice(["sk_live_", "sk_test_", "rk_live_"]) + _pick(r, _BASE62, 24),
    "github": lambda r: r.choice(["ghp_", "gho_", "ghs_"]) + _pick(r, _BASE62, 36),
    "slack": lambda r: f"xox{r.choice('baprs')}-{r.randint(10**10, 10**11)}-{_pick(r, _BASE62, 24)}",
    "aws": lambda r: "AKIA" + _pick(r, string.ascii_uppercase + string.digits, 16),
    "google": lambda r: "AIza" + _pick(r, _BASE62 + "_-", 35),
    "jwt": lambda r: (
        "eyJhbGciOiJIUzI1NiJ9."
        + base64.urlsafe_b64encode(f'{{"sub":"{r.randint(1, 10**6)}"}}'.encode()).decode().rstrip("=")
        + "."
        + _pick(r, _BASE62, 43)
    ),
    "hex_key": lambda r: r.randbytes(20).hex(),
    "base62_key": lambda r: _pick(r, _BASE62, 32),
    "private_key": lambda r: (
        "-----BEGIN RSA PRIVATE KEY-----\n" + _b64(r.randbytes(96)) + "\n-----END RSA PRIVATE KEY-----"
    ),
}


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_secret_tokens_found(name: str) -> None:
    rng = random.Random(name)
    values = pd.Series([SECRETS[name](rng) for _ in range(100)])
    assert looks_like_secret_token(values) >= 0.95


@pytest.mark.parametrize("name", ["stripe", "github", "slack", "aws", "google", "jwt"])
def test_known_secret_formats_are_never_protection(name: str) -> None:
    rng = random.Random(name)
    assert (
        detect_protection(pd.Series([SECRETS[name](rng) for _ in range(100)])).protection is Protection.NONE
    )


@pytest.mark.parametrize("kind", ["bcrypt", "argon2", "token", "fernet", "masked", "base64-ciphertext"])
def test_protected_values_are_not_secrets(kind: str) -> None:
    assert looks_like_secret_token(_column(kind)) < 0.05


def test_secret_token_mask_is_positional() -> None:
    values = pd.Series(["ghp_" + "a1B2" * 9, None, "hello", "AKIA" + "ABCDEFGHIJ123456"], index=[10, 3, 7, 1])
    assert secret_token_mask(values).tolist() == [True, False, False, True]


# --- helpers and contracts -------------------------------------------------------------------------


def test_password_hash_pattern_runs_on_re2() -> None:
    samples = [
        _column(kind, 3).tolist()
        for kind in ["bcrypt", "argon2", "sha-crypt", "md5-crypt", "pbkdf2", "scrypt", "ldap-hash"]
    ]
    hashes = [v for column in samples for v in column]
    arr = pa.array([*hashes, "hunter2", "$2b$12$short"], type=pa.string())
    matched = pc.match_substring_regex(arr, pattern=f"^(?:{PASSWORD_HASH_PATTERN})$").to_pylist()
    assert matched == [True] * len(hashes) + [False, False]


def test_shannon_entropy() -> None:
    assert shannon_entropy([]).shape == (0,)
    assert shannon_entropy(["aaaa", "abcd", "ab", "", "é"]).tolist() == [0.0, 2.0, 1.0, 0.0, 1.0]


@settings(deadline=None, max_examples=200)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=200),
            st.text(alphabet="0123456789abcdefABCDEF*X$=+/-_", max_size=140),
            st.integers(),
            st.floats(),
            st.binary(max_size=20),
        ),
        max_size=60,
    )
)
def test_never_raises(values: list[object]) -> None:
    series = pd.Series(values, dtype=object)
    result = detect_protection(series)
    assert isinstance(result.protection, Protection)
    assert 0.0 <= result.ratio <= 1.0
    assert result.kind == "none" or KINDS[result.kind] is result.protection
    mask = secret_token_mask(series)
    assert mask.shape == (len(values),)
    assert 0.0 <= looks_like_secret_token(series) <= 1.0


@pytest.mark.parametrize("kind", ["emails", "base64-ciphertext", "bcrypt", "masked"])
def test_fast_on_1000_values(kind: str) -> None:
    values = pd.Series(CLEARTEXT["emails"] * 5) if kind == "emails" else _column(kind, 1000)
    detect_protection(values)  # warm up compiled patterns
    start = time.perf_counter()
    detect_protection(values)
    looks_like_secret_token(values)
    assert time.perf_counter() - start < 0.3


def test_secret_token_patterns_run_on_re2() -> None:
    known = ["stripe", "github", "slack", "aws", "google", "jwt", "private_key"]
    rng = random.Random(5)
    values = [SECRETS[name](rng) for name in known]
    pattern = "|".join(f"(?:{p})" for p in SECRET_TOKEN_PATTERNS.values())
    arr = pa.array([*values, "hello world", "4111111111111111"], type=pa.string())
    matched = pc.match_substring_regex(arr, pattern=f"^(?:{pattern})$").to_pylist()
    assert matched == [True] * len(values) + [False, False]
