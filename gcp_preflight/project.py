"""Project: the files of a repository and the facts read from them, built once, then read-only.

Each file a validator wants is read once; all validators that want it read that one text, and
their facts are cached together keyed by the file's content hash (cache.py: a per-user store,
never inside the repository). Cached facts are decoded type by type, when a rule first asks.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence, TypeVar

from gcp_preflight import __version__, facts, progress
from gcp_preflight.cache import FactStore
from gcp_preflight.config import Config
from gcp_preflight.discovery import Symlink, Tree, walk
from gcp_preflight.lines import split_lines
from gcp_preflight.suppressions import scan as scan_suppressions
from gcp_preflight.validators.base import Problem, SourceText, Validator, problem

T = TypeVar("T")

MAX_FILE_BYTES = 5 * 1024 * 1024


# The libraries whose parse a cached fact depends on: an upgraded sqlglot reads DDL differently,
# so facts it did not make are not served.
PARSERS = ("sqlglot", "tree-sitter", "tree-sitter-bash", "PyYAML", "packaging", "pathspec", "google-re2")


def parser_versions() -> str:
    from importlib import metadata

    versions = []
    for name in PARSERS:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return ";".join(versions)


def _code_fingerprint() -> str:
    """A hash of this package's own source and of the parsing libraries' versions: any change to
    a validator, or to what it parses with, invalidates the cache."""
    # The interpreter too: `ast` reads newer syntax in newer Pythons, and the cache is pickled.
    python = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"
    digest = hashlib.sha256(f"{__version__}\0{parser_versions()}\0{python}".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        try:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
        except OSError:
            pass
    return digest.hexdigest()[:16]


_CODE_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is None:
        _CODE_FINGERPRINT = _code_fingerprint()
    return _CODE_FINGERPRINT


@dataclass(frozen=True)
class ReadResult:
    text: str | None
    problem: Problem | None
    digest: str


def read_source(root: Path, rel: str) -> ReadResult:
    """Read and decode one file; any failure becomes a PF004 problem, never an exception."""
    try:
        size = (root / rel).stat().st_size
        if size > MAX_FILE_BYTES:
            return ReadResult(None, problem("PF004", rel, 1, 1,
                              f"file is {size / 2**20:.1f} MiB, larger than the {MAX_FILE_BYTES // 2**20} MiB limit; not checked"), "")
        data = (root / rel).read_bytes()
    except OSError as exc:
        return ReadResult(None, problem("PF004", rel, 1, 1, f"cannot read file: {exc.strerror or exc}"), "")
    digest = hashlib.sha256(data).hexdigest()
    wide = _wide_encoding(rel, data)
    if wide is not None:
        try:
            return ReadResult(data.decode(wide), None, digest)
        except UnicodeDecodeError as exc:
            return ReadResult(None, problem("PF004", rel, 1, 1, f"not valid {wide.upper()} at byte {exc.start}; not checked"),
                              digest)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return ReadResult(None, problem("PF004", rel, line, 1, "binary content (NUL byte); not checked"), digest)
    try:
        text = data.decode(_python_encoding(rel, data))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return ReadResult(None, problem("PF004", rel, line, column,
                          f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); not checked"), digest)
    return ReadResult(text, None, digest)


# UTF-32 first: its little-endian BOM begins with UTF-16's.
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
              (b"\xfe\xff", "utf-16"))


def _wide_encoding(rel: str, data: bytes) -> str | None:
    """UTF-16 or UTF-32, for a requirements file that starts with its BOM: pip decodes such a file
    by its BOM (`pip freeze > requirements.txt` in Windows PowerShell writes UTF-16), so it
    installs, and is read here as pip reads it. Any other file with NUL bytes is binary."""
    encoding = next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None)
    if encoding is None:
        return None
    from gcp_preflight.validators.base import matches_any
    from gcp_preflight.validators.packaging.requirements import PATTERNS

    return encoding if matches_any(rel, PATTERNS) else None


def _python_encoding(rel: str, data: bytes) -> str:
    """UTF-8 (a BOM dropped), except a Python file whose coding cookie (PEP 263) names another
    encoding: Python reads that file in it, and so do we."""
    if rel.endswith(".py") and b"coding" in data[:400]:
        import io
        import tokenize

        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:  # a cookie naming no known encoding
            return "utf-8-sig"
        return "utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding
    return "utf-8-sig"


class Project:
    """Everything the rules may look at. Rules never touch the disk; they ask the project."""

    def __init__(self, root: Path, config: Config, validators: Sequence[Validator],
                 use_cache: bool = True,
                 extra_facts: Iterable[object] | Callable[["Project"], Iterable[object]] = (),
                 tree: Tree | None = None):
        started = time.perf_counter()
        self.root = root.resolve()
        self.config = config
        self.tree: Tree = tree if tree is not None else walk(self.root, tuple(config.exclude))
        self.symlinks: dict[str, Symlink] = {s.path: s for s in self.tree.symlinks}
        self.cache = FactStore() if use_cache else None
        self._texts: dict[str, str] = {}
        self._readers: dict[str, str] = {}  # path -> names of the validators that read it
        self._digests: dict[str, str] = {}  # path -> content hash, of each file a validator read
        self._lines: dict[str, list[str]] = {}
        self._by_type: dict[type, list] = defaultdict(list)
        self._by_path: dict[tuple[type, str], list] = defaultdict(list)
        # Facts not yet indexed, by type name, in the order they were read: (path, the facts, or
        # their cache entry's group, decoded when a rule first asks for the type). A run decodes
        # only the types its rules read, and a forked child (forked.py) decodes its own.
        self._waiting: dict[str, list[tuple[str, list | bytes]]] = defaultdict(list)
        self._indexed: set[type] = set()
        # For a type not indexed whole: the files whose facts of it were asked for one by one
        # (facts_in), and where each file's entries wait (positions in _waiting, by type name).
        self._indexed_at: dict[type, set[str]] = defaultdict(set)
        self._positions: dict[str, dict[str, list[int]]] = {}
        self._validators = validators
        self._fallback: dict[str, dict[str, list]] = {}  # path -> facts read again, by type name
        self._memo: dict[Callable, Any] = {}
        # The exact mode's resolver (resolve.py), set by engine.check when `--resolve` is on.
        self.resolver = None
        self.files_read = 0
        for link in self.tree.symlinks:
            self._add(link, link.path)
        for item in self.tree.problems:  # folders not listed, .gitignore files not read
            self._add(item, item.diagnostic.location.path)
        self._read_all(validators)
        if callable(extra_facts):  # facts that depend on the repository's (a live audit's regions)
            extra_facts = extra_facts(self)
        for item in extra_facts:
            self._add(item, getattr(item, "path", ""))
        for validator in validators:  # cross-file steps (a script that sources another)
            link = getattr(validator, "link", None)
            if link is not None:
                link(self)
        self.read_seconds = time.perf_counter() - started

    # -- building ---------------------------------------------------------------------------
    def _read_all(self, validators: Sequence[Validator]) -> None:
        """Find each file's readers and content hash: from the stat cache when its size, mtime
        and inode are as recorded (nothing is opened), else by reading it. Facts come from the
        fact cache by content hash; the misses are parsed (in parallel when many). Facts are
        added in file order, so the result never depends on how the work was split."""
        readers = _readers_signature(validators)
        index = {v.name: i for i, v in enumerate(validators)}
        known = self.cache.file_rows(str(self.root), readers) if self.cache else {}
        stats = self.tree.stats or {}
        rows: list[tuple[str, int, int, int, str, str]] = []
        slots: list[tuple[str, tuple | None]] = []  # (path, its facts or its entry's groups)
        pending: list[tuple[int, str, str, tuple[int, ...]]] = []  # (slot, rel, digest, wanting)
        for rel in self.tree.files:
            stat = stats.get(rel)
            row = known.get(rel)
            if row is not None and stat is not None and row[:3] == stat:
                digest, names = row[3], row[4]
                wanting = tuple(index[n] for n in names.split(",") if n in index)
            else:
                head = _first_line(self.root / rel)
                wanting = tuple(i for i, v in enumerate(validators) if v.wants(rel, head))
                names = ",".join(validators[i].name for i in wanting)
                if not wanting:
                    if stat is not None:
                        rows.append((rel, *stat, "", ""))
                    continue
                result = read_source(self.root, rel)
                if result.problem is not None:  # said again on every run: no row recorded
                    self.files_read += 1
                    self._readers[rel] = names
                    slots.append((rel, (result.problem,)))
                    continue
                # Only the hash is kept: the reader reads the file again (from the page
                # cache). Held for every file until its reader ran, the texts stayed in the
                # main process's heap as fragments (about 30 MB of peak RSS at scale 1).
                digest = result.digest
                if stat is not None:
                    rows.append((rel, *stat, digest, names))
            if not wanting:
                continue
            self.files_read += 1
            self._readers[rel] = names
            self._digests[rel] = digest
            pending.append((len(slots), rel, digest, wanting))
            slots.append((rel, None))
        keys = [_fact_key(rel, validators, wanting, digest) for _, rel, digest, wanting in pending]
        cached = self.cache.get_many(keys, facts.loads_by_type) if self.cache else {}
        misses: list[ParseJob] = []
        for (slot, rel, digest, wanting), key in zip(pending, keys):
            found = cached.get(key)
            if found is not None:
                slots[slot] = (rel, _Groups(found))
            else:
                misses.append(ParseJob(slot, rel, digest, wanting, key))
        entries: list[tuple[str, bytes]] = []  # cache entries, stored as they come (not all held at once)
        for job, (found, entry) in zip(misses, parse_files(validators, misses, self.cache is not None, self.root)):
            if found is None:
                found = _facts_of(job, entry)
            slots[job.slot] = (job.rel, found)
            if entry is not None and self.cache:
                entries.append((job.key, entry))
                if len(entries) >= 256:
                    self.cache.put_encoded(entries)
                    entries = []
        if self.cache:
            self.cache.put_encoded(entries)
            self.cache.put_file_rows(str(self.root), readers, rows)
            self.cache.close()
        waiting = self._waiting
        for rel, found in slots:
            if type(found) is _Groups:
                for name, group in found:
                    waiting[name].append((rel, group))
                continue
            for name, items in _by_type_name(found).items():
                waiting[name].append((rel, items))

    def _add(self, item: object, rel: str) -> None:
        kind = type(item)
        if kind in self._indexed:
            self._by_type[kind].append(item)
            self._by_path[(kind, rel)].append(item)
        else:
            self._waiting[kind.__name__].append((rel, [item]))
            self._positions.pop(kind.__name__, None)
            if rel in self._indexed_at.get(kind, ()):  # that file's facts of the type are indexed already
                self._by_path[(kind, rel)].append(item)

    def _index(self, kind: type) -> None:
        """Index the facts of one type, decoding those still in their cache entries' groups."""
        self._indexed.add(kind)
        by_type, by_path = self._by_type[kind], self._by_path
        done = self._indexed_at.pop(kind, ())
        for rel, found in self._waiting.pop(kind.__name__, ()):
            if type(found) is bytes:
                found = self._decoded(kind, rel, found)
            by_type.extend(found)
            if rel not in done:
                by_path[(kind, rel)].extend(found)

    def _index_at(self, kind: type, path: str) -> None:
        """Index the facts of one type read from one file (a rule asking file by file decodes
        only the files it asks about: a closure's modules, a file's function locals)."""
        done = self._indexed_at[kind]
        if path in done:
            return
        done.add(path)
        name = kind.__name__
        waiting = self._waiting.get(name, [])
        positions = self._positions.get(name)
        if positions is None:
            positions = self._positions[name] = defaultdict(list)
            for i, (rel, _) in enumerate(waiting):
                positions[rel].append(i)
        for i in positions.get(path, ()):
            rel, found = waiting[i]
            if type(found) is bytes:
                found = self._decoded(kind, rel, found)
                waiting[i] = (rel, found)  # decoded once, whoever asks next
            self._by_path[(kind, path)].extend(found)

    def _decoded(self, kind: type, rel: str, group: bytes) -> list | tuple:
        try:
            return facts.loads_of_type(kind, group)
        except ValueError:  # an entry this code did not write: the file is read again
            return self._read_again(rel).get(kind.__name__, [])

    def _read_again(self, rel: str) -> dict[str, list]:
        if rel not in self._fallback:
            index = {v.name: i for i, v in enumerate(self._validators)}
            wanting = tuple(index[name] for name in self.readers(rel) if name in index)
            found, _ = _parse_with(self._validators, self.root, ParseJob(0, rel, "", wanting, ""))
            self._fallback[rel] = _by_type_name(found)
        return self._fallback[rel]

    def replace(self, kind: type, updates: dict[str, list]) -> None:
        """Swap the facts of one type read from some files ({path: new facts}), in one pass
        however many files change (for a validator's `link` step only)."""
        if kind not in self._indexed:
            self._index(kind)
        old_ids = {id(x) for path in updates for x in self._by_path.get((kind, path), ())}
        merged = [x for x in self._by_type.get(kind, []) if id(x) not in old_ids]
        for path, items in updates.items():
            merged.extend(items)
            self._by_path[(kind, path)] = list(items)
        merged.sort(key=lambda x: getattr(x, "path", ""))  # stable: file order kept
        self._by_type[kind] = merged

    # -- reading ----------------------------------------------------------------------------
    def facts(self, kind: type[T]) -> tuple[T, ...]:
        """All facts of one type, in file order."""
        if kind not in self._indexed:
            self._index(kind)
        return tuple(self._by_type.get(kind, ()))

    def facts_in(self, path: str, kind: type[T]) -> tuple[T, ...]:
        if kind not in self._indexed:
            self._index_at(kind, path)
        return tuple(self._by_path.get((kind, path), ()))

    def text(self, path: str) -> str | None:
        """The decoded text of a file a validator read (None for files nobody read). A file
        whose facts came from the cache is read here, when a rule first asks."""
        text = self._texts.get(path)
        if text is None and path in self._readers:
            text = read_source(self.root, path).text
            if text is not None:
                self._texts[path] = text
        return text

    def digest(self, path: str) -> str | None:
        """The content hash of a file a validator read (what its cached facts are keyed by)."""
        return self._digests.get(path)

    def readers(self, path: str) -> tuple[str, ...]:
        """The names of the validators that read a file ("python", "shell", ...)."""
        names = self._readers.get(path)
        return tuple(names.split(",")) if names else ()

    def line(self, path: str, line: int) -> str:
        """One line of a file read, numbered as every reader numbers lines (lines.py); each
        file is split once however many findings it has."""
        lines = self._lines.get(path)
        if lines is None:
            text = self.text(path)
            if text is None:
                return ""
            lines = self._lines[path] = split_lines(text)
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @property
    def paths_read(self) -> tuple[str, ...]:
        """Paths of every file some validator reads, sorted (their texts load on demand)."""
        return tuple(sorted(self._readers))

    @property
    def paths(self) -> tuple[str, ...]:
        return self.tree.files

    def release_analyses(self, families_left: set[str]) -> None:
        """Drop the analyses no rule family still to run reads (engine.run_rules calls this when
        one family's rules are done): they are most of what the rules add to the peak memory.
        An analysis marked `shared_analysis(...)` stays while a family it names is left; one
        dropped and asked for again is computed again, so this changes the cost, never a result."""
        for compute in [c for c in self._memo if not families_left & getattr(c, "families", frozenset())]:
            del self._memo[compute]

    def memo(self, compute: Callable[["Project"], T]) -> T:
        """A derived analysis computed once per run and shared by the rules that need it."""
        if compute not in self._memo:
            self._memo[compute] = compute(self)
        return self._memo[compute]


def shared_analysis(*families: str):
    """Mark an analysis that rules of several families read (through project.memo), by their
    code prefixes ("PF2", "PF3"): it is kept until the last of them has run."""

    def mark(compute: Callable[["Project"], T]) -> Callable[["Project"], T]:
        compute.families = frozenset(families)  # type: ignore[attr-defined]
        return compute

    return mark


PARALLEL_MIN_FILES = 150  # below this, starting worker processes costs more than it saves
_WORKER_VALIDATORS: Sequence[Validator] = ()
_WORKER_ROOT = Path(".")


class ParseJob(NamedTuple):
    """A file whose facts are not cached: `slot` is its place in file order, `digest` the hash
    of the content the main process saw, `key` its fact cache key."""

    slot: int
    rel: str
    digest: str
    wanting: tuple[int, ...]
    key: str


def _parse_one(job: ParseJob) -> tuple[tuple, bool]:
    """_parse_with the validators and root parse_files set (a forked worker inherits them)."""
    return _parse_with(_WORKER_VALIDATORS, _WORKER_ROOT, job)


def _parse_with(validators: Sequence[Validator], root: Path, job: ParseJob) -> tuple[tuple, bool]:
    """One file's facts: every reader's, and its inline suppressions (cached with them, so an
    unchanged file is never scanned again); and whether they are of the content `job.digest`
    names (the file may have changed since it was hashed: then they are not cached)."""
    result = read_source(root, job.rel)
    if result.text is None:  # unreadable or not UTF-8 now
        return ((result.problem,) if result.problem else ()), False
    source = SourceText(job.rel, result.text)
    found = [item for i in job.wanting for item in _safe_read(validators[i], source)]
    found.extend(scan_suppressions(job.rel, result.text))
    return tuple(found), result.digest == job.digest


def _parse_bare(job: ParseJob) -> tuple[tuple, None]:
    return _parse_one(job)[0], None


def _by_type_name(found: Iterable[object]) -> dict[str, list]:
    by_name: dict[str, list] = {}
    for item in found:
        by_name.setdefault(type(item).__name__, []).append(item)
    return by_name


class _Groups(tuple):
    """A cache entry's (type name, encoded facts) pairs (facts.dumps_by_type), not yet decoded."""

    __slots__ = ()


def _parse_and_encode(job: ParseJob) -> tuple[tuple, bytes | None]:
    """One file's facts and their cache entry, encoded where they were read (in a worker, so the
    main process only stores it); None when they cannot be cached."""
    found, as_hashed = _parse_one(job)
    if not as_hashed:
        return found, None
    try:
        return found, facts.dumps_by_type(found)
    except (TypeError, RecursionError):
        return found, None


def _parse_in_worker(job: ParseJob) -> tuple[tuple | None, bytes | None]:
    """As _parse_and_encode, but the facts travel to the main process as their cache entry
    alone (None in their place): it is loaded there once, not sent twice."""
    found, entry = _parse_and_encode(job)
    return (None, entry) if entry is not None else (found, None)


def _facts_of(job: ParseJob, entry: bytes) -> tuple:
    """The facts a worker sent as their cache entry, as its groups (decoded type by type when
    a rule asks); read again here should the entry not load."""
    try:
        return _Groups(facts.loads_by_type(entry))
    except ValueError:
        return _parse_one(job)[0]


def _readers_signature(validators: Sequence[Validator]) -> str:
    """What decides which files each validator wants: the tool's code and the validators used."""
    return f"{code_fingerprint()}:{','.join(v.name for v in validators)}"


def _fact_key(rel: str, validators: Sequence[Validator], wanting: tuple[int, ...], digest: str) -> str:
    names = ",".join(validators[i].name for i in wanting)
    return hashlib.sha256(f"{code_fingerprint()}\0{rel}\0{names}\0{digest}".encode()).hexdigest()


def workers_for(count: int) -> int:
    """How many processes to use for `count` files: PREFLIGHT_JOBS, else one below
    PARALLEL_MIN_FILES, else the usable CPUs (at most 8)."""
    configured = os.environ.get("PREFLIGHT_JOBS")
    if configured and configured.isdigit():
        return max(1, int(configured))
    if count < PARALLEL_MIN_FILES:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, 8)


def parse_files(validators: Sequence[Validator], jobs: list[ParseJob], encode: bool,
                root: Path) -> Iterator[tuple[tuple | None, bytes | None]]:
    """(facts, cache entry) for each job, in order, as they come; from a worker the facts are
    None when the entry holds them (a worker always sends an entry, cache or not: the main
    process decodes only the types its rules ask for), else the entry is None unless `encode`.
    Forked workers inherit the validators and the root; where fork is not available, or for
    few files, everything runs here."""
    global _WORKER_VALIDATORS, _WORKER_ROOT
    _WORKER_VALIDATORS, _WORKER_ROOT = validators, root
    one = _parse_and_encode if encode else _parse_bare
    done = 0
    workers = workers_for(len(jobs))
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        try:
            # Each worker collects its own cycles (what a reader leaves behind); see gc_pause.py.
            with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.enable) as pool:
                for result in pool.map(_parse_in_worker, jobs, chunksize=max(1, min(64, len(jobs) // (workers * 4)))):
                    done += 1
                    progress.step("reading files", done, len(jobs))
                    yield result
            return
        except (OSError, RuntimeError):  # no processes allowed here: the rest is read here
            pass
    # With the collector paused for the command (gc_pause.py), what a reader leaves in cycles is
    # collected after each file, as a worker's collector would (without: 1.5 GB instead of 350 MB
    # on nba-stats-scraper with PREFLIGHT_JOBS=1). What exists before is frozen meanwhile, so each
    # collection walks one file's objects, not every cached fact loaded before.
    collect = not gc.isenabled() and done < len(jobs)
    if collect:
        gc.freeze()
    try:
        for job in jobs[done:]:
            done += 1
            progress.step("reading files", done, len(jobs))
            yield one(job)
            if collect:
                gc.collect(0)
    finally:
        if collect:
            gc.unfreeze()


def _first_line(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.readline(200).decode("utf-8", "replace")
    except OSError:
        return ""


def _safe_read(validator: Validator, source: SourceText) -> list[object]:
    """A validator bug must not lose the rest of the repository: it becomes a PF009 finding."""
    try:
        return list(validator.read(source))
    except RecursionError:
        return [problem("PF004", source.path, 1, 1, f"too deeply nested for the {validator.name} reader; not checked")]
    except Exception as exc:  # noqa: BLE001 - reported, not swallowed
        return [problem("PF009", source.path, 1, 1,
                        f"internal error in the {validator.name} reader: {type(exc).__name__}: {exc}")]
