"""Open files and stdin for reading, and decode text refusing what is not text."""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

BINARY_SNIFF_BYTES = 8192  # a NUL byte this early means the file is binary, not text
# Byte order marks and the codecs that read past them. Text saved by Windows tools ("Unicode" in Notepad, a
# redirect in Windows PowerShell) is UTF-16 with a mark; UTF-32's little-endian mark begins with UTF-16's, so
# it is tried first.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WIDE = frozenset(("utf-16", "utf-32"))
STDIN = "-"
STDIN_NAME = "<stdin>"  # how messages name stdin


class InputError(ValueError):
    """Input a user gave that cannot be read as text; the message names it."""


class MissingExtraError(InputError):
    """An input format whose optional dependencies are not installed; the message says what to install."""


def bom_encoding(data: bytes) -> str | None:
    """The codec named by the byte order mark ``data`` starts with (one that skips the mark), or None."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


class _Utf8Of(io.RawIOBase):
    """A stream of UTF-16 or UTF-32 text, its byte order mark first, read as UTF-8 bytes; a unit that does not decode
    raises :class:`UnicodeDecodeError`."""

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder(encoding)()  # reads the mark, and leaves it out
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            data = self._stream.read(len(buffer))
            self._pending = self._decoder.decode(data, final=not data).encode("utf-8")
            if not data:
                break
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size


def utf8_lines(stream: IO[bytes], head: bytes) -> IO[bytes]:
    """``stream``, or its UTF-8 when it opens (``head``, its first bytes) with a UTF-16 or UTF-32 byte order mark, so
    that it splits into lines at its line breaks (JSONL saved by Windows PowerShell or Notepad as "Unicode")."""
    encoding = bom_encoding(head)
    return io.BufferedReader(_Utf8Of(stream, encoding)) if encoding in _WIDE else stream


def decode_text(data: bytes, name: str, strict: bool = False) -> tuple[str, str | None]:
    """Decode UTF-8 bytes, with a warning when they are not valid UTF-8 (an error when ``strict``): text in a
    legacy encoding (cp1252, cp1251...) is decoded in the one its bytes fit best, and UTF-8 with a few broken
    bytes has them replaced with U+FFFD. Text that opens with a UTF-16 or UTF-32 byte order mark is decoded
    as the mark says."""
    encoding = bom_encoding(data)
    if encoding in _WIDE:
        return _decode_marked(data, encoding, name, strict)
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError(f"{name}: binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0  # the codec counts after it
        where = f"byte {error.start + bom}"
        if strict:
            raise InputError(f"{name}: not valid UTF-8 at {where}") from None
        replaced = data.decode("utf-8-sig", errors="replace")
        legacy = _legacy_decoding(data, replaced)
        if legacy is not None:
            text, encoding = legacy
            return text, f"{name}: not valid UTF-8 at {where}; decoded as {encoding}, the encoding its bytes fit best"
        return replaced, f"{name}: not valid UTF-8 at {where}; invalid bytes replaced with U+FFFD"


def _decode_marked(data: bytes, encoding: str, name: str, strict: bool) -> tuple[str, str | None]:
    """``data`` in the UTF-16 or UTF-32 its byte order mark names; broken units are replaced with U+FFFD, with a
    warning (an error when ``strict``)."""
    label = encoding.upper()
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as error:
        where = f"{label} at byte {error.start}"
        if strict:
            raise InputError(f"{name}: not valid {where}") from None
        return data.decode(encoding, errors="replace"), f"{name}: not valid {where}; invalid bytes replaced with U+FFFD"


# The legacy encodings of the web (the WHATWG Encoding Standard's, in Python's names), most used first. Detection picks
# among these only: of all the code pages it knows, charset-normalizer can rank an old DOS one first (cp775 for French
# or English text in windows-1252), which no web page is written in. The standard reads iso-8859-1 as windows-1252.
_WEB_LEGACY_ENCODINGS = ("cp1252", "cp1251", "gb18030", "shift_jis", "euc_kr", "cp1250", "big5", "euc_jp", "cp1256",
                         "cp1254", "cp1253", "iso8859_2", "cp1255", "cp1257", "koi8_r", "cp874", "cp1258", "iso8859_15",
                         "iso8859_5", "koi8_u", "cp866", "gbk", "iso2022_jp", "iso8859_3", "iso8859_4", "iso8859_6",
                         "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_16", "mac_roman",
                         "mac_cyrillic")


def mostly_utf8(replaced: str) -> bool:
    """Whether bytes that are not valid UTF-8, decoded as UTF-8 with U+FFFD for what breaks (``replaced``), are
    UTF-8 with a few stray bytes: as many of their non-ASCII characters decode as break. A legacy decoding would
    garble the characters that decode."""
    broken = replaced.count("\ufffd")
    non_ascii = len(replaced) - len(replaced.encode("ascii", errors="ignore"))  # counted without a list of matches
    return non_ascii - broken >= broken


def _legacy_decoding(data: bytes, replaced: str) -> tuple[str, str] | None:
    """``data`` decoded in the legacy encoding it fits best, and that encoding's name; None when it is mostly
    UTF-8 (see :func:`mostly_utf8`) or no legacy encoding fits."""
    return None if mostly_utf8(replaced) else web_legacy_decoding(data)


def web_legacy_decoding(data: bytes) -> tuple[str, str] | None:
    """``data`` decoded in the legacy web encoding its bytes fit best, and that encoding's name; None when none fits."""
    import charset_normalizer  # only for text that is not UTF-8: rare, and the import takes time

    matches = charset_normalizer.from_bytes(data, cp_isolation=list(_WEB_LEGACY_ENCODINGS))
    best = matches.best()
    if best is None:
        return None
    # Encodings that share a script often decode a text equally cleanly (cp1250, cp1252 and cp1257 for French), and
    # the language guess that ranks them is unsure on a short text: the one the web uses most wins the tie, as
    # browsers fall back to windows-1252 for Western text. A match stands for every encoding that gives its very text.
    tied = [(_WEB_LEGACY_ENCODINGS.index(encoding), str(match)) for match in matches if match.chaos == best.chaos
            for encoding in match.could_be_from_charset if encoding in _WEB_LEGACY_ENCODINGS]
    rank, text = min(tied, key=lambda candidate: candidate[0])
    return text, _WEB_LEGACY_ENCODINGS[rank]


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
