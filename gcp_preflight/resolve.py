"""The exact mode of the packaging checks (`check --resolve`, `[packaging] resolve = true`): what a
unit's requirements really install, asked of the real resolver without installing anything.

    python -m pip install --dry-run --ignore-installed --quiet --report FILE --target TMP
        --only-binary :all: --python-version X.Y --platform manylinux_2_NN_x86_64 ... -r REQS

The requirements given to pip are the unit's named requirements with their index options (read
from the facts, `-r` includes flattened); a local path, a URL or `-e` line is never passed, and
`--only-binary :all:` keeps pip from building anything, so no code of the checked repository (or
of a source distribution) runs. The import names of each resolved distribution are read from its
wheel's file list: the zip's central directory, fetched with HTTP range requests when the index
serves them (only the directory, not the wheel), the whole wheel otherwise; a `file:` wheel is
opened in place.

Everything is cached in the per-user cache folder (cache.py): a resolution by the hash of the
requirement lines, the index settings (PIP_*/UV_* variables and pip's configuration files) and the
runtime; a wheel's module list by its URL. A second run resolves nothing. This is I/O, like the
live audit: the rules ask it through `project.resolver`, which is None unless the mode is on.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from gcp_preflight.cache import cache_dir, private_folder

FORMAT = 1
TIMEOUT = 300  # seconds for one pip run
_PLATFORMS = ["manylinux2014_x86_64", "linux_x86_64"] + [f"manylinux_2_{n}_x86_64" for n in range(17, 40)]
_PIP_CONFIGS = ("/etc/pip.conf", "/etc/xdg/pip/pip.conf", "~/.config/pip/pip.conf", "~/.pip/pip.conf")
_NOT_FOUND = re.compile(r"(?:No matching distribution found for|Could not find a version that satisfies the "
                        r"requirement)\s+([A-Za-z0-9][A-Za-z0-9._-]*)")
_CONFLICT = re.compile(r"(?:because these package versions have conflicting dependencies|ResolutionImpossible)")


@dataclass(frozen=True)
class Resolution:
    """dists: canonical names; modules: name -> dotted module prefixes; error: (name or "", pip's words)."""

    dists: tuple[str, ...] = ()
    modules: tuple[tuple[str, tuple[str, ...]], ...] = ()
    error: tuple[str, str] | None = None

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "dists": self.dists, "modules": self.modules, "error": self.error})

    @classmethod
    def from_json(cls, text: str) -> "Resolution | None":
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                return None
            return cls(tuple(data["dists"]), tuple((n, tuple(m)) for n, m in data["modules"]),
                       tuple(data["error"]) if data["error"] else None)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _index_settings(environ) -> str:
    parts = [f"{k}={v}" for k, v in sorted(environ.items()) if k.startswith(("PIP_", "UV_"))]
    for name in _PIP_CONFIGS + ((environ.get("PIP_CONFIG_FILE", ""),) if environ.get("PIP_CONFIG_FILE") else ()):
        path = Path(os.path.expanduser(name))
        try:
            parts.append(f"{name}:{path.read_text(encoding='utf-8', errors='replace')}")
        except OSError:
            continue
    return "\n".join(parts)


class Resolver:
    """Resolves requirement lines for a runtime, once per distinct input (memory, then disk)."""

    def __init__(self, folder: Path | None = None, python: str = sys.executable, environ=None):
        self.environ = dict(os.environ if environ is None else environ)
        base = folder or cache_dir(self.environ)
        self.folder = base / "resolve"
        self.python = python
        self.memory: dict[str, Resolution] = {}
        self.runs = 0  # pip runs this session (a warm cache makes none)
        self.settings = _index_settings(self.environ)
        problem = private_folder(base) or private_folder(self.folder)
        self.writable = problem is None

    def key(self, lines: tuple[str, ...], runtime: tuple[int, int] | None) -> str:
        text = "\0".join(("v1", repr(runtime), self.settings, *lines))
        return hashlib.sha256(text.encode()).hexdigest()

    def resolve(self, lines: tuple[str, ...], runtime: tuple[int, int] | None, cwd: Path) -> Resolution:
        key = self.key(lines, runtime)
        if key in self.memory:
            return self.memory[key]
        path = self.folder / f"{key}.json"
        found = None
        if self.writable and path.is_file():
            found = Resolution.from_json(path.read_text(encoding="utf-8"))
        if found is None:
            found = self._run(lines, runtime, cwd)
            if found.error is None or found.error[0]:  # not a failure of pip or the network
                self._write(path, found.to_json())
        self.memory[key] = found
        return found

    def _write(self, path: Path, text: str) -> None:
        if not self.writable:
            return
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass

    # -- pip ------------------------------------------------------------------------------------
    def _run(self, lines: tuple[str, ...], runtime: tuple[int, int] | None, cwd: Path) -> Resolution:
        self.runs += 1
        version = runtime or sys.version_info[:2]
        with tempfile.TemporaryDirectory(prefix="preflight-resolve-") as tmp:
            reqs = Path(tmp) / "requirements.txt"
            reqs.write_text("\n".join(lines) + "\n", encoding="utf-8")
            report = Path(tmp) / "report.json"
            cmd = [self.python, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                   "--disable-pip-version-check", "--no-input", "--report", str(report), "--target", str(Path(tmp) / "t"),
                   "--only-binary", ":all:", "--python-version", f"{version[0]}.{version[1]}",
                   "--implementation", "cp"]
            for platform in _PLATFORMS:
                cmd += ["--platform", platform]
            cmd += ["-r", str(reqs)]
            try:
                proc = subprocess.run(cmd, cwd=cwd, env=self.environ, capture_output=True, text=True,
                                      timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return Resolution(error=("", f"pip did not run: {exc}"))
            if proc.returncode != 0 or not report.is_file():
                return Resolution(error=_pip_error(proc.stderr, version))
            try:
                data = json.loads(report.read_text(encoding="utf-8"))
            except ValueError:
                return Resolution(error=("", "pip wrote no readable report"))
        dists, modules = [], []
        for item in data.get("install", []):
            meta = item.get("metadata", {})
            name = _canonical(meta.get("name", ""))
            if not name:
                continue
            dists.append(name)
            url = (item.get("download_info") or {}).get("url", "")
            modules.append((name, self._modules(url)))
        return Resolution(tuple(sorted(dists)), tuple(sorted(modules)))

    # -- wheels ---------------------------------------------------------------------------------
    def _modules(self, url: str) -> tuple[str, ...]:
        if not url:
            return ()
        key = hashlib.sha256(url.encode()).hexdigest()
        path = self.folder / "wheels" / f"{key}.json"
        if self.writable and path.is_file():
            try:
                return tuple(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                pass
        try:
            names = _wheel_names(url)
        except (OSError, ValueError, zipfile.BadZipFile, struct.error):
            return ()
        found = modules_of(names)
        if self.writable:
            (self.folder / "wheels").mkdir(mode=0o700, exist_ok=True)
            self._write(path, json.dumps(list(found)))
        return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip_error(stderr: str, version) -> tuple[str, str]:
    found = _NOT_FOUND.search(stderr)
    if found:
        return (_canonical(found.group(1)), f"no release of `{found.group(1)}` that the requirements allow has a "
                                             f"wheel for Python {version[0]}.{version[1]} on Linux (source "
                                             f"distributions are not built here)")
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip().startswith("ERROR:")]
    if _CONFLICT.search(stderr):
        return ("", "the requirements conflict: " + (lines[0][len("ERROR:"):].strip() if lines else "ResolutionImpossible"))
    return ("", lines[0][len("ERROR:"):].strip() if lines else "pip failed")


def _wheel_names(url: str) -> list[str]:
    """The file names inside a wheel: in place for file: URLs, else the zip's central directory by
    HTTP range requests (the whole file when the server ignores ranges)."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        with zipfile.ZipFile(urllib.request.url2pathname(parsed.path)) as archive:
            return archive.namelist()
    if parsed.scheme not in ("http", "https"):
        raise ValueError(url)
    tail = _fetch(url, "bytes=-65536")
    if tail is None:
        return []
    data, total = tail
    if total is None:  # the whole file came back
        return zipfile.ZipFile(io.BytesIO(data)).namelist()
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        raise ValueError("no end of central directory")
    size, offset = struct.unpack("<II", data[end + 12:end + 20])
    start_in_tail = total - len(data)
    if offset < start_in_tail:
        more = _fetch(url, f"bytes={offset}-{start_in_tail - 1}")
        if more is None:
            raise ValueError("range refused")
        directory = more[0] + data[:offset + size - start_in_tail]
    else:
        directory = data[offset - start_in_tail:offset - start_in_tail + size]
    names, pos = [], 0
    while pos + 46 <= len(directory) and directory[pos:pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", directory[pos + 28:pos + 34])
        names.append(directory[pos + 46:pos + 46 + name_len].decode("utf-8", "replace"))
        pos += 46 + name_len + extra_len + comment_len
    return names


def _fetch(url: str, byte_range: str) -> tuple[bytes, int | None] | None:
    request = urllib.request.Request(url, headers={"Range": byte_range, "User-Agent": "gcp-preflight"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (an index URL pip chose)
        data = response.read()
        if response.status == 206:
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            return data, int(total) if total.isdigit() else len(data)
        return data, None


def modules_of(names: list[str]) -> tuple[str, ...]:
    """Dotted import prefixes a wheel provides, from its file list: a top-level module or package,
    or the first package below namespace folders (`google/cloud/bigquery/__init__.py` ->
    google.cloud.bigquery; with no `__init__.py` anywhere, the deepest folder holding modules)."""
    files = [n for n in names if not n.endswith("/")]
    found: set[str] = set()
    inits = {n.rsplit("/", 1)[0] for n in files if n.endswith("/__init__.py")}
    for name in files:
        first = name.split("/", 1)[0]
        if first.endswith((".dist-info", ".data")):
            continue
        if "/" not in name:
            if _is_module(name):
                found.add(_module_name(name))
            continue
        if not _is_module(name.rsplit("/", 1)[1]):
            continue
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            if "/".join(parts[:depth]) in inits:
                found.add(".".join(parts[:depth]))
                break
        else:  # only namespace folders: the module's own folder
            found.add(".".join(parts + [_module_name(name.rsplit("/", 1)[1])]))
    return tuple(sorted(m for m in found if m and not m.startswith("__pycache__")))


def _is_module(filename: str) -> bool:
    return filename.endswith((".py", ".so", ".pyd")) or filename.endswith(".abi3.so")


def _module_name(filename: str) -> str:
    return filename.split(".", 1)[0]
