"""Test helpers: build small repositories, run the engine, compare `# expect:` marks exactly."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from gcp_preflight import engine
from gcp_preflight.config import load

REPO = Path(__file__).resolve().parent.parent
# The official OASIS schema lies in ../shared beside the checkout (not copied into the project).
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

EXPECT = re.compile(r"(?:#|--)\s*expect:\s*((?:PF\d{3}[ ,]*)+)")


def write_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (dedented text, or bytes as is); a value "-> target" makes a symlink."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str) and content.startswith("-> "):
            path.symlink_to(content[3:])
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run(root: Path, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), **kwargs):
    """Findings of a check over root (no cache), with the root's own config."""
    config = load(root)
    selection = engine.Selection(select or tuple(config.select), tuple(config.ignore) + ignore)
    result, _ = engine.check(root, config, selection=selection, use_cache=False, **kwargs)
    return result.findings


def found(root: Path, select: tuple[str, ...] = (), **kwargs) -> list[tuple[str, str]]:
    """[(code, "path:line"), ...] in report order."""
    return [(f.code, f"{f.location.path}:{f.location.line}") for f in run(root, select, **kwargs)]


def expected_marks(root: Path) -> list[tuple[str, str]]:
    """[(code, "path:line"), ...] from `# expect: PF201` marks in the files under root."""
    marks = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            m = EXPECT.search(line)
            if m:
                for code in re.findall(r"PF\d{3}", m.group(1)):
                    marks.append((code, f"{path.relative_to(root).as_posix()}:{number}"))
    return sorted(marks, key=lambda m: (m[1].rsplit(":", 1)[0], int(m[1].rsplit(":", 1)[1]), m[0]))


def assert_marks(root: Path, select: tuple[str, ...] = (), **kwargs) -> None:
    """The findings of `select` codes equal the `# expect:` marks exactly."""
    got = found(root, select, **kwargs)
    got = sorted(got, key=lambda m: (m[1].rsplit(":", 1)[0], int(m[1].rsplit(":", 1)[1]), m[0]))
    assert got == expected_marks(root)


def offline_audit(root: Path):
    """The live facts a root's `[audit] inventory` files give (what `preflight audit` would
    add), as engine.check's extra_facts; () when the root configures no inventory."""
    from gcp_preflight.audit import LiveAudit, make_plan

    plan = make_plan(root, load(root))
    return LiveAudit(plan, root) if plan.inventories else ()


def assert_golden(path: Path, text: str, update: bool) -> None:
    """`text` equals the golden file at `path` (`pytest --update-goldens` rewrites it)."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def project_at(root: Path):
    """A Project over root with no configuration and no cache (for init's proposers)."""
    from gcp_preflight.config import Config
    from gcp_preflight.project import Project
    from gcp_preflight.validators import default_validators

    return Project(root, Config(), default_validators(), use_cache=False)
