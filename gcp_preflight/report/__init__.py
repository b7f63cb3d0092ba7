"""Renderers: pure functions from findings (and rule metadata) to text."""

FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, findings, **kwargs) -> str:
    if fmt == "json":
        from gcp_preflight.report.json_report import render as fn
    elif fmt == "sarif":
        from gcp_preflight.report.sarif import render as fn
    elif fmt == "github":
        from gcp_preflight.report.github import render as fn
    else:
        from gcp_preflight.report.text import render as fn
    return fn(findings, **kwargs)
