"""Generate docs/rules.md from the rule docstrings: `python -m gcp_preflight.docs [--check]`."""

from __future__ import annotations

import sys
from pathlib import Path

from gcp_preflight.rules import ALL_RULES

TARGET = Path("docs") / "rules.md"


def rules_markdown() -> str:
    rules = sorted(ALL_RULES, key=lambda r: r.code)
    out = [
        "# Rules",
        "",
        "Generated from the rule docstrings by `python -m gcp_preflight.docs`; do not edit by hand.",
        "`preflight rule CODE` prints the same text.",
        "",
        "| code | name | severity | summary |",
        "|---|---|---|---|",
    ]
    out += [f"| [{r.code}](#{r.code.lower()}) | {r.meta.name} | {r.meta.severity.value} | {r.meta.summary} |" for r in rules]
    for r in rules:
        body = r.meta.doc.split("\n\n", 1)[1].strip() if "\n\n" in r.meta.doc else ""  # after the summary
        body = body.replace("\n## ", "\n#### ")
        if body.startswith("## "):
            body = "#### " + body[3:]
        out += ["", f"## {r.code}", "", f"**{r.meta.name}** ({r.meta.severity.value}): {r.meta.summary}", "", body]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    target = root / TARGET
    text = rules_markdown()
    if "--check" in argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run python -m gcp_preflight.docs", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
