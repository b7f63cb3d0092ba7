"""Every validator, in one explicit list (one kind of source each).

A family's readers live in its folder (validators/bigquery/, validators/packaging/, ...). Python
and YAML files are parsed once, by validators/python/source.py and validators/yaml/source.py,
which hand the tree to the extractors of every family wired up here.
"""

from __future__ import annotations

from gcp_preflight.validators.base import Validator


def default_validators() -> list[Validator]:
    from gcp_preflight.validators.bigquery import python as bigquery_python
    from gcp_preflight.validators.bigquery.schema import BigQuerySchemaValidator
    from gcp_preflight.validators.deploy import ci, cloudrun_yaml
    from gcp_preflight.validators.deploy.flags_file import FlagsFileLinker
    from gcp_preflight.validators.names.python import extract_names
    from gcp_preflight.validators.packaging import python as packaging_python
    from gcp_preflight.validators.packaging.dockerfile import DockerfileValidator
    from gcp_preflight.validators.packaging.ignore_files import IgnoreFileValidator
    from gcp_preflight.validators.packaging.projects import ProjectFileValidator, setup_py
    from gcp_preflight.validators.packaging.requirements import RequirementsValidator
    from gcp_preflight.validators.python import calls, classes, compiled, free_names, lookups, name_lists, scopes, testing
    from gcp_preflight.validators.python.source import PythonValidator
    from gcp_preflight.validators.shell.literals import ShellLiteralValidator
    from gcp_preflight.validators.shell.source import ShellValidator
    from gcp_preflight.validators.terraform.source import TerraformValidator
    from gcp_preflight.validators.yaml.source import YamlValidator

    return [
        PythonValidator(extractors=(extract_names, packaging_python.extract, bigquery_python.extract,
                                    classes.extract, scopes.extract, setup_py, testing.extract,
                                    compiled.extract, free_names.extract, calls.extract, lookups.extract,
                                    name_lists.extract)),
        YamlValidator(extractors=(ci.extract, cloudrun_yaml.extract)),
        ShellValidator(),
        ShellLiteralValidator(),
        RequirementsValidator(),
        DockerfileValidator(),
        IgnoreFileValidator(),
        ProjectFileValidator(),
        BigQuerySchemaValidator(),
        TerraformValidator(),
        FlagsFileLinker(),  # last: its link step reads the deploy commands the others linked
    ]


def validator(name: str) -> Validator:
    """One of the default validators, wired up as a check uses it (`validator("yaml")`)."""
    return next(v for v in default_validators() if v.name == name)
