"""The fact cache: one SQLite file in a per-user folder, outside every repository.

A checkout must not decide its own findings, and must not make the tool write anywhere: so
the cache is never inside the repository (a `.preflight_cache/` that comes with a checkout is
ignored), its folder must be a real folder owned by the user and writable by nobody else, and
every entry is decoded by the shape-checking codec in facts.py (a bad entry is a miss).

Where: `$PREFLIGHT_CACHE_DIR`, else `$XDG_CACHE_HOME/gcp-preflight`, else
`~/.cache/gcp-preflight`. Entries are keyed by the content hash of the file, its path, the
readers that read it and the tool's own code, so one store serves every repository.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from gcp_preflight import facts

STORE_NAME = "facts-v2.sqlite3"
KEEP_DAYS = 30  # an entry no run has used for this long is dropped
_BATCH = 500  # SQLite's limit on host parameters is 999 in old builds


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    explicit = environ.get("PREFLIGHT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gcp-preflight"


def _private_folder(path: Path) -> str | None:
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
    """get_many/put_many of encoded facts; any failure makes the cache quietly absent (a
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
        self.problem = _private_folder(self.folder)
        if self.problem:
            return None
        import sqlite3

        path = self.folder / STORE_NAME
        for attempt in (1, 2):
            try:
                db = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                           " used INTEGER NOT NULL) WITHOUT ROWID")
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
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
        self._db.execute("DELETE FROM facts WHERE used < ?", (today - KEEP_DAYS,))
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (today,))

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple]:
        """The decoded facts of every key found; a key whose entry does not decode is a miss."""
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
                        found[key] = facts.loads(value)
                    except (ValueError, TypeError, RecursionError, LookupError, AttributeError):
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

    def put_many(self, items: Iterable[tuple[str, Sequence[object]]]) -> None:
        db = self._connect()
        if db is None:
            return
        import sqlite3

        today = _today()
        rows = []
        for key, value in items:
            try:
                rows.append((key, facts.dumps(tuple(value)), today))
            except (TypeError, ValueError, RecursionError):
                continue  # not cacheable: parsed again next time
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

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
