"""Inline suppressions (`# preflight: ignore[PF301] reason`) and the baseline file."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from gcp_preflight.model import Finding

# `#` for Python, shell, YAML, TOML and Dockerfiles; `--` for SQL.
INLINE = re.compile(r"(?:#|--)\s*preflight:\s*ignore\[([^\]]*)\]\s*(.*)$")


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    column: int
    codes: tuple[str, ...]
    reason: str

    def covers(self, code: str) -> bool:
        return any(code.startswith(c) for c in self.codes)


def scan(path: str, text: str) -> list[Suppression]:
    if "preflight:" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = INLINE.search(line)
        if match:
            codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
            found.append(Suppression(path, number, match.start() + 1, codes, match.group(2).strip()))
    return found


class BaselineError(Exception):
    pass


def read_baseline(path: Path) -> Counter:
    """Accepted findings as a multiset of (code, path, fingerprint)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return Counter((e["code"], e["path"], e["fingerprint"]) for e in entries)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError):
        raise BaselineError(f"{path}: not a gcp-preflight baseline (expected {{\"findings\": [...]}})") from None


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    entries = [{"code": f.code, "path": f.location.path, "fingerprint": f.fingerprint, "message": f.message}
               for f in findings]
    path.write_text(json.dumps({"version": 1, "findings": entries}, indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
