import os
import tempfile

import pytest

# The fact cache lives in a per-user folder; tests get one of their own, never the user's.
os.environ["PREFLIGHT_CACHE_DIR"] = tempfile.mkdtemp(prefix="preflight-test-cache-")


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def update_goldens(request):
    return request.config.getoption("--update-goldens")
