"""Time a live audit of 100 resources in 3 regions against the local fake of the list APIs.

    python benchmarks/audit_bench.py [--resources 100] [--regions 3] [--page-size 10] [--repeat 5]

The real client libraries (REST) talk to tests/fake_gcp.py on 127.0.0.1; the time includes
client construction, every page request, normalisation and deduplication (not the one-off
import of the Google libraries, reported separately).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=10, help="the fake's page size (forces pagination)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    from google.auth.credentials import AnonymousCredentials

    from gcp_preflight.validators.gcp_inventory.api import Connection, Limits, list_live
    imported = time.perf_counter() - started
    from tests.fake_gcp import FakeGcp, function_v2, run_job, run_service

    regions = [f"region-{chr(ord('a') + i)}{i + 1}" for i in range(args.regions)]
    fake = FakeGcp(page_size=args.page_size)
    for i in range(args.resources):  # functions, services and jobs in turn, spread over the regions
        region = regions[i % len(regions)]
        make = (function_v2, run_service, run_job)[i % 3]
        fake.add(make(f"res-{i:03d}", region=region))
    connection = Connection(AnonymousCredentials(), fake.endpoint)
    times, counts = [], set()
    try:
        for _ in range(args.repeat):
            fake.requests.clear()
            t = time.perf_counter()
            inventory = list_live("demo", regions, connection, Limits(timeout=10))
            times.append(time.perf_counter() - t)
            counts.add((len(inventory.resources), len(fake.requests), len(inventory.problems)))
    finally:
        fake.close()
    (resources, requests, problems), = counts
    print(f"audit of {resources} resources in {len(regions)} regions, {requests} requests "
          f"(page size {args.page_size}), {problems} problems")
    print(f"  median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms over {args.repeat} runs; Google library imports {imported * 1000:.0f} ms once")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
