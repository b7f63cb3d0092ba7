"""Inventory files: what `gcloud functions list`, `gcloud run services list` and `gcloud run jobs
list` print with `--format=json`, and the snapshot `preflight audit --save-inventory` writes.

A gcloud list covers every region of the kinds it contains (gcloud lists all regions unless
told otherwise); a snapshot records exactly which kinds and regions were listed.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from gcp_preflight import safe_io
from gcp_preflight.validators.gcp_inventory.facts import KINDS, AccessProblem, Listed
from gcp_preflight.validators.gcp_inventory.inventory import Inventory, assemble

MAX_INVENTORY_BYTES = 256 << 20
SNAPSHOT_KEY = "gcp-preflight-inventory"
SNAPSHOT_VERSION = 1


def read_file(path: Path, shown: str) -> Inventory:
    """One inventory file; anything wrong with it is an AccessProblem naming the file."""
    def bad(message: str) -> Inventory:
        return Inventory(problems=[AccessProblem(shown, "malformed", message)])

    try:
        data = json.loads(safe_io.read_text(path, MAX_INVENTORY_BYTES, "inventory"))
    except OSError as exc:
        return bad(f"cannot read inventory {shown}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return bad(f"inventory {shown} is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return bad(f"inventory {shown} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except RecursionError:
        return bad(f"inventory {shown} is nested too deeply to be a gcloud list")
    except ValueError as exc:  # larger than the limit
        return bad(f"cannot read inventory {shown}: {exc}")
    if isinstance(data, dict) and SNAPSHOT_KEY in data:
        return _snapshot(data, shown)
    if isinstance(data, dict):  # a raw REST list reply: {"functions": [...], "nextPageToken": ...}
        lists = [data[k] for k in ("functions", "services", "jobs") if isinstance(data.get(k), list)]
        if not lists:
            return bad(f"inventory {shown} is neither a gcloud list (a JSON array) nor a preflight snapshot")
        data = [item for group in lists for item in group]
    if not isinstance(data, list):
        return bad(f"inventory {shown} is neither a gcloud list (a JSON array) nor a preflight snapshot")
    inventory = assemble([(item, shown) for item in data])
    kinds = sorted(inventory.kinds_seen)
    inventory.listed = [Listed(kind, "-", shown) for kind in kinds]
    return inventory


def _snapshot(data: dict, shown: str) -> Inventory:
    version = data.get(SNAPSHOT_KEY)
    if version != SNAPSHOT_VERSION:
        return Inventory(problems=[AccessProblem(shown, "malformed",
                                                 f"inventory {shown} is snapshot version {version!r}; this preflight reads version {SNAPSHOT_VERSION}")])
    project = str(data.get("project") or "")
    listed = [Listed(str(e.get("kind")), str(e.get("region") or "-"), shown, project) for e in data.get("listed") or ()
              if isinstance(e, dict) and e.get("kind") in KINDS]
    resources = data.get("resources") if isinstance(data.get("resources"), list) else []
    return assemble([(item, shown) for item in resources], listed)


def write_snapshot(path: Path, inventory: Inventory, project: str) -> None:
    """Raw resources as listed (so a newer preflight reads more out of them), and what was listed."""
    listed = sorted({(item.kind, item.region) for item in inventory.listed})
    data = {
        SNAPSHOT_KEY: SNAPSHOT_VERSION,
        "project": project,
        "saved": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "listed": [{"kind": kind, "region": region} for kind, region in listed],
        "resources": sorted(inventory.raws, key=lambda raw: json.dumps(raw, sort_keys=True)),
    }
    safe_io.write_text(path, json.dumps(data, indent=2, sort_keys=False) + "\n")
