"""Reading and writing files of a checkout that may be hostile.

The checkout controls every name in it, links included. So the tool reads only regular files,
never more bytes than a limit, and never writes through a link: every file it writes is written
to a fresh temporary file beside the target and renamed over it, after checking that neither the
target nor any folder between the root and it is a symbolic link.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


class UnsafePath(Exception):
    """A write the tool refuses; the message is one line for the user."""


def _links_between(root: Path, path: Path) -> Path | None:
    """The first symbolic link among the folders between `root` and `path` (None if none)."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        return None
    current = root
    for part in rel.parts[:-1]:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return current
        except FileNotFoundError:
            return None
    return None


def check_writable(path: Path, root: Path | None = None) -> None:
    """Raise UnsafePath when writing `path` would go through a link: the file itself is a link
    (dangling or not), or, for a path inside `root`, a folder on the way is one, or the path
    leaves `root` through `..`."""
    path = Path(os.path.abspath(path))
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise UnsafePath(f"{path}: is a symbolic link; refusing to write through it")
    except FileNotFoundError:
        pass
    if root is not None:
        root = Path(os.path.abspath(root))
        real_root = Path(os.path.realpath(root))
        inside = _is_within(path, root) or _is_within(path, real_root)
        if inside:
            base = root if _is_within(path, root) else real_root
            link = _links_between(base, path)
            if link is not None:
                raise UnsafePath(f"{path}: {link} is a symbolic link; refusing to write through it")


def check_inside(path: Path, root: Path, what: str) -> Path:
    """`path` resolved (links followed) must stay inside `root`; returns the resolved path."""
    real = Path(os.path.realpath(path))
    if not _is_within(real, Path(os.path.realpath(root))):
        raise UnsafePath(f"{what} {path}: outside the repository {root}; refusing to read it")
    return real


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def write_text(path: Path, text: str, root: Path | None = None) -> None:
    """Write `text` (its line endings as they are) to `path` without following links: to a new
    temporary file in the same folder (O_EXCL | O_NOFOLLOW), then renamed over the target."""
    write_bytes(path, text.encode("utf-8"), root)


def write_bytes(path: Path, data: bytes, root: Path | None = None) -> None:
    path = Path(os.path.abspath(path))
    check_writable(path, root)
    folder = path.parent
    try:
        mode = stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_UMASK: int | None = None


def _umask() -> int:
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


class NotRegular(OSError):
    """A special file (FIFO, device, socket) or a folder where a file was expected."""


def read_bytes(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file, never blocking on a FIFO or reading a
    device forever: the file is opened non-blocking and checked to be regular before any read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(0, "not a regular file (a FIFO, device or folder)")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, limit: int, what: str = "file") -> str:
    """A regular file's UTF-8 text (BOM dropped), at most `limit` bytes, else OSError/ValueError
    with a message naming the file."""
    data = read_bytes(path, limit)
    if len(data) > limit:
        raise ValueError(f"{what} {path} is larger than {limit // 2**20} MiB")
    return data.decode("utf-8-sig")
