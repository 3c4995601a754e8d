"""Transparent gzip and zstd: recognised by their magic bytes on input, chosen by file name on output.

Crawl data arrives compressed under any name (``.gz``, ``.zst``, none at all), so input is sniffed
rather than trusted to its extension. A stream that ends mid-frame raises :class:`TruncatedError`
instead of quietly yielding a short page, the way a truncated download would otherwise go unnoticed.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import IO, BinaryIO, Literal

import zstandard

Compression = Literal["gzip", "zstd"]
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
SUFFIXES: dict[str, Compression] = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
MAGIC_BYTES = 4  # the longest magic number above
READ_SIZE = 1 << 16


class TruncatedError(EOFError):
    """A compressed stream that ends before its last frame does."""


def sniff_compression(head: bytes) -> Compression | None:
    """The compression whose magic number starts ``head``, if any."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def compression_of_name(name: str | PurePath) -> Compression | None:
    """The compression a file name asks for on output (by its last suffix)."""
    return SUFFIXES.get(PurePath(name).suffix.lower())


def strip_compression_suffix(name: str) -> str:
    """``pages.jsonl.gz`` -> ``pages.jsonl``; names without a compression suffix are unchanged."""
    suffix = PurePath(name).suffix
    return name[: -len(suffix)] if suffix.lower() in SUFFIXES else name


class _GzipReader(io.RawIOBase):
    """Decompress concatenated gzip members a step at a time. A read of ``gzip.GzipFile`` fills its whole buffer and,
    when the stream ends inside a member, raises with all it had decompressed: the complete records before a
    truncated crawl file's last one went with it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._gzip.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._gzip.close()
        super().close()


class _ZstdReader(io.RawIOBase):
    """Decompress concatenated zstd frames; unlike ``zstandard.stream_reader`` it notices truncation."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._decompressor = zstandard.ZstdDecompressor()
        self._frame = self._decompressor.decompressobj()
        self._pending = b""
        self._offset = 0  # bytes of _pending already returned; slicing instead would copy it per read
        self._in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._offset == len(self._pending):
            self._pending, self._offset = b"", 0
            chunk = self._raw.read(READ_SIZE)
            if not chunk:
                if self._in_frame:
                    raise TruncatedError("compressed data ends in the middle of a zstd frame")
                return 0
            while chunk:
                self._in_frame = True
                self._pending += self._frame.decompress(chunk)
                if not self._frame.eof:
                    break
                chunk = self._frame.unused_data
                self._frame = self._decompressor.decompressobj()
                self._in_frame = False
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = self._pending[self._offset : self._offset + size]
        self._offset += size
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_decompressed(raw: IO[bytes]) -> io.BufferedReader:
    """A buffered stream of ``raw``'s decompressed bytes (``raw`` itself, buffered, if it is not compressed)."""
    buffered: io.BufferedReader = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
    compression = sniff_compression(buffered.peek(MAGIC_BYTES)[:MAGIC_BYTES])
    if compression == "gzip":
        return io.BufferedReader(_GzipReader(buffered))
    if compression == "zstd":
        return io.BufferedReader(_ZstdReader(buffered))
    return buffered


@contextmanager
def compressed_writer(raw: BinaryIO, compression: Compression | None) -> Iterator[IO[bytes]]:
    """Write through ``compression`` into ``raw``; ``raw`` stays open for its owner to close."""
    if compression is None:
        yield raw
    elif compression == "gzip":
        # No name, no time: same input, same bytes. Level 6, gzip's own default: 9 (Python's) wrote 22.5 MB/s against
        # 34.3 on 40 MB of the corpus's JSONL, for 0.2316 against 0.2328 of its size, and the output is written by
        # the one main process, whatever --jobs is.
        with gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0, compresslevel=6) as stream:
            yield stream  # type: ignore[misc]
    else:
        with zstandard.ZstdCompressor().stream_writer(raw, closefd=False) as stream:
            yield stream  # type: ignore[misc]
