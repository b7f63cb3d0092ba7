"""GitHub Actions workflow commands (`::error file=...,line=...::message`)."""

from __future__ import annotations

from typing import Sequence

from gcp_preflight.model import Finding

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding, names: dict[str, str]) -> str:
    loc = f.location
    props = []
    if loc.path:
        props.append(f"file={escape_property(loc.path)}")
        props.append(f"line={loc.line}")
        props.append(f"col={loc.column}")
        if loc.end_line:
            props.append(f"endLine={loc.end_line}")
        if loc.end_column and (loc.end_line or loc.line) == loc.line:
            props.append(f"endColumn={loc.end_column}")
    title = f"{f.code} {names.get(f.code, '')}".strip()
    props.append(f"title={escape_property(title)}")
    message = f.message + "".join(f"\n{r.location.path}:{r.location.line}: {r.message}" for r in f.related)
    return f"::{LEVELS[f.severity.value]} {','.join(props)}::{escape_data(message)}"


def render(findings: Sequence[Finding], **_: object) -> str:
    from gcp_preflight.rules import BY_CODE

    names = {code: r.meta.name for code, r in BY_CODE.items()}
    return "".join(annotation(f, names) + "\n" for f in findings)
