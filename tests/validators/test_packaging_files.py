"""Requirements files, Dockerfiles and ignore files in, facts out."""

import textwrap

from gcp_preflight.validators.base import Problem, SourceText
from gcp_preflight.validators.packaging.dockerfile import DockerfileValidator, DockerInstruction
from gcp_preflight.validators.packaging.ignore_files import IgnoreFile, IgnoreFileValidator
from gcp_preflight.validators.packaging.requirements import Requirement, RequirementsFile, RequirementsValidator


def _src(path, text):
    return SourceText(path, textwrap.dedent(text).lstrip("\n"))


def test_requirements():
    facts = list(RequirementsValidator().read(_src("fn/requirements.txt", """
        # pinned
        PyYAML==6.0.1  # config files
        google-cloud-bigquery[pandas]>=3.0; python_version >= "3.8"
        -r ../common/requirements.txt
        --index-url https://example.org/simple
        requests==2.31 \\
            --hash=sha256:abc
        -e git+https://github.com/org/lib.git#egg=our_lib
        ./vendor/wheel_pkg
        flask===
    """)))
    assert facts[0] == RequirementsFile(
        "fn/requirements.txt",
        (Requirement("pyyaml", 2, "PyYAML==6.0.1"),
         Requirement("google-cloud-bigquery", 3, 'google-cloud-bigquery[pandas]>=3.0; python_version >= "3.8"',
                     ("pandas",), 'python_version >= "3.8"'),
         Requirement("requests", 6, "requests==2.31"),
         Requirement("our-lib", 8, "-e git+https://github.com/org/lib.git#egg=our_lib", url=True)),
        (("common/requirements.txt", 4),),
        ((9, "./vendor/wheel_pkg"), (10, "flask===")),
        options=("--index-url https://example.org/simple",),
    )
    assert [(p.code, p.diagnostic.location.line) for p in facts[1:] if isinstance(p, Problem)] == [("PF207", 10)]
    assert RequirementsValidator().wants("services/api/requirements-prod.txt", "")
    assert not RequirementsValidator().wants("docs/notes.txt", "")


def test_dockerfile():
    facts = list(DockerfileValidator().read(_src("services/api/Dockerfile", """
        FROM python:3.11-slim AS base
        WORKDIR /app
        # dependencies first
        COPY --chown=app:app requirements.txt ./
        RUN pip install --no-cache-dir \\
            -r requirements.txt
        ENV PYTHONPATH=/app/lib PORT=8080
        CMD ["gunicorn", "--bind", ":8080", "main:app"]
    """)))
    assert facts == [
        DockerInstruction("services/api/Dockerfile", 1, "FROM", (), ("python:3.11-slim", "AS", "base"), False, "python:3.11-slim AS base"),
        DockerInstruction("services/api/Dockerfile", 2, "WORKDIR", (), ("/app",), False, "/app"),
        DockerInstruction("services/api/Dockerfile", 4, "COPY", ("--chown=app:app",), ("requirements.txt", "./"), False, "requirements.txt ./"),
        DockerInstruction("services/api/Dockerfile", 5, "RUN", (), ("pip", "install", "--no-cache-dir", "-r", "requirements.txt"), False,
                          "pip install --no-cache-dir  -r requirements.txt"),
        DockerInstruction("services/api/Dockerfile", 7, "ENV", (), ("PYTHONPATH=/app/lib", "PORT=8080"), False, "PYTHONPATH=/app/lib PORT=8080"),
        DockerInstruction("services/api/Dockerfile", 8, "CMD", (), ("gunicorn", "--bind", ":8080", "main:app"), True,
                          '["gunicorn", "--bind", ":8080", "main:app"]'),
    ]


def test_ignore_file():
    facts = list(IgnoreFileValidator().read(_src("fn/.gcloudignore", """
        # comment
        #!include:.gitignore
        tests/

        *.md
    """)))
    assert facts == [IgnoreFile("fn/.gcloudignore", ((2, "#!include:.gitignore"), (3, "tests/"), (5, "*.md")))]
