"""Stream the records of a JSON file without loading it: arrays, JSON Lines and API wrappers.

:func:`json.load` on a 2 GB export would need several times that in memory, and the standard library
has no incremental parser; :meth:`json.JSONDecoder.raw_decode` over a growing buffer is one, as long as
each record fits in :data:`MAX_RECORD_CHARS`. Recognised shapes:

* ``[{...}, {...}]`` (a top-level array of objects);
* ``{...}\\n{...}`` (JSON Lines / NDJSON, or objects merely concatenated);
* ``{"totalSize": 2, "records": [{...}, {...}]}`` (one object wrapping one array of objects, as the
  Salesforce and HubSpot APIs return; this one is loaded whole, so it is capped at
  :data:`MAX_RECORD_CHARS`, as is any single record).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

CHUNK_CHARS = 1024 * 1024
MAX_RECORD_CHARS = 64 * 1024 * 1024
_WHITESPACE = " \t\r\n"


class JsonShapeError(ValueError):
    """The file is not JSON records; the message names a position, never a value."""


class _Buffer:
    """A text window over a stream that grows (doubling) until the next value fits."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.text = ""
        self.pos = 0
        self.offset = 0  # characters dropped from the front, to report absolute positions
        self.eof = False
        self._decoder = json.JSONDecoder()

    @property
    def consumed(self) -> int:
        """Characters read and parsed so far."""
        return self.offset + self.pos

    def _fill(self) -> bool:
        if self.eof:
            return False
        if self.pos > CHUNK_CHARS:
            self.offset += self.pos
            self.text, self.pos = self.text[self.pos :], 0
        pending = len(self.text) - self.pos
        if pending > MAX_RECORD_CHARS:
            raise JsonShapeError(
                f"a record near character {self.consumed} is larger than 64 MB (or the JSON is broken)"
            )
        more = self.stream.read(max(CHUNK_CHARS, pending))
        if not more:
            self.eof = True
            return False
        self.text += more
        return True

    def peek(self) -> str:
        """The next non-whitespace character, or ``""`` at the end."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        """Consume *char* (after whitespace)."""
        if self.peek() != char:
            raise JsonShapeError(f"expected '{char}' at character {self.consumed}")
        self.pos += 1

    def value(self) -> Any:
        """The next complete JSON value."""
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                raise JsonShapeError(
                    f"invalid JSON at character {self.offset + exc.pos}: {exc.msg}"
                ) from None
            if end == len(self.text) and self._fill():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value


def iter_records(stream: TextIO) -> Iterator[dict[str, Any]]:
    """The objects of *stream* in file order, in any of the shapes in the module docstring."""
    buffer = _Buffer(stream)
    first = buffer.peek()
    if first == "[":
        yield from _array(buffer)
    elif first == "{":
        yield from _objects(buffer)
    elif first:
        raise JsonShapeError("expected an array of objects or one object per line")


def _array(buffer: _Buffer) -> Iterator[dict[str, Any]]:
    buffer.expect("[")
    if buffer.peek() == "]":
        return
    number = 0
    while True:
        number += 1
        yield _as_record(buffer.value(), number)
        if buffer.peek() == ",":
            buffer.pos += 1
            continue
        buffer.expect("]")
        return


def _objects(buffer: _Buffer) -> Iterator[dict[str, Any]]:
    first = _as_record(buffer.value(), 1)
    if buffer.peek() == "":
        inner = _wrapped_records(first)
        yield from inner if inner is not None else [first]
        return
    yield first
    number = 1
    while buffer.peek():
        number += 1
        yield _as_record(buffer.value(), number)


def _wrapped_records(obj: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The one array of objects inside an API response wrapper, if that is what *obj* is."""
    arrays = [v for v in obj.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    return arrays[0] if len(arrays) == 1 else None


def _as_record(value: Any, number: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise JsonShapeError(f"record {number} is not a JSON object")
    return value


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """Nested objects become dotted keys (``address.city``); arrays become their JSON text.

    A scanner needs one value per column: ``address.city`` can be classified as a city, a nested dict
    cannot. Arrays stay whole (as JSON) so a list of e-mail addresses is still one column to look at.
    """
    out: dict[str, Any] = {}
    _flatten_into(record, "", out)
    return out


def _flatten_into(obj: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in obj.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            _flatten_into(value, name, out)
        elif isinstance(value, (list, dict)):
            out[name] = json.dumps(value, ensure_ascii=False) if value else None
        else:
            out[name] = value
