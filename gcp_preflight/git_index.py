"""The paths git's index lists, read from `.git/index` as a file: git is not run.

A walk needs them for one thing: git ignores `.gitignore` for a file it tracks (a committed
`requirements.txt` under a `*.txt` pattern is deployed all the same), so such a file is not
left out. Reading the index is a bounded, static parse (format: git's
Documentation/gitformat-index.txt, versions 2 to 4, SHA-1 or SHA-256 object names); anything
unexpected (a `.git` file of a worktree, a link, a truncated or foreign index) gives None, and
the walk follows `.gitignore` alone, as before.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from gcp_preflight import safe_io

MAX_INDEX_BYTES = 256 << 20
_STAT_BYTES = 40  # ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each)
_EXTENDED = 0x4000
_NAME_MASK = 0x0FFF


def index_paths(root: Path) -> frozenset[str] | None:
    """The paths of the index of the repository whose work tree is `root`, or None."""
    git = root / ".git"
    try:
        if not stat.S_ISDIR(os.lstat(git).st_mode):
            return None
        data = safe_io.read_bytes(git / "index", MAX_INDEX_BYTES) if not os.path.islink(git / "index") else b""
    except (OSError, ValueError):
        return None
    if len(data) > MAX_INDEX_BYTES:
        return None
    for hash_size in _hash_sizes(git):
        paths = _parse(data, hash_size)
        if paths is not None:
            return paths
    return None


def _hash_sizes(git: Path) -> tuple[int, ...]:
    """SHA-1 object names, unless the repository's config names SHA-256."""
    try:
        config = safe_io.read_bytes(git / "config", 1 << 20).lower()
    except (OSError, ValueError):
        config = b""
    return (32, 20) if b"sha256" in config else (20, 32)


def _parse(data: bytes, hash_size: int) -> frozenset[str] | None:
    if len(data) < 12 or data[:4] != b"DIRC":
        return None
    version = int.from_bytes(data[4:8], "big")
    count = int.from_bytes(data[8:12], "big")
    if version not in (2, 3, 4) or count > len(data):
        return None
    paths: list[bytes] = []
    position, previous = 12, b""
    fixed = _STAT_BYTES + hash_size
    for _ in range(count):
        start = position
        if position + fixed + 2 > len(data):
            return None
        flags = int.from_bytes(data[position + fixed:position + fixed + 2], "big")
        position += fixed + 2
        if version >= 3 and flags & _EXTENDED:
            position += 2
        if version == 4:  # the path: how much of the previous one to drop, then the rest
            drop, position = _varint(data, position)
            end = data.find(b"\0", position)
            if drop is None or end < 0 or drop > len(previous):
                return None
            path = previous[:len(previous) - drop] + data[position:end]
            position = end + 1
        else:
            end = data.find(b"\0", position)
            if end < 0:
                return None
            path = data[position:end]
            length = end - start
            position = start + (length + 8) // 8 * 8  # 1 to 8 NULs end the entry on 8 bytes
        if flags & _NAME_MASK != min(len(path), _NAME_MASK) or not path or position > len(data):
            return None
        paths.append(path)
        previous = path
    try:
        return frozenset(os.fsdecode(p).rstrip("/") for p in paths)
    except (UnicodeError, ValueError):
        return None


def _varint(data: bytes, position: int) -> tuple[int | None, int]:
    """git's offset encoding (each further byte adds one before shifting)."""
    if position >= len(data):
        return None, position
    byte = data[position]
    value = byte & 0x7F
    position += 1
    while byte & 0x80:
        if position >= len(data) or value > 1 << 32:
            return None, position
        byte = data[position]
        value = ((value + 1) << 7) | (byte & 0x7F)
        position += 1
    return value, position
