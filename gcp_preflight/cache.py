"""The fact cache: one SQLite file in a per-user folder, outside every repository.

A checkout must not decide its own findings, and must not make the tool write anywhere: so
the cache is never inside the repository (a `.preflight_cache/` that comes with a checkout is
ignored), its folder must be a real folder owned by the user and writable by nobody else, and
every entry is read by the restricted loader of facts.py, which builds facts and nothing else
(an entry it refuses is a miss).

Where: `$PREFLIGHT_CACHE_DIR`, else `$XDG_CACHE_HOME/gcp-preflight`, else
`~/.cache/gcp-preflight`. Entries are keyed by the content hash of the file, its path, the
readers that read it and the tool's own code, so one store serves every repository.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from gcp_preflight import facts

# v3: entries are restricted pickles (facts.py), not JSON. v4: facts and runs are rowid tables.
STORE_NAME = "facts-v4.sqlite3"
OLD_STORES = ("facts-v3.sqlite3",)  # removed when the new store is made: nothing reads them
KEEP_DAYS = 30  # an entry no run has used for this long is dropped
_BATCH = 500  # SQLite's limit on host parameters is 999 in old builds


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    explicit = environ.get("PREFLIGHT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gcp-preflight"


def private_folder(path: Path) -> str | None:
    """Create `path` (mode 0700) if needed; None when it is safe to use, else why not."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError as exc:
        return f"cannot create {path}: {exc.strerror or exc}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{path} is not a folder (a link or a file)"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return f"{path} belongs to another user"
    if info.st_mode & 0o022:
        return f"{path} is writable by other users"
    return None


def _today() -> int:
    return int(time.time() // 86400)


class FactStore:
    """get_many/put_encoded of encoded facts; any failure makes the cache quietly absent (a
    read-only home still gets checked, just without a cache), and `problem` says why."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or cache_dir()
        self.problem: str | None = None
        self.hits = 0
        self.misses = 0
        self._db = None
        self._opened = False

    def _connect(self):
        if self._opened:
            return self._db
        self._opened = True
        self.problem = private_folder(self.folder)
        if self.problem:
            return None
        import sqlite3

        path = self.folder / STORE_NAME
        if not path.exists():
            for old in OLD_STORES:
                for suffix in ("", "-wal", "-shm"):
                    try:
                        os.unlink(self.folder / (old + suffix))
                    except OSError:
                        pass
        for attempt in (1, 2):
            try:
                db = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                # Rowid tables for the entries (a file's facts: 17 KB on average): in a WITHOUT
                # ROWID table large rows sit in the key's B-tree, and reading the scale-1
                # benchmark's 3,700 entries took 0.08-0.2 s instead of 0.025 s.
                db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
                           " used INTEGER NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
                # What was learnt of each file the last time it was listed with this size, mtime and
                # inode: its content hash and which readers want it (git's and ruff's fast path).
                db.execute("CREATE TABLE IF NOT EXISTS files (root TEXT NOT NULL, rel TEXT NOT NULL,"
                           " readers TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
                           " ino INTEGER NOT NULL, digest TEXT NOT NULL, wanting TEXT NOT NULL,"
                           " used INTEGER NOT NULL, PRIMARY KEY (root, rel, readers)) WITHOUT ROWID")
                # Whole results, for a tree in which nothing changed (engine.py).
                db.execute("CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
                           " used INTEGER NOT NULL)")
                self._db = db
                self._prune()
                return db
            except sqlite3.DatabaseError as exc:  # a corrupt or foreign file: start again once
                self.problem = f"{path}: {exc}"
                if attempt == 1:
                    try:
                        os.unlink(path)
                    except OSError:
                        return None
        return None

    def _prune(self) -> None:
        today = _today()
        row = self._db.execute("SELECT value FROM meta WHERE name = 'pruned'").fetchone()
        if row and row[0] >= today:
            return
        for table in ("facts", "files", "runs"):
            self._db.execute(f"DELETE FROM {table} WHERE used < ?", (today - KEEP_DAYS,))
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (today,))

    def get_many(self, keys: Sequence[str], decode: Callable[[bytes], Any] = facts.loads) -> dict[str, Any]:
        """The decoded entry of every key found; a key whose entry does not decode (`decode`
        raises a ValueError: facts.CacheShapeError) is a miss."""
        db = self._connect()
        found: dict[str, tuple] = {}
        if db is None or not keys:
            self.misses += len(keys)
            return found
        import sqlite3

        stale: list[str] = []
        today = _today()
        try:
            for start in range(0, len(keys), _BATCH):
                chunk = keys[start:start + _BATCH]
                marks = ",".join("?" * len(chunk))
                for key, value, used in db.execute(f"SELECT key, value, used FROM facts WHERE key IN ({marks})", chunk):
                    try:
                        found[key] = decode(value)
                    except ValueError:  # facts.CacheShapeError
                        continue  # wrong shape: a miss, parsed again and overwritten
                    if used < today:
                        stale.append(key)
            for start in range(0, len(stale), _BATCH):
                chunk = stale[start:start + _BATCH]
                db.execute(f"UPDATE facts SET used = ? WHERE key IN ({','.join('?' * len(chunk))})", (today, *chunk))
        except sqlite3.Error as exc:
            self.problem = str(exc)
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_encoded(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Entries already encoded by facts.dumps (where they were read: in a worker)."""
        db = self._connect()
        if db is None:
            return
        import sqlite3

        today = _today()
        rows = [(key, text, today) for key, text in items]
        try:
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            self.problem = str(exc)
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def file_rows(self, root: str, readers: str) -> dict[str, tuple[int, int, int, str, str]]:
        """rel -> (size, mtime_ns, ino, digest, wanting) as last recorded for this root."""
        db = self._connect()
        if db is None:
            return {}
        import sqlite3

        try:
            return {rel: (size, mtime, ino, digest, wanting) for rel, size, mtime, ino, digest, wanting in db.execute(
                "SELECT rel, size, mtime_ns, ino, digest, wanting FROM files WHERE root = ? AND readers = ?",
                (root, readers))}
        except sqlite3.Error as exc:
            self.problem = str(exc)
            return {}

    def put_file_rows(self, root: str, readers: str, rows: list[tuple[str, int, int, int, str, str]]) -> None:
        db = self._connect()
        if db is None or not rows:
            return
        import sqlite3

        today = _today()
        try:
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(root, rel, readers, size, mtime, ino, digest, wanting, today)
                            for rel, size, mtime, ino, digest, wanting in rows])
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            self.problem = str(exc)

    def get_run(self, key: str) -> tuple | None:
        db = self._connect()
        if db is None:
            return None
        import sqlite3

        try:
            row = db.execute("SELECT value, used FROM runs WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            if row[1] < _today():
                db.execute("UPDATE runs SET used = ? WHERE key = ?", (_today(), key))
            return facts.loads(row[0])
        except (sqlite3.Error, ValueError):
            return None

    def put_run(self, key: str, value: Sequence[object]) -> None:
        db = self._connect()
        if db is None:
            return
        import sqlite3

        try:
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?)", (key, facts.dumps(tuple(value)), _today()))
        except (sqlite3.Error, TypeError, ValueError) as exc:
            self.problem = str(exc)

    def close(self) -> None:
        """Closed until used again (the shell link step stores its results after the files')."""
        if self._db is not None:
            self._db.close()
            self._db = None
            self._opened = False
