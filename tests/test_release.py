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
