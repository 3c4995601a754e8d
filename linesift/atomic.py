"""Write files atomically: a file appears complete or not at all, never half written.

Model files, cleaned outputs, the training corpus, reports and plots are all written this way, so this module
sits below every other and imports nothing from linesift.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

# The process's umask, read once: the only way to read it is to set it.
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that becomes ``path`` only when the block completes.

    For writers that open files themselves (Parquet, compressed streams); on failure nothing is left.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; the result should look like any written file
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """A text stream that becomes ``path`` only when the block completes; on failure nothing is left."""
    with atomic_path(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as stream:
        yield stream
