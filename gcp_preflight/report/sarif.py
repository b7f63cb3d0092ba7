"""SARIF 2.1.0 for GitHub code scanning: every rule with its help, repo-relative URIs, and
`partialFingerprints` that do not depend on line numbers, so alerts follow code that moves.

Findings without a file (a live audit's resource that no deploy command declares, an API that
could not be listed) are not results: code scanning rejects a result without a location, and
pinning them on an unrelated file would mislead. They go to
`invocations[0].toolExecutionNotifications`, each naming its rule, so the log still holds them;
the exit status counts them as usual."""

from __future__ import annotations

import json
from typing import Sequence

from gcp_preflight import REPOSITORY_URL, __version__, rule_url
from gcp_preflight.model import Finding, Location

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _region(loc: Location) -> dict:
    region = {"startLine": loc.line, "startColumn": loc.column}
    if loc.end_line:
        region["endLine"] = loc.end_line
    if loc.end_column:
        region["endColumn"] = loc.end_column
    return region


def _physical(loc: Location, prefix: str = "") -> dict:
    uri = f"{prefix.rstrip('/')}/{loc.path}" if prefix else loc.path
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(loc)}}


def _rule_descriptor(rule) -> dict:
    from gcp_preflight.rules.base import doc_sections

    meta = rule.meta
    what = doc_sections(meta.doc).get("What it does", meta.summary)
    return {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.summary[:1024]},
        "fullDescription": {"text": (what or meta.summary)[:1024]},
        "helpUri": rule_url(meta.code),
        "help": {"text": meta.doc or meta.summary, "markdown": meta.doc or meta.summary},
        "defaultConfiguration": {"level": LEVELS[meta.severity.value]},
        "properties": {"tags": ["gcp-preflight", meta.family], "precision": "high"},
    }


def render(findings: Sequence[Finding], *, category: str = "preflight/check", path_prefix: str = "",
           **_: object) -> str:
    """`path_prefix` is the root's folder inside the repository GitHub scans ("" at its top)."""
    from gcp_preflight.rules import ALL_RULES

    hit = {f.code for f in findings}  # only the rules with results, as ruff and cfn-lint do
    rules = sorted((r for r in ALL_RULES if r.code in hit), key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(rules)}
    results, notifications = [], []
    for f in findings:
        if not f.location.path:
            notifications.append({"level": LEVELS[f.severity.value], "message": {"text": f.message},
                                  "associatedRule": {"id": f.code, "index": index[f.code]} if f.code in index else {"id": f.code}})
            continue
        result = {
            "ruleId": f.code,
            "ruleIndex": index.get(f.code, -1),
            "level": LEVELS[f.severity.value],
            "message": {"text": f.message},
            "partialFingerprints": {"primaryLocationLineHash": f.fingerprint, "gcpPreflight/v1": f.fingerprint},
        }
        if result["ruleIndex"] < 0:
            del result["ruleIndex"]
        result["locations"] = [_physical(f.location, path_prefix)]
        if f.related:
            result["relatedLocations"] = [
                dict(_physical(r.location, path_prefix), id=i, message={"text": r.message})
                for i, r in enumerate(f.related) if r.location.path
            ]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gcp-preflight",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": REPOSITORY_URL,
                "rules": [_rule_descriptor(r) for r in rules],
            }},
            "automationDetails": {"id": f"{category.rstrip('/')}/"},  # the category, then an empty run id
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
