"""Find the text encoding of an export file from a few hundred KB of it.

CRM exports come out of Excel and web tools in whatever the exporting machine used: UTF-8 (with or
without BOM), Excel's "Unicode Text" (UTF-16LE with BOM), GBK/GB18030 from Chinese Excel, cp1252 from
Western Windows. Statistical detectors alone misname short Latin-1 files (cp1257, cp775...), so the order
here is rule first, statistics last:

1. a byte-order mark decides;
2. NUL bytes mean UTF-16 without BOM, or a binary file, as do many other control bytes;
3. strict UTF-8 over the head *and* probes from the middle and end (an ASCII header must not hide a
   cp1252 body);
4. GB18030 when it decodes cleanly and the double-byte pairs sit where Chinese text puts them (Latin-1
   accents followed by ASCII letters also form valid GBK pairs, but outside the GB2312 block);
5. charset-normalizer, trusted only for East Asian and Cyrillic code pages it names confidently;
6. cp1252, and Latin-1 (which decodes anything) as the last resort.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

HEAD_BYTES = 256 * 1024
PROBE_BYTES = 64 * 1024
PROBES = 4

_BOMS = (  # longest first: the UTF-32LE BOM starts with the UTF-16LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_EAST_ASIAN = {
    "cp932": "cp932",
    "shift_jis": "cp932",
    "euc_jp": "euc_jp",
    "big5": "big5",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
    "euc_kr": "cp949",
    "cp949": "cp949",
}
_CYRILLIC = {"cp1251": "cp1251", "koi8_r": "koi8_r", "cp866": "cp866"}


class EncodingError(ValueError):
    """The bytes are not text in any encoding crmscan recognises (most often: a binary file)."""


def read_sample(path: Path) -> tuple[bytes, bytes, bool]:
    """The head of the file, line-aligned probes from further in, and whether the head is all of it.

    Probes start after a newline and end at one, which is a character boundary in UTF-8, GB18030 and
    every single-byte code page (their multi-byte sequences never contain 0x0A).
    """
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
        if size <= HEAD_BYTES:
            return head, b"", True
        probes = []
        for k in range(1, PROBES + 1):
            f.seek(max(HEAD_BYTES, (size - PROBE_BYTES) * k // PROBES))
            chunk = f.read(PROBE_BYTES)
            start = chunk.find(b"\n") + 1
            if start:
                probes.append(_trim_tail(chunk[start:]))
    return head, b"".join(probes), False


def _trim_tail(chunk: bytes) -> bytes:
    end = chunk.rfind(b"\n")
    return chunk[: end + 1] if end >= 0 else chunk


def detect_encoding(path: Path) -> str:
    """A Python codec name for *path*; raises :class:`EncodingError` for a binary file."""
    head, probes, complete = read_sample(path)
    return detect_bytes(head, probes, complete=complete)


def detect_bytes(head: bytes, probes: bytes = b"", *, complete: bool = True) -> str:
    """The encoding of a file starting with *head* (see the module docstring for the order).

    *probes* are line-aligned chunks from later in the file; *complete* says *head* is the whole file.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if head.count(0) > len(head) // 100:
        return _utf16_without_bom(head)
    if _control_bytes(head) > len(head) // 20:
        raise EncodingError("binary")
    if _decodes(head, "utf-8", complete) and _decodes(probes, "utf-8", True):
        return "utf-8"
    body = (head if complete else _trim_tail(head)) + probes
    if _looks_gb(body) and _decodes(body, "gb18030", True):
        return "gb18030"
    guess = _normalizer_guess(body)
    if guess:
        return guess
    return "cp1252" if _decodes(body, "cp1252", True) else "latin-1"


_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])


def _control_bytes(data: bytes) -> int:
    """Bytes that text (in any encoding tried here but UTF-16) almost never holds: a binary file's mark."""
    return sum(data.count(b) for b in _CONTROL)


def _decodes(data: bytes, encoding: str, complete: bool) -> bool:
    """Strict decode; a sequence cut at the end of a partial read does not count as an error."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 text without BOM has NULs in every other byte (for Latin and CSV punctuation)."""
    even = data[0::2]
    odd = data[1::2]
    even_nul = even.count(0) / max(1, len(even))
    odd_nul = odd.count(0) / max(1, len(odd))
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    raise EncodingError("binary")


def _looks_gb(data: bytes) -> bool:
    """Most double-byte pairs are in the GB2312 block (lead 0xA1-0xF7, trail 0xA1-0xFE)."""
    pairs = in_block = 0
    i, end = 0, min(len(data), 64 * 1024)
    while i < end - 1:
        lead = data[i]
        if lead < 0x80:
            i += 1
            continue
        trail = data[i + 1]
        if 0x30 <= trail <= 0x39:  # a four-byte GB18030 sequence
            pairs += 1
            i += 4
            continue
        pairs += 1
        if 0xA1 <= lead <= 0xF7 and 0xA1 <= trail <= 0xFE:
            in_block += 1
        i += 2
    return pairs > 0 and in_block / pairs >= 0.9


def _normalizer_guess(data: bytes) -> str | None:
    """charset-normalizer's answer when it is one we trust over the cp1252 default.

    On a few lines of Latin-1 it happily answers Shift-JIS (``É`` is a half-width katakana there) or
    Big5, so its answer is taken only with enough evidence: at least :data:`_MIN_EVIDENCE` characters
    of the script that encoding exists for, making up nearly all the non-ASCII text.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 64 * 1024]).best()
    if best is None:
        return None
    name = best.encoding.lower()
    if name in _EAST_ASIAN:
        text = data.decode(_EAST_ASIAN[name], errors="replace")
        return _EAST_ASIAN[name] if _script_share(text, _is_east_asian, 0.9) else None
    if name in _CYRILLIC:
        text = data.decode(name, errors="replace")
        if _script_share(text, _is_cyrillic, 0.9) and _mostly_non_ascii_letters(text):
            return _CYRILLIC[name]
    return None


_MIN_EVIDENCE = 20


def _is_east_asian(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xFF01 <= code <= 0xFF5E  # full-width forms (not the half-width katakana after them)
    )


def _is_cyrillic(char: str) -> bool:
    return 0x0400 <= ord(char) <= 0x04FF


def _script_share(text: str, in_script: Callable[[str], bool], share: float) -> bool:
    """At least :data:`_MIN_EVIDENCE` non-ASCII characters, of which *share* are in the script."""
    wide = [c for c in text if ord(c) > 127]
    hits = sum(1 for c in wide if in_script(c))
    return hits >= _MIN_EVIDENCE and hits >= share * len(wide)


def _mostly_non_ascii_letters(text: str) -> bool:
    """Cyrillic text is non-ASCII letters throughout; Latin-1 text decoded as cp1251 only in places."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(1 for c in letters if ord(c) > 127) / len(letters) >= 0.3
