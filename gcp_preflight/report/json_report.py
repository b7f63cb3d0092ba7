"""The JSON report (shape in DESIGN.md, schema in schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Sequence

from gcp_preflight import __version__
from gcp_preflight.model import Finding


def finding_dict(f: Finding) -> dict:
    loc = f.location
    return {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line or loc.line,
        "end_column": loc.end_column or loc.column,
        "related": [{"path": r.location.path, "line": r.location.line, "message": r.message} for r in f.related],
        "fix": None if f.fix is None else {
            "description": f.fix.description,
            "safe": f.fix.safe,
            "edits": [{"path": e.path, "line": e.line, "column": e.column, "end_line": e.end_line,
                       "end_column": e.end_column, "text": e.text} for e in f.fix.edits],
        },
        "fingerprint": f.fingerprint,
    }


def render(findings: Sequence[Finding], *, files: int = 0, duration_s: float = 0.0, **_: object) -> str:
    report = {
        "tool": {"name": "gcp-preflight", "version": __version__},
        "findings": [finding_dict(f) for f in findings],
        "summary": {
            "files": files,
            "findings": len(findings),
            "by_code": dict(sorted(Counter(f.code for f in findings).items())),
            "duration_s": round(duration_s, 3),
        },
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
