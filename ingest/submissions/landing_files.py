"""What the landing zone may read: regular files under its root, never through a link.

A steward (or anyone who can write to `incoming/`) controls the names and the links in
it, and the worker can read far more than the landing zone. So:

* a symbolic link is skipped at every level (dataset, scope folder, file) and a local
  file is opened component by component with O_NOFOLLOW, from a descriptor of the
  root, so a link swapped in after the listing is refused too;
* a key of an object store (`s3://...`) must name a child of the landing root: no
  `.`, `..` or empty component;
* what is parsed is a private copy made from that descriptor, so the file cannot
  change between the checks and the parse;
* the folders the worker writes to (processed/, rejected/, reports/) are made and
  checked the same way, so a link planted there cannot send a report or a moved file
  out of the landing zone.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

# Uploads in progress and editor leftovers are not submissions (yet).
_SKIP_PREFIXES = (".", "~$", "_")
_SKIP_SUFFIXES = (".part", ".tmp", ".crdownload", ".filepart")


class UnsafePath(Exception):
    """A path in the landing zone that leads out of it (a link, `..`)."""


@dataclass(frozen=True)
class Waiting:
    """A file waiting in incoming/<dataset>/<scope>/, with its arrival time (the file's
    modification time, or the object's timestamp)."""

    path: object  # ObjectStoragePath
    scope: str
    name: str
    arrived: datetime


def is_local(path) -> bool:
    return path.protocol in ("file", "local", "")


def _parts(root, path) -> list[str]:
    """`path`'s components below `root`; UnsafePath if it is not below it."""
    base = root.path.rstrip("/")
    full = path.path
    if not full.startswith(base + "/"):
        raise UnsafePath(f"{full!r} is not under the landing root")
    parts = full[len(base) + 1 :].split("/")
    if any(p in ("", ".", "..") for p in parts) or posixpath.normpath(full) != full:
        raise UnsafePath(f"{full!r} leaves the landing root")
    return parts


def _open_nofollow(root, path, *, directory: bool = False) -> int:
    """A descriptor of local `path`, opened from the root one component at a time,
    none of them a link (ELOOP otherwise)."""
    parts = _parts(root, path)
    fd = os.open(root.path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW
            if not last or directory:
                flags |= os.O_DIRECTORY
            else:
                flags |= os.O_NONBLOCK  # a FIFO must not block the worker
            child = os.open(part, flags, dir_fd=fd)
            os.close(fd)
            fd = child
        return fd
    except OSError as exc:
        os.close(fd)
        raise UnsafePath(f"{path.path!r}: {exc.strerror}") from None


def writable_folder(root, folder):
    """`folder` (under the root), created if missing, none of its components a link;
    UnsafePath otherwise. Returns `folder`."""
    if not is_local(folder):
        _parts(root, folder)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    fd = os.open(root.path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in _parts(root, folder):
            with suppress(FileExistsError):
                os.mkdir(part, 0o777, dir_fd=fd)
            try:
                child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                raise UnsafePath(f"{folder.path!r}: {part!r}: {exc.strerror}") from None
            os.close(fd)
            fd = child
    finally:
        os.close(fd)
    return folder


def _children(root, folder) -> Iterator[tuple[object, bool, float]]:
    """(path, is_dir, mtime) of `folder`'s entries that are plain files or folders,
    links left out (and logged)."""
    if is_local(folder):
        try:
            fd = _open_nofollow(root, folder, directory=True)
        except UnsafePath as exc:
            log.warning("landing zone: skipped %s", exc)
            return
        try:
            names = sorted(os.listdir(fd))
            for name in names:
                st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                if stat.S_ISLNK(st.st_mode):
                    log.warning("landing zone: skipped the link %r in %s", name, folder)
                elif stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
                    yield folder / name, stat.S_ISDIR(st.st_mode), st.st_mtime
        finally:
            os.close(fd)
        return
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        try:
            _parts(root, child)
        except UnsafePath as exc:
            log.warning("landing zone: skipped %s", exc)
            continue
        if child.is_dir():
            yield child, True, 0.0
        elif child.is_file():
            yield child, False, child.stat().st_mtime


def waiting(root, dataset: str) -> list[Waiting]:
    """The files waiting in incoming/<dataset>/<scope>/, in the order they arrived
    (then scope and name): a correction sent after a file lands after it."""
    base = root / "incoming" / dataset
    if not base.exists():
        return []
    found = []
    for scope_dir, is_dir, _ in _children(root, base):
        if not is_dir:
            continue
        for f, f_is_dir, mtime in _children(root, scope_dir):
            if f_is_dir or f.name.startswith(_SKIP_PREFIXES):
                continue
            if f.name.lower().endswith(_SKIP_SUFFIXES):
                continue
            arrived = datetime.fromtimestamp(mtime, UTC)
            found.append(Waiting(f, scope_dir.name, f.name, arrived))
    return sorted(found, key=lambda w: (w.arrived, w.scope, w.name))


@contextmanager
def private_copy(root, path) -> Iterator[Path]:
    """A private local copy of a landing-zone file, under its own name (the reader
    picks the format by the suffix), read through a descriptor that followed no
    link."""
    with tempfile.TemporaryDirectory(prefix="mwh-landing-") as tmp:
        local = Path(tmp) / path.name
        if is_local(path):
            fd = _open_nofollow(root, path)
            with os.fdopen(fd, "rb") as src:
                if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                    raise UnsafePath(f"{path.path!r} is not a regular file")
                with local.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        else:
            _parts(root, path)
            with path.open("rb") as src, local.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        yield local
