"""Static sites built from the warehouse (GX Data Docs, the situation report): each is
built in a sibling folder and swapped in, so a reader sees the old site or the new one,
never half of one."""

from __future__ import annotations

import fcntl
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def building(out_dir: Path) -> Iterator[Path]:
    """A fresh sibling folder of `out_dir` to build the site in; when the block ends
    without an error it replaces `out_dir` (`swap_into_place`), otherwise it is removed
    and `out_dir` stays as it was."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # Not mkdtemp: its 0700 would keep a web server under another user out.
    tmp = out_dir.parent / f".{out_dir.name}.new-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
        swap_into_place(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # only left when the build failed


def swap_into_place(new: Path, out_dir: Path) -> None:
    """`new` becomes `out_dir`. A directory cannot replace a non-empty one in one
    rename: move the old site aside, the new one in, then delete the old. The lock
    keeps two builders (a DAG task and the CLI) from swapping at the same time."""
    with open(out_dir.parent / f".{out_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = out_dir.parent / f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}"
        if out_dir.exists():
            out_dir.rename(old)
        new.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
