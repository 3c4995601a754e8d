"""Open files and stdin for reading, and decode text refusing what is not text."""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

BINARY_SNIFF_BYTES = 8192  # a NUL byte this early means the file is binary, not text
STDIN = "-"
STDIN_NAME = "<stdin>"  # how messages name stdin


class InputError(ValueError):
    """Input a user gave that cannot be read as text; the message names it."""


class MissingExtraError(InputError):
    """An input format whose optional dependencies are not installed; the message says what to install."""


def decode_text(data: bytes, name: str, strict: bool = False) -> tuple[str, str | None]:
    """Decode UTF-8 bytes; invalid bytes become U+FFFD and a warning is returned (an error when ``strict``)."""
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError(f"{name}: binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0  # the codec counts after it
        where = f"byte {error.start + bom}"
        if strict:
            raise InputError(f"{name}: not valid UTF-8 at {where}") from None
        return data.decode("utf-8-sig", errors="replace"), f"{name}: not valid UTF-8 at {where}; invalid bytes replaced with U+FFFD"


@contextmanager
def _reading(name: str) -> Iterator[None]:
    """Turn the ways opening or reading ``name`` fails into an :class:`InputError` naming it."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror})") from None


class RereadableStdin(io.RawIOBase):
    """Standard input, which can be read only once: what is read inside :meth:`given_back` is read again after it.

    Telling JSONL from a text page on stdin means reading its first lines, and the reader that
    cleans it must see them too.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self._pending = b""  # given back, not yet read again
        self._offset = 0
        self._kept: bytearray | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._offset < len(self._pending):
            size = min(len(buffer), len(self._pending) - self._offset)
            buffer[:size] = self._pending[self._offset : self._offset + size]
            self._offset += size
        else:
            self._pending, self._offset = b"", 0
            data = self.stream.read1(len(buffer))  # type: ignore[attr-defined]
            size = len(data)
            buffer[:size] = data
        if self._kept is not None:
            self._kept += buffer[:size]
        return size

    @contextmanager
    def given_back(self) -> Iterator[None]:
        """Keep what is read inside the block, for the next reader to read again."""
        self._kept = bytearray()
        try:
            yield
        finally:
            self._pending, self._offset = bytes(self._kept) + self._pending[self._offset :], 0
            self._kept = None

    def close(self) -> None:
        """Left open: the process's stdin is not ours to close, and a later reader may still need it."""


_stdin: RereadableStdin | None = None


def stdin() -> RereadableStdin:
    """This process's standard input, shared by all its readers so that bytes given back are not lost."""
    global _stdin
    if _stdin is None or _stdin.stream is not sys.stdin.buffer:  # a new stdin (a test runner swaps it)
        _stdin = RereadableStdin(sys.stdin.buffer)
    return _stdin


@contextmanager
def open_binary(name: str) -> Iterator[IO[bytes]]:
    """File ``name`` (``-`` for stdin) open for binary reading; stdin is left open afterwards."""
    if name == STDIN:
        yield stdin()  # type: ignore[misc]  # a raw stream; readers buffer it
        return
    with _reading(name):
        stream = open(name, "rb")  # noqa: SIM115 - opened inside the error mapping, closed by the block below
    with stream:
        yield stream
