"""The GitHub Actions gate that action.yml runs:

    python -m gcp_preflight.hooks.gate   # reads PREFLIGHT_ARGS, PREFLIGHT_SARIF, PREFLIGHT_SARIF_FILE,
                                         # PREFLIGHT_CATEGORY

SARIF first (never failing on findings, so the upload step has its file), then the annotated
check, whose exit status is the gate's. The second run reads the facts the first one cached. The
step outputs: `sarif-file`, the counts (`findings`, `errors`, `warnings`, `infos`, written by
the annotated check) and `exit-code`.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import Mapping

DEFAULT_SARIF_FILE = "gcp-preflight.sarif"


def _wants_sarif(environ: Mapping[str, str]) -> bool:
    return environ.get("PREFLIGHT_SARIF", "false").strip().lower() in ("true", "1", "yes")


def _set_output(environ: Mapping[str, str], name: str, value: str) -> None:
    target = environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")


def gate(environ: Mapping[str, str]) -> int:
    status = _run(environ)
    _set_output(environ, "exit-code", str(status))
    return status


def _run(environ: Mapping[str, str]) -> int:
    from gcp_preflight.cli import EXIT_ERROR, main

    try:
        args = shlex.split(environ.get("PREFLIGHT_ARGS", ""))
    except ValueError as exc:
        print(f"preflight: the action's args input: {exc}", file=sys.stderr)
        return EXIT_ERROR
    category = environ.get("PREFLIGHT_CATEGORY", "").strip()
    if category:
        args += ["--category", category]
    if _wants_sarif(environ):
        sarif_file = environ.get("PREFLIGHT_SARIF_FILE") or DEFAULT_SARIF_FILE
        status = main(["check", *args, "--format", "sarif", "--output", sarif_file, "--exit-zero"])
        if status != 0:
            return status
        _set_output(environ, "sarif-file", sarif_file)
    return main(["check", *args, "--format", "github"])


if __name__ == "__main__":
    sys.exit(gate(os.environ))
