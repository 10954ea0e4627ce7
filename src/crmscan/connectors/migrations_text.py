"""Raw text of a migration file, before any SQL parsing: decoding, client directives, dialect hints.

Migration files carry things that are not SQL: psql backslash commands and ``COPY ... FROM stdin`` data,
the ``GO`` batch separator of SQL Server tools, MySQL's ``DELIMITER`` command, and "down" sections of
dbmate/goose files that must never be applied. They are blanked out here (newlines kept, so every offset
and line number still points at the original file) or turned into *segments* the tokenizer reads one at a
time.

:func:`scrub` blanks comments and quoted text without moving anything, which is what the dialect hints,
the ``GO``/``DELIMITER`` splitting and the "unterminated string" error need.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass

from crmscan.errors import UsageError

DIALECTS: tuple[str, ...] = ("postgres", "mysql", "sqlite", "tsql")
_ALIASES = {
    "postgresql": "postgres",
    "pg": "postgres",
    "mariadb": "mysql",
    "sqlite3": "sqlite",
    "mssql": "tsql",
    "sqlserver": "tsql",
    "t-sql": "tsql",
}


class MigrationError(UsageError):
    """A migration file cannot be read or parsed; the message is ``file:line: what is wrong; what to do``."""


def canonical_dialect(name: str) -> str:
    """``postgres``, ``mysql``, ``sqlite`` or ``tsql`` for a user's ``--dialect`` (aliases accepted)."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in DIALECTS:
        raise MigrationError(f"--dialect {name}: unknown SQL dialect; choose one of {', '.join(DIALECTS)}")
    return key


def decode(raw: bytes, display: str) -> str:
    """The file's text: UTF-8 (with or without BOM) or BOM-marked UTF-16 as SSMS saves it.

    ``\\r\\n`` becomes ``\\n`` so that line numbers match what an editor shows.
    """
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise MigrationError(f"{display}:{line}: not UTF-8 text; save the migration as UTF-8") from None
    return text.replace("\r\n", "\n")


class Lines:
    """Offset -> 1-based line number for one text."""

    def __init__(self, text: str) -> None:
        self._starts = [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) + 1


def _blank(text: str, start: int, end: int) -> str:
    """*text* with ``text[start:end]`` replaced by spaces, newlines kept."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


_DOWN = re.compile(r"^[ \t]*--[ \t]*(?:migrate:down|\+goose[ \t]+down)\b", re.IGNORECASE | re.MULTILINE)
_UP = re.compile(r"^[ \t]*--[ \t]*(?:migrate:up|\+goose[ \t]+up)\b", re.IGNORECASE | re.MULTILINE)
_COPY_STDIN = re.compile(
    r"^[ \t]*COPY\b[^\n;]*\bFROM[ \t]+stdin\b[^\n]*;[ \t]*$", re.IGNORECASE | re.MULTILINE
)
_BACKSLASH_LINE = re.compile(r"^\\[^\n]*$", re.MULTILINE)


def strip_directives(text: str) -> str:
    """Blank what no database would execute as part of the forward migration.

    dbmate (``-- migrate:down``) and goose (``-- +goose Down``) keep the rollback in the same file: it is
    blanked up to the next "up" marker. ``COPY ... FROM stdin;`` data rows (pg_dump) and psql
    backslash commands (``\\connect``, ``\\set``) are blanked too.
    """
    for down in reversed(list(_DOWN.finditer(text))):
        up = _UP.search(text, down.end())
        text = _blank(text, down.start(), up.start() if up else len(text))
    for copy in reversed(list(_COPY_STDIN.finditer(text))):
        end = re.compile(r"^\\\.[ \t]*$", re.MULTILINE).search(text, copy.end())
        text = _blank(text, copy.end(), end.end() if end else len(text))
    return _BACKSLASH_LINE.sub(lambda m: " " * len(m.group()), text)


_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def scrub(text: str, dialect: str | None = None) -> tuple[str, int | None]:
    """*text* with comments and the inside of quoted strings/identifiers blanked, and where an unterminated
    one starts (None when all are closed).

    Quote characters themselves stay, so a hint such as a backtick is still visible. ``dialect`` switches on
    MySQL's ``#`` comments and backslash escapes, T-SQL's ``[bracketed]`` identifiers and PostgreSQL's
    ``$tag$`` quoting (the last also when the dialect is not known yet).
    """
    out = list(text)
    n = len(text)
    i = 0
    mysql, tsql = dialect == "mysql", dialect == "tsql"
    dollar = dialect in (None, "postgres")

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        ch = text[i]
        two = text[i : i + 2]
        if two == "--" or (mysql and ch == "#"):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif two == "/*":
            end = _comment_end(text, i)
            if end < 0:
                blank(i, n)
                return "".join(out), i
            blank(i, end)
            i = end
        elif ch in "'\"`" or (tsql and ch == "["):
            close = "]" if ch == "[" else ch
            backslash = ch == "'" and (mysql or (i > 0 and text[i - 1] in "eE" and not mysql))
            j = i + 1
            while j < n:
                if backslash and text[j] == "\\":
                    j += 2
                    continue
                if text[j] == close:
                    if j + 1 < n and text[j + 1] == close:
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                blank(i + 1, n)
                return "".join(out), i
            blank(i + 1, j)
            i = j + 1
        elif ch == "$" and dollar and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            tag = _DOLLAR_TAG.match(text, i)
            if tag is None:
                i += 1
                continue
            end = text.find(tag.group(), tag.end())
            if end < 0:
                blank(i, n)
                return "".join(out), i
            blank(i, end + len(tag.group()))
            i = end + len(tag.group())
        else:
            i += 1
    return "".join(out), None


def _comment_end(text: str, start: int) -> int:
    """Offset just past the ``*/`` closing the comment opened at *start*; nested comments count (as in
    PostgreSQL, T-SQL and sqlglot's tokenizer). -1 when it never closes."""
    depth = 0
    i = start
    while i < len(text) - 1:
        pair = text[i : i + 2]
        if pair == "/*":
            depth += 1
            i += 2
        elif pair == "*/":
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return -1


_DELIMITER = re.compile(r"^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_GO = re.compile(r"^[ \t]*GO(?:[ \t]+\d+)?[ \t]*;?[ \t]*$", re.IGNORECASE | re.MULTILINE)
_BRACKET_IDENT = re.compile(r"(?<![\w\]\)])\[[A-Za-z_@#][^\]\n]*\]")
_TSQL_HINT = re.compile(
    r"\b(?:OBJECT|SCHEMA|DATABASE|TYPE)::|\bEXEC(?:UTE)?[ \t]+(?:\w+\.)?sp_\w+|\bIDENTITY[ \t]*\(|\bN'",
    re.IGNORECASE,
)
_PG_HINT = re.compile(r"\bCOMMENT[ \t\n]+ON\b|::|\b(?:BIG)?SERIAL\b|\bJSONB\b|\bTIMESTAMPTZ\b", re.IGNORECASE)
_MYSQL_HINT = re.compile(
    r"\bAUTO_INCREMENT\b|\bENGINE[ \t]*=|\bUNSIGNED\b|\b(?:CHANGE|MODIFY)[ \t]+COLUMN\b"
    r"|\bRENAME[ \t]+(?:TABLE|USER)\b"
    r"|\bSET[ \t]+DEFAULT[ \t]+ROLE\b|'[ \t]*@[ \t]*'",
    re.IGNORECASE,
)
_SQLITE_HINT = re.compile(r"\bAUTOINCREMENT\b|\bPRAGMA\b|\bWITHOUT[ \t]+ROWID\b", re.IGNORECASE)


def candidate_dialects(text: str) -> tuple[bool, list[str]]:
    """(whether any hint was found, dialects to try on one file, most likely first).

    Hints, in this order: backticks or a ``DELIMITER`` line mean MySQL; ``[bracketed]`` names, a ``GO``
    line, ``OBJECT::``, ``EXEC sp_...``, ``IDENTITY(`` or ``N'...'`` mean T-SQL; ``COMMENT ON``, ``::``,
    ``serial``/``jsonb``/``timestamptz`` mean PostgreSQL; then ``AUTO_INCREMENT``/``ENGINE=`` (MySQL) and
    ``AUTOINCREMENT``/``PRAGMA`` (SQLite). The hinted dialect goes first and the rest follow in the order
    postgres, mysql, sqlite, tsql: the first under which every statement parses wins.
    """
    hinted: list[str] = []
    if _DELIMITER.search(text):
        hinted.append("mysql")
    scrubbed, _ = scrub(text)
    tsql_scrubbed, _ = scrub(text, "tsql") if "[" in text else (scrubbed, None)
    tsql_hint = _TSQL_HINT.search(scrubbed)
    if "`" in scrubbed:
        hinted.append("mysql")
    if _BRACKET_IDENT.search(scrubbed) or _GO.search(tsql_scrubbed) or tsql_hint:
        hinted.append("tsql")
    if _PG_HINT.search(scrubbed) and not tsql_hint:  # OBJECT::name is T-SQL, not a cast
        hinted.append("postgres")
    if _MYSQL_HINT.search(scrubbed):
        hinted.append("mysql")
    if _SQLITE_HINT.search(scrubbed):
        hinted.append("sqlite")
    order = list(dict.fromkeys(hinted))
    return bool(order), order + [d for d in DIALECTS if d not in order]


@dataclass(frozen=True)
class Segment:
    """A stretch of the file the tokenizer reads on its own; ``start`` is its offset in the file.

    ``whole`` marks a MySQL ``DELIMITER`` block: one statement, however many semicolons it holds.
    """

    start: int
    text: str
    whole: bool = False


def segments(text: str, dialect: str) -> list[Segment]:
    """Split *text* at ``GO`` lines (T-SQL) or at a custom ``DELIMITER`` (MySQL); otherwise one segment."""
    if dialect == "tsql":
        scrubbed, _ = scrub(text, "tsql")
        out: list[Segment] = []
        pos = 0
        for go in _GO.finditer(scrubbed):
            out.append(Segment(pos, text[pos : go.start()]))
            pos = go.end()
        out.append(Segment(pos, text[pos:]))
        return out
    if dialect == "mysql" and _DELIMITER.search(text):
        return _mysql_delimited(text)
    return [Segment(0, text)]


def _mysql_delimited(text: str) -> list[Segment]:
    """Segments of a MySQL file using ``DELIMITER``: ``;`` runs as usual, a custom one ends one statement."""
    scrubbed, _ = scrub(text, "mysql")
    out: list[Segment] = []
    delimiter = ";"
    pos = 0
    directives = list(_DELIMITER.finditer(scrubbed))
    bounds = [(d.start(), d.end(), d.group(1)) for d in directives] + [(len(text), len(text), ";")]
    for start, end, new_delimiter in bounds:
        if delimiter == ";":
            out.append(Segment(pos, text[pos:start]))
        else:
            cut = pos
            while True:
                hit = scrubbed.find(delimiter, cut, start)
                if hit < 0:
                    out.append(Segment(cut, text[cut:start], whole=True))
                    break
                out.append(Segment(cut, text[cut:hit], whole=True))
                cut = hit + len(delimiter)
        delimiter, pos = new_delimiter, end
    return out
