"""Every validator, in one explicit list (one kind of source per module)."""

from __future__ import annotations

from gcp_preflight.validators.base import Validator


def default_validators() -> list[Validator]:
    from gcp_preflight.validators import bigquery_schema, python_source, shell_literals, shell_source, yaml_source

    return [
        python_source.PythonValidator(),
        yaml_source.YamlValidator(),
        shell_literals.ShellLiteralValidator(),
        shell_source.ShellValidator(),
        bigquery_schema.BigQuerySchemaValidator(),
    ]
