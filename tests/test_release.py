"""Release hygiene: the wheel carries an SPDX license and its file, the one version, py.typed."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gcp_preflight import __version__

PROJECT = Path(__file__).resolve().parent.parent


def test_the_version_is_written_once():
    text = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text and '\nversion = "' not in text
    assert 'version = { attr = "gcp_preflight.__version__" }' in text
    assert (PROJECT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog\n")


@pytest.mark.integration
def test_wheel_metadata_license_version_and_typing_marker(tmp_path):
    """Built as pip builds it (an isolated environment with the declared setuptools)."""
    source = tmp_path / "src"
    shutil.copytree(PROJECT, source, ignore=shutil.ignore_patterns(
        ".git", "tests", "examples", "benchmarks", "build", "dist", "*.egg-info", "__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check",
                            "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "deprecat" not in (built.stdout + built.stderr).lower()
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"gcp_preflight-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata and "\nLicense-File: LICENSE\n" in metadata
    assert f"gcp_preflight-{__version__}.dist-info/licenses/LICENSE" in names
    assert {"gcp_preflight/py.typed", "gcp_preflight/schemas/config.schema.json"} <= names


def test_the_lower_bounds_ci_installs_are_the_declared_ones():
    """constraints/lower.txt pins exactly the `>=` bound of each dependency in pyproject.toml."""
    import re
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    deps = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    declared = {}
    for dep in deps:
        match = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)(?:,|;|$)", dep.replace(" ", ""))
        if match and "python_version" not in dep:
            declared[canonicalize_name(match.group(1))] = Version(match.group(2))
    pinned = {}
    for line in (PROJECT / "constraints" / "lower.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[canonicalize_name(name)] = Version(version)
    assert pinned == declared
    assert "constraints/lower.txt" in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
