"""The outputs a run may write under ``--output-dir``: never onto an input, never one output twice.

Outputs mirror the inputs' paths (:func:`linesift.io.sinks.output_relative`), so a careless output
directory could replace the inputs themselves, and two inputs could share one output name
(``page.html`` and ``page.txt`` both give ``page.txt``). :class:`OutputPlan` refuses both with an
:class:`InputError` naming the files: for the output directory and the files named on the command
line before anything is written; for the files found in directories as the walk reaches them,
before their output is written. A file already where an output goes is refused too, unless the run
may ``overwrite`` (to replace the outputs of an earlier run): a folder may hold a user's own files.
Writing one output twice in one run, or over an input, is refused even then.

Two inputs can share an output only inside one output directory, since outputs mirror directories.
So the plan keeps the output names of the directory being written, and those of the files named on
the command line: memory follows the largest directory, as the walk's own listing does, not the
corpus. When an input directory writes into an output directory that an earlier input directory
already wrote into, the earlier one's names are read again from that one directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from linesift.io.sinks import output_relative
from linesift.io.sources import Input, InputKind, find_inputs, inputs_in
from linesift.io.text import InputError

OutputOf = Callable[[Input], PurePosixPath]  # an input's output path under the output directory
_TOP = PurePosixPath(".")  # where the outputs of files named on the command line go


def same_file(path: str | os.PathLike[str], other: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file, through symlinks, hard links and ``..`` alike."""
    try:
        return os.path.samefile(path, other)
    except OSError:  # one of them does not exist
        return False


def report_replaces_output(report: Path, page: str, kind: InputKind, output_dir: Path | None, line_records: bool) -> Path | None:
    """The output of ``page``, named on the command line, if ``report`` is that very path (so the run would replace it)."""
    if output_dir is None:
        return None
    output = output_dir / output_relative(PurePosixPath(Path(page).name), kind, line_records)
    return output if os.path.realpath(output) == os.path.realpath(report) else None


def _file_id(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:  # no such file yet
        return None
    return status.st_dev, status.st_ino


class OutputPlan:
    """Checks every output of a run before it is written; ``output_of`` opens an input to name its output."""

    def __init__(self, names: list[str], output_dir: Path, pattern: str, output_of: OutputOf, overwrite: bool = False) -> None:
        self._output_dir = output_dir
        self._overwrite = overwrite
        self._pattern = pattern
        self._output_of = output_of
        self._input_dirs = [(index, name, os.path.realpath(name)) for index, name in enumerate(names) if os.path.isdir(name)]
        self._walked = {index for index, _, _ in self._input_dirs}
        # Regular files are claimed up front; stdin and other streams only when read, as reading consumes them.
        self._claimed_first = {index for index, name in enumerate(names) if os.path.isfile(name)}
        self._named_files = [item for index in sorted(self._claimed_first) for item in find_inputs([names[index]])]
        self._named_ids = {_file_id(item.path): item.name for item in self._named_files}
        self._named: dict[PurePosixPath, str] = {}  # outputs of files named on the command line: input name
        self._here: dict[PurePosixPath, str] = {}  # outputs of the output directory being written: input name
        self._directory: PurePosixPath | None = None
        self._directory_root = -1  # the index of the input directory writing there
        # Output directories finished, to notice a second input directory writing into one; only kept
        # while another input directory follows, so one directory walked costs one directory's names.
        self._written: set[PurePosixPath] = set()

    def check(self) -> None:
        """Refuse, before anything is written, an output directory that is a file or inside an input directory, and
        the named files' clashes."""
        if os.path.exists(self._output_dir) and not os.path.isdir(self._output_dir):
            raise InputError(f"--output-dir {self._output_dir} is a file, not a directory: choose a directory")
        self._refuse_inside_input(self._output_dir, f"--output-dir {self._output_dir}")
        for item in self._named_files:
            self._claim(self._named, item, self._output_of(item))

    def claim(self, index: int, item: Input, output: PurePosixPath) -> None:
        """Refuse ``item``, found under ``names[index]``, if its ``output`` is an input or already written in this run."""
        if index not in self._walked:
            if index not in self._claimed_first:
                self._claim(self._named, item, output)
            return
        if output.parent != self._directory:
            self._enter(index, output.parent)
        if output.parent == _TOP and output in self._named:
            self._refuse_clash(self._named[output], item, output)
        self._claim(self._here, item, output)

    def _claim(self, claims: dict[PurePosixPath, str], item: Input, output: PurePosixPath) -> None:
        if output in claims:
            self._refuse_clash(claims[output], item, output)
        target = self._output_dir / output
        if self._named_ids:
            replaced = self._named_ids.get(_file_id(target))
            if replaced is not None:
                raise InputError(f"the output {target} would replace the input {replaced}: choose another --output-dir")
        if os.path.isdir(target):  # no run wrote it, and no run replaces it
            raise InputError(f"the output {target} is a directory: choose another --output-dir")
        if not self._overwrite and os.path.lexists(target):
            raise InputError(f"the output {target} exists: pass --overwrite to replace the outputs of an earlier run, "
                             "or choose another --output-dir")
        claims[output] = item.name

    def _enter(self, index: int, directory: PurePosixPath) -> None:
        if self._directory is not None and self._directory_root < self._input_dirs[-1][0]:
            self._written.add(self._directory)
        self._directory, self._directory_root, self._here = directory, index, {}
        self._refuse_inside_input(self._output_dir / directory, f"the output directory {self._output_dir / directory}")
        if directory in self._written:  # an earlier input directory wrote here: its names, again
            for _, earlier, _ in (d for d in self._input_dirs if d[0] < index):
                for item in inputs_in(earlier, directory, self._pattern):
                    self._here.setdefault(self._output_of(item), item.name)

    def _refuse_inside_input(self, directory: Path, described: str) -> None:
        real = os.path.realpath(directory)
        for _, name, root in self._input_dirs:
            if os.path.commonpath([real, root]) == root:
                raise InputError(f"{described} is inside the input directory {name}: outputs would replace inputs "
                                 "or be read back as inputs; choose a directory outside it")

    def _refuse_clash(self, first: str, item: Input, output: PurePosixPath) -> None:
        raise InputError(f"{first} and {item.name} would both be written to {self._output_dir / output}: "
                         "clean them into separate output directories")
