"""Exports in progress are written in the private temporary folder, never beside their
target: a half-written file never appears where the user looks (a USB stick), and a crash
leaves it only in the owner-only folder, which is emptied at the next start."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from missiondesk.paths import private_temp_dir
from missiondesk.store.errors import FolderMissing


@contextmanager
def staged_file(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes `target`, else it is removed.

    Raises FolderMissing (an OSError too) when the folder meant to hold `target` does not
    exist, before anything is written."""
    target = Path(target)
    folder = target.absolute().parent
    if not folder.is_dir():
        raise FolderMissing(path=str(folder))
    fd, name = tempfile.mkstemp(dir=private_temp_dir(), suffix=target.suffix)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        _move_into_place(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _move_into_place(temp: Path, target: Path) -> None:
    try:
        os.replace(temp, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    # Another device (a USB stick): copy beside the target, flush, then rename atomically.
    partial = target.with_name("." + target.name + ".partial")
    try:
        shutil.copyfile(temp, partial)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
