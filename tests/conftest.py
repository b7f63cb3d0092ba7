import os
import tempfile

import pytest

# The fact cache lives in a per-user folder; tests get one of their own, never the user's.
os.environ["PREFLIGHT_CACHE_DIR"] = tempfile.mkdtemp(prefix="preflight-test-cache-")

# Facts and findings are values; here a change to one raises, as if they were frozen (facts.py).
from gcp_preflight import facts  # noqa: E402

facts.freeze_for_tests()


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def update_goldens(request):
    return request.config.getoption("--update-goldens")
