from gcp_preflight.cli import run

raise SystemExit(run())
