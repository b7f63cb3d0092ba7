"""gcp-preflight: static checks for Python data pipelines on Google Cloud."""

# The one place for each: setuptools reads the version from here (pyproject.toml `dynamic`), and
# the rule links in SARIF and the docs are built on the repository's address.
__version__ = "0.1.0"
REPOSITORY_URL = "https://github.com/gcp-preflight/gcp-preflight"


def rule_url(code: str) -> str:
    """Where a rule's documentation is read on the web (docs/rules.md, one heading per code)."""
    return f"{REPOSITORY_URL}/blob/main/docs/rules.md#{code.lower()}"
