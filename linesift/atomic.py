"""Write files safely: a file appears complete or not at all, never half written, and never over a file that the
same kind of output did not write.

Model files, cleaned outputs, the training corpus, reports and plots are all written this way, so this module
sits below every other and imports nothing from linesift.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
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
    temporary = None
    # Created inside the block that removes it: a Ctrl-C or SIGTERM (raised as an exception) arriving between its
    # creation and the block would leave it behind.
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; the result should look like any written file
        yield Path(temporary)
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """A text stream that becomes ``path`` only when the block completes; on failure nothing is left."""
    with atomic_path(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as stream:
        yield stream


# The bytes of an existing file that a writer reads to know it as one of its own.
HEAD_BYTES = 4096


class WouldReplaceError(ValueError):
    """Writing a file would replace one that the same kind of output did not write (a user's file, an input)."""


def check_replaceable(path: Path, is_own: Callable[[bytes], bool], own_kind: str, option: str) -> None:
    """Refuse to write ``path`` over a file that is not ``own_kind`` (``is_own`` reads its first bytes).

    Running a command again replaces what it wrote before, but a file of another kind, such as the training data
    given as ``--out`` or a user's file of the same name, is never lost. Call it before any work, so that a long
    run does not end in a refusal. Raises :class:`WouldReplaceError` naming ``option`` and the path.
    """
    if path.is_dir():
        raise WouldReplaceError(f"{option} {path} is a directory: name a file")
    try:
        with open(path, "rb") as existing:
            head = existing.read(HEAD_BYTES)
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise WouldReplaceError(f"{option} {path}: a folder on the path is a file: choose another path") from None
    except OSError as error:
        raise WouldReplaceError(f"{option} {path} exists and cannot be read ({error.strerror}): choose another path") from None
    if not is_own(head):
        raise WouldReplaceError(f"{option} {path} exists and is not {own_kind}: choose another path, or move the file away")
