"""Publishing a build all at once, so that an interrupted build changes nothing readers see.

A build never writes where ``kg query``, ``kg viz`` or a person look. It builds a new store
version in ``OUT/.stores/<version>/`` (a hard-linked copy of the published one for an
incremental build, an empty one for a full build) and writes the new ``graph.ttl``,
``graph.trig``, ``graph.html`` and fingerprint into ``OUT/.staging/``. Only when all of that
is on disk does it write the manifest ``OUT/.staging/PUBLISH``: the commit point. Then it moves
the outputs into place, the store by re-pointing the symbolic link ``OUT/store`` (one atomic
rename, so a reader opens either the old store or the new one), each file by a rename.

A build stopped before the manifest exists (Ctrl-C, SIGTERM, ``kill -9``, power loss) has
touched nothing published; the next build removes what it left. A build stopped while moving
has written the manifest, and the next build finishes the moves before anything else. Builds
into one folder take turns through ``OUT/.build.lock`` (``flock``: the kernel releases it
when the process dies, however it dies).

Cost, measured on 300 generated articles (a 22 MB store, two cores): copying the store is a
RocksDB checkpoint of hard links, about 40 ms more than opening it in place, and publishing
about 10 ms; together some 4 % of a rebuild where nothing changed (1.1 s) and 1 % of a full
build. On disk, the previous and the new store both exist until the new one is published.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.export import write_atomically
from kg.store import STORE_DIRNAME, GraphStore

STAGING_DIRNAME = ".staging"
STORES_DIRNAME = ".stores"
MANIFEST = "PUBLISH"
LOCK_FILE = ".build.lock"


class Staging:
    """Where one build writes: a new store version and a folder of outputs to publish."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.dir = out_dir / STAGING_DIRNAME
        version = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        self.store_dir = out_dir / STORES_DIRNAME / version

    def path(self, name: str) -> Path:
        """Where to write the output that will be published as ``OUT/name``."""
        return self.dir / name

    def new_store(self, *, copy_published: bool) -> GraphStore:
        """The store this build writes to: a copy of the published store, or an empty one.

        Raises :class:`KGError` when the published store cannot be copied (the caller may
        then build everything into an empty store instead).
        """
        published = self.out_dir / STORE_DIRNAME
        if copy_published:
            if not published.is_dir():
                raise KGError(f"the previous store {published} is missing")
            try:
                ox.Store.read_only(str(published)).backup(str(self.store_dir))
            except OSError as exc:
                shutil.rmtree(self.store_dir, ignore_errors=True)
                raise KGError(f"cannot copy the previous store in {published}: {exc}") from exc
        self.store_dir.parent.mkdir(parents=True, exist_ok=True)
        return GraphStore(ox.Store(str(self.store_dir)), self.store_dir)

    def publish(self, names: list[str]) -> None:
        """Commit: record what to move, then move the store and the staged files ``names`` into place.

        The caller must have dropped its :class:`GraphStore` of the new store first, so no
        reader ever opens a store that a writer still holds.
        """
        manifest = {"store": str(self.store_dir.relative_to(self.out_dir)), "files": names}
        write_atomically(self.dir / MANIFEST, json.dumps(manifest).encode())
        _fsync_dir(self.dir)
        recover(self.out_dir)


@contextmanager
def staged_build(out_dir: Path) -> Iterator[Staging]:
    """Hold ``out_dir``'s build lock, finish or clear any interrupted build, and stage a new one.

    Nothing is cleaned up when the body raises: a build interrupted by an exception is
    treated like one that was killed, by the next build's :func:`recover`.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_FILE, "a+b") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise KGError(f"another `kg build` is writing to {out_dir}; wait until it has finished") from exc
        recover(out_dir)
        staging = Staging(out_dir)
        staging.dir.mkdir()
        yield staging


def recover(out_dir: Path) -> None:
    """Finish a build that reached its commit point; remove what any other build left.

    Safe to repeat at any point: every step checks what is already done. The caller holds the lock.
    """
    staging = out_dir / STAGING_DIRNAME
    manifest = staging / MANIFEST
    if manifest.is_file():
        plan = json.loads(manifest.read_text(encoding="utf-8"))
        if (out_dir / plan["store"]).is_dir():
            _point_store(out_dir, plan["store"])
        for name in plan["files"]:
            if (staging / name).exists():
                os.replace(staging / name, out_dir / name)
        _fsync_dir(out_dir)
    shutil.rmtree(staging, ignore_errors=True)
    stores = out_dir / STORES_DIRNAME
    published = (out_dir / STORE_DIRNAME).resolve()
    if stores.is_dir():
        for version in stores.iterdir():
            if version.resolve() != published:
                shutil.rmtree(version, ignore_errors=True)


def _point_store(out_dir: Path, target: str) -> None:
    """Make ``OUT/store`` a symbolic link to ``target`` (relative to ``out_dir``) in one rename."""
    link = out_dir / STORE_DIRNAME
    if link.is_dir() and not link.is_symlink():
        # a store written in place by an earlier version of kg: retired like any old version
        link.rename(out_dir / STORES_DIRNAME / f"in-place-{secrets.token_hex(4)}")
    temporary = out_dir / f".{STORE_DIRNAME}.link"
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, link)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
