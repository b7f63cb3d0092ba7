"""Which files are tests: they never deploy, so what is wrong in them matters less."""

from __future__ import annotations

import re

# a tests/ or test/ folder anywhere, test_*.py, *_test.py, conftest.py
TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")


def is_test_file(path: str) -> bool:
    return bool(TEST_FILE.search(path))
