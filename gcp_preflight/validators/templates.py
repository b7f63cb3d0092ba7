"""What marks a file as a template a tool renders before its language reads it.

One place for the readers that meet templates (YAML, SQL, Terraform): a file that holds these
is not its language yet, so what its parser says of it is not a finding.
"""

from __future__ import annotations

import re

# Jinja (`{% if %}`, `{{ name }}`) and Go/Helm (`{{ .Values.x }}`, `{{- include "x" . }}`) tags.
# Not GitHub Actions' `${{ expr }}`: that is written in the file as it runs.
TAGS = re.compile(r"\{%-?\s*\w|(?<!\$)\{\{-?\s*[^\s}]")
# `%%NAME%%`, which sed or a script replaces (`zoneUri: %%REGION%%-a`, `packages = %%PACKAGES%%`)
PLACEHOLDER = re.compile(r"%%[A-Z][A-Z0-9_]*%%")


def is_template(text: str) -> bool:
    return TAGS.search(text) is not None or PLACEHOLDER.search(text) is not None
