"""Write a synthetic pipeline repository with the shape of a real one, for benchmarks.

    python benchmarks/generate.py DIR [--scale 1] [--seed 0]

Scale 1 is the size of the real repository the targets below were measured on (with
`benchmarks/shape.py`); 0.25 and 4 shrink or grow every count, never the size of a file: the
Python size distribution is the same at every scale. Nor does a function's shared/ tree grow
(19 copied modules and ~60 links, as measured): a larger tree has more of them. The output is deterministic for a given
scale and seed (same paths, same bytes).

What is inside, and why: gcp-preflight's cost is driven by long modules (many functions,
methods, dict literals and calls per file), classes whose bases live in other modules, row
dicts written to BigQuery through wrappers, deploy scripts that it evaluates (variables,
defaults, loops, functions, sourced helpers), Cloud Function folders whose `shared/` code is
copied, symlinked or staged at deploy time, Dockerfiles, requirements files and DDL. The code is
synthetic (its own domain and names); it is consistent, so the tool finds only the handful of
problems seeded on purpose (SEEDED below), at every scale.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# -- targets: the real repository, measured with benchmarks/shape.py ---------------------------
TARGETS = {
    "python_files": 2216,           # regular .py files (plus 304 .py symlinks, not counted)
    "python_bytes": 30_293_208,     # 796k lines
    "shell_scripts": 538,           # *.sh; 23 more are extensionless with a sh/bash shebang
    "shell_extensionless": 23,
    "deploy_commands": 136,         # functions deploy 67, run deploy 38, run jobs create/update/deploy 31
    "function_folders": 56,         # Cloud Function folders under one orchestration folder
    "shared_tree_functions": 6,     # ... of which hold a shared/ tree: 19 copied .py + ~60 symlinks each
    "shared_link_functions": 2,     # ... of which hold shared -> ../../../shared
    "symlinks": 385,                # 326 to files, 52 to folders, 7 dangling
    "dockerfiles": 47,              # Dockerfile, Dockerfile.*, *.Dockerfile (17 archived)
    "requirements": 97,             # requirements.txt, plus 10 requirements-*.txt
    "sql": 521,                     # 188 with CREATE TABLE (249 statements), 47 views, 46 ALTER, the rest queries
    "json_schemas": 19,
    "yaml": 109,
    "gcloudignore": 6,
    "dockerignore": 2,
    "markdown": 5104,               # walked by the discovery, never read
    "other_files": 500,             # json, txt, csv, env, html, tf: walked, never read
}
# Python file size (bytes) by quantile: median 10.6 KB, p90 28 KB, p99 81 KB, largest 231 KB.
PY_SIZE_QUANTILES = [
    (0.0, 0), (0.03, 0), (0.05, 49), (0.08, 232), (0.10, 469), (0.15, 1798), (0.20, 2863),
    (0.25, 4058), (0.30, 5378), (0.40, 7936), (0.50, 10589), (0.60, 13137), (0.70, 16164),
    (0.75, 17939), (0.80, 19817), (0.85, 23332), (0.90, 28219), (0.93, 32714), (0.95, 38154),
    (0.97, 45719), (0.98, 57034), (0.99, 80781), (0.995, 97902), (0.998, 131073), (1.0, 231427),
]
SHELL_SIZE_QUANTILES = [(0.0, 300), (0.1, 1449), (0.25, 2897), (0.5, 4405), (0.75, 7309), (0.9, 11998),
                        (0.99, 25399), (1.0, 34571)]
# Python files per top-level folder at scale 1 (2,216 in all).
AREAS = {
    "shared": 243, "processors": 312, "collectors": 166, "ml": 201, "forecasts": 82, "orchestration": 196,
    "scripts": 194, "bin": 154, "backfill": 68, "validation": 52, "monitoring": 44, "services": 37,
    "tools": 38, "tests": 404, "misc": 25,
}
# What is seeded on purpose, one of each family (the same at every scale).
SEEDED = {
    "PF101": "a processor name in a phase list that the workflows YAML does not declare",
    "PF102": "a function's fallback copy of a phase list that lacks one name",
    "PF201": "a dangling symlink inside a function's shared/ tree",
    "PF202": "a function whose main.py imports a shared package its shared/ tree lacks",
    "PF301": "a deploy script with --memory 256MB, below the 512MB function floor",
    "PF401": "a dict written to a JSON column with insert_rows_json",
    "PF501": "a misspelt self.method() in a processor",
}

PROJECT = "ampere-grid-prod"
REGION = "us-east1"

NOUNS = ["meter", "feeder", "tariff", "outage", "reading", "station", "sensor", "invoice", "usage",
         "weather", "demand", "circuit", "asset", "crew", "ticket", "region", "price", "contract",
         "customer", "account", "transformer", "substation", "alert", "batch", "window", "segment",
         "zone", "device", "signal", "event", "report", "quota", "rate", "peak", "credit", "sample",
         "channel", "profile", "period", "route", "shift", "inspection", "warranty", "vendor", "order",
         "shipment", "spike", "phase", "voltage", "current", "billing", "premise", "pole", "line",
         "breaker", "relay", "panel", "grid", "plant", "unit", "cycle", "trend", "budget", "target"]
VERBS = ["load", "build", "fetch", "parse", "normalize", "compute", "merge", "score", "check", "resolve",
         "collect", "export", "format", "filter", "group", "rank", "summarize", "validate", "refresh",
         "reconcile", "estimate", "apply", "prepare", "extract", "publish", "record", "sync", "split",
         "match", "clean"]
ADJ = ["daily", "hourly", "raw", "net", "peak", "base", "total", "active", "pending", "latest", "prior",
       "weekly", "rolling", "smoothed", "adjusted"]
SUFFIXES = ["", "_rows", "_count", "_map", "_ids", "_info", "_list", "_total", "_by_zone", "_keys"]
SOURCES = ["meterflow", "gridstat", "tariffhub", "skycast", "outagewatch", "loadline", "crewlink",
           "assetreg", "pricefeed", "billrun", "demandnet", "subsense"]
COLUMN_TYPES = ["STRING", "STRING", "STRING", "INT64", "INT64", "FLOAT64", "FLOAT64", "BOOL", "DATE",
                "TIMESTAMP", "JSON", "NUMERIC"]
DIST = {  # import name -> distribution (requirements lines)
    "functions_framework": "functions-framework==3.*", "google.cloud.bigquery": "google-cloud-bigquery>=3.11",
    "google.cloud.pubsub_v1": "google-cloud-pubsub>=2.18", "google.cloud.storage": "google-cloud-storage>=2.10",
    "google.cloud.firestore": "google-cloud-firestore>=2.13", "requests": "requests>=2.31",
    "yaml": "PyYAML>=6.0", "pandas": "pandas>=2.0", "numpy": "numpy>=1.26", "sklearn": "scikit-learn>=1.3",
    "flask": "Flask>=3.0", "gunicorn": "gunicorn>=21.2", "bs4": "beautifulsoup4>=4.12", "pytest": "pytest>=7.4",
}
CORE_REQUIREMENTS = ["functions_framework", "google.cloud.bigquery", "google.cloud.pubsub_v1",
                     "google.cloud.storage", "google.cloud.firestore", "requests", "yaml", "pandas"]
THIRD_PARTY_IMPORT = {  # import key -> import statement
    "google.cloud.bigquery": "from google.cloud import bigquery",
    "google.cloud.pubsub_v1": "from google.cloud import pubsub_v1",
    "google.cloud.storage": "from google.cloud import storage",
    "google.cloud.firestore": "from google.cloud import firestore",
    "requests": "import requests", "yaml": "import yaml", "pandas": "import pandas as pd",
    "numpy": "import numpy as np", "sklearn": "from sklearn.model_selection import train_test_split",
    "flask": "from flask import Flask, jsonify, request", "bs4": "from bs4 import BeautifulSoup",
    "pytest": "import pytest", "functions_framework": "import functions_framework",
    "mock": "from unittest.mock import MagicMock, patch",
}
STDLIB_IMPORT = {
    "json": "import json", "logging": "import logging", "os": "import os", "re": "import re",
    "time": "import time", "hashlib": "import hashlib", "argparse": "import argparse", "sys": "import sys",
    "base64": "import base64", "math": "import math", "uuid": "import uuid",
    "datetime": "from datetime import date, datetime, timedelta, timezone",
    "collections": "from collections import Counter, defaultdict",
    "typing": "from typing import Any, Dict, List, Optional",
    "enum": "from enum import Enum", "dataclasses": "from dataclasses import dataclass, field",
}
STDLIB_ORDER = ["argparse", "base64", "hashlib", "json", "logging", "math", "os", "re", "sys", "time", "uuid",
                "collections", "dataclasses", "datetime", "enum", "typing"]


def interpolate(table: list[tuple[float, int]], q: float) -> int:
    for (q0, v0), (q1, v1) in zip(table, table[1:]):
        if q <= q1:
            t = 0.0 if q1 == q0 else (q - q0) / (q1 - q0)
            return int(v0 + (v1 - v0) * t)
    return table[-1][1]


def stratified(rng: random.Random, table: list[tuple[float, int]], count: int) -> list[int]:
    """`count` sizes that follow the quantile table closely (one draw per equal-probability
    stratum), shuffled. The largest stratum keeps the table's maximum."""
    sizes = [interpolate(table, (i + rng.random()) / count) for i in range(count)]
    if count >= 400:
        sizes[-1] = table[-1][1]
    rng.shuffle(sizes)
    return sizes


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


# -- the model of the Python code ---------------------------------------------------------------
@dataclass
class Func:
    name: str
    params: tuple[str, ...]
    writes: bool = False  # writes rows to BigQuery: called only where its arguments are rows and a table


@dataclass
class Cls:
    name: str
    module: str
    bases: list["Cls"] = field(default_factory=list)
    attrs: list[str] = field(default_factory=list)          # class attributes and self.x set in __init__
    dict_attrs: list[str] = field(default_factory=list)     # attrs that hold dicts (subscript writes)
    methods: dict[str, int] = field(default_factory=dict)   # name -> positional params after self
    init_params: int = 0
    members: list[str] | None = None                        # an Enum's members
    processor_name: str | None = None

    def all_attrs(self) -> list[str]:
        seen = list(self.attrs)
        for base in self.bases:
            seen += [a for a in base.all_attrs() if a not in seen]
        return seen

    def all_dict_attrs(self) -> list[str]:
        return self.dict_attrs + [a for b in self.bases for a in b.all_dict_attrs()]

    def all_methods(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for base in reversed(self.bases):
            found.update(base.all_methods())
        found.update(self.methods)
        return found


@dataclass
class Table:
    dataset: str
    name: str
    columns: list[tuple[str, str, str]]  # name, type, mode
    migrated: list[tuple[str, str, str]] = field(default_factory=list)  # added by ALTER TABLE later

    @property
    def all_columns(self):
        return self.columns + self.migrated


def shared_parts(total: int) -> list[tuple[str, int]]:
    """The shared/ folders and how many modules each holds, for `total` shared modules."""
    parts = []
    for pkg, share in SHARED_SHARE.items():
        k = max(2, round(total * share))
        nested = SHARED_NESTED.get(pkg, []) if k >= 6 else []
        parts.append((pkg, k - (len(nested) * round(k * 0.3) if nested else 0)))
        parts += [(f"{pkg}/{sub}", round(k * 0.3)) for sub in nested]
    return parts


@dataclass
class Mod:
    rel: str
    area: str
    package: str        # the dependency group ("shared.config", "processors.raw", "tests", ...)
    style: str
    size: int = 0
    funcs: list[Func] = field(default_factory=list)
    classes: list[Cls] = field(default_factory=list)
    consts: list[str] = field(default_factory=list)
    role: str = ""
    # Among the modules a function's shared/ tree holds (its copies and file links): those a
    # scale-1 tree has. The tree keeps its measured size at every scale (19 copies, ~60 links),
    # as a file keeps its size, so its modules import only each other.
    core: bool = True

    @property
    def dotted(self) -> str:
        if self.package.startswith("fn."):  # a function folder is the root of its deployed unit
            return self.rel.rsplit("/", 1)[1][:-3]
        path = self.rel[:-3]
        if path.endswith("/__init__"):
            path = path[: -len("/__init__")]
        return path.replace("/", ".")


# Which packages a module of a group may import from (its deployment unit copies exactly these).
SHARED_LAYERS = {
    "config": [], "utils": ["config"], "clients": ["config", "utils"], "validation": ["config", "utils"],
    "processors": ["config", "utils", "clients"], "alerts": ["config", "utils"],
    "publishers": ["config", "utils", "clients"], "monitoring": ["config", "utils", "clients"],
    "backfill": ["config", "utils"], "endpoints": ["config", "utils"], "health": ["config", "utils", "validation"],
    "change_detection": ["config", "utils", "clients"],
}
SHARED_SHARE = {"config": 0.14, "utils": 0.22, "clients": 0.05, "validation": 0.16, "processors": 0.10,
                "alerts": 0.03, "publishers": 0.02, "monitoring": 0.11, "backfill": 0.03, "endpoints": 0.03,
                "health": 0.06, "change_detection": 0.05}
# In a function folder's shared/ tree (as measured: 19 copied files, ~60 links, 9 of them to
# folders): packages copied, linked file by file (their subfolders linked whole), or linked whole.
SHARED_NESTED = {"config": ["sources", "regions"], "utils": ["schedule", "io"], "validation": ["checks", "context"],
                 "processors": ["patterns", "mixins"]}
TREE_COPIED = ["clients", "alerts"]
TREE_LINKED_FILES = ["config", "utils", "processors"]
TREE_LINKED_DIRS = ["validation", "health"]
AREA_DEPS = {
    "processors": ["shared", "processors"], "collectors": ["shared", "collectors"], "ml": ["shared", "ml"],
    "forecasts": ["shared", "ml", "forecasts"], "backfill": ["shared", "processors", "backfill"],
    "validation": ["shared", "validation"], "monitoring": ["shared", "monitoring"],
    "services": ["shared"], "orchestration": ["shared"],
}
AREA_THIRD_PARTY = {
    "shared": ["google.cloud.bigquery", "google.cloud.pubsub_v1", "google.cloud.storage", "google.cloud.firestore",
               "requests", "yaml", "pandas"],
    "processors": ["google.cloud.bigquery", "pandas", "google.cloud.storage"],
    "collectors": ["requests", "bs4", "google.cloud.storage"],
    "ml": ["pandas", "numpy", "sklearn", "google.cloud.bigquery"],
    "forecasts": ["pandas", "numpy", "google.cloud.bigquery", "google.cloud.pubsub_v1"],
    "services": ["flask", "google.cloud.bigquery"], "backfill": ["google.cloud.bigquery", "pandas"],
    "validation": ["google.cloud.bigquery", "yaml"], "monitoring": ["google.cloud.bigquery", "requests"],
    "orchestration": ["google.cloud.bigquery", "google.cloud.firestore", "google.cloud.pubsub_v1", "requests"],
}
STYLE_WEIGHTS = {  # block kinds per style: function, class, dict constant, writer, query
    "lib": {"func": 22, "class": 48, "dict": 9, "writer": 14, "query": 11},
    "processor": {"func": 20, "class": 54, "dict": 7, "writer": 6, "query": 13},
    "collector": {"func": 20, "class": 60, "dict": 20, "writer": 0, "query": 0},
    "ml": {"func": 58, "class": 26, "dict": 4, "writer": 6, "query": 8},
    "script": {"func": 58, "class": 13, "dict": 8, "writer": 8, "query": 13},
    "main": {"func": 58, "class": 12, "dict": 10, "writer": 10, "query": 10},
    "service": {"func": 37, "class": 35, "dict": 10, "writer": 14, "query": 6},
    "test": {"func": 50, "class": 45, "dict": 5, "writer": 0, "query": 0},
}
FUNC_STATEMENTS = {"lib": (5, 17), "processor": (6, 19), "collector": (5, 14), "ml": (10, 26), "script": (7, 19),
                   "main": (7, 17), "service": (5, 14), "test": (3, 7)}


# Methods generated bodies never call: a property, and the base class's row sink (rows passed to
# it must be row dicts for its table, so only the processors' own writers call it).
NOT_CALLED = {"table_id", "save_rows"}


class Names:
    """Unique identifiers drawn from the word lists."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def noun(self) -> str:
        return self.rng.choice(NOUNS)

    def local(self) -> str:
        prefix = self.rng.choice(ADJ) + "_" if self.rng.random() < 0.45 else ""
        return prefix + self.rng.choice(NOUNS) + self.rng.choice(SUFFIXES)

    def func(self, taken: set[str]) -> str:
        for _ in range(50):
            name = f"{self.rng.choice(VERBS)}_{self.rng.choice(ADJ) + '_' if self.rng.random() < 0.4 else ''}{self.rng.choice(NOUNS)}"
            if name not in taken:
                return name
        return f"{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}_{len(taken)}"

    def key(self) -> str:
        return self.rng.choice(NOUNS) + self.rng.choice(["", "_id", "_name", "_at", "_count", "_code", "_type"])


class ModuleWriter:
    """Writes one module of about `mod.size` bytes, and records its API (functions, classes)."""

    def __init__(self, gen: "Generator", mod: Mod, deps: list[Mod]):
        self.gen, self.mod, self.rng = gen, mod, gen.rng
        self.names = Names(self.rng)
        self.stdlib: set[str] = {"logging"}
        self.third: set[str] = set()
        self.blocks: list[str] = []
        self.size = 0
        self.taken: set[str] = set()
        self.imported_funcs: list[tuple[str, Func]] = []
        self.imported_classes: list[Cls] = []
        self.project_imports: dict[str, list[str]] = {}
        self.fallback_imports: dict[str, list[str]] = {}
        self.table_consts: dict[str, str] = {}
        self.pending: list[str] = []
        self.processors_here = 0
        self.can_wrap = gen.wrapper_module is not None and any(d.dotted == gen.wrapper_module for d in deps)
        self._choose_imports(deps)
        self._base_imports()

    # -- imports ------------------------------------------------------------------------------
    def _choose_imports(self, deps: list[Mod]) -> None:
        rng = self.rng
        candidates = [d for d in deps if d.funcs or d.classes]
        if not candidates:
            return
        wanted = min(len(candidates), max(1, int(self.mod.size / 6000) + rng.randint(0, 2)), 8)
        # As measured: 12% of modules guard an import with try/except ImportError (most collectors,
        # many function entry modules), one or two imports each.
        chance = {"collector": 0.25, "main": 0.4}.get(self.mod.style, 0.07)
        guard = rng.randint(1, 2) if rng.random() < chance else 0
        for dep in rng.sample(candidates, wanted):
            names = []
            for func in rng.sample(dep.funcs, min(len(dep.funcs), rng.randint(1, 3))):
                if func.name not in self.taken:
                    names.append(func.name)
                    self.imported_funcs.append((func.name, func))
                    self.taken.add(func.name)
            usable = [c for c in dep.classes if c.members is None or rng.random() < 0.5]
            for cls in rng.sample(usable, min(len(usable), rng.randint(0, 2))):
                if cls.name not in self.taken:
                    names.append(cls.name)
                    self.imported_classes.append(cls)
                    self.taken.add(cls.name)
            if names:
                target = self.fallback_imports if guard else self.project_imports
                guard = max(0, guard - 1)
                target.setdefault(dep.dotted, []).extend(names)

    def _base_imports(self) -> None:
        """Processors import the shared base and some mixins; collectors their base class."""
        gen, mod = self.gen, self.mod
        if mod.style == "processor" and gen.processor_base is not None:
            self.project_imports.setdefault(gen.processor_base.module, []).append("ProcessorBase")
            self.taken.add("ProcessorBase")
            for mixin in self.rng.sample(gen.mixins, min(len(gen.mixins), self.rng.randint(0, 2))):
                self.project_imports.setdefault(mixin.module, []).append(mixin.name)
                self.taken.add(mixin.name)
        if mod.style == "collector" and gen.collector_base is not None and mod.role != "collector_base":
            target = self.fallback_imports if self.rng.random() < 0.7 else self.project_imports
            target.setdefault(gen.collector_base.module, []).append("CollectorBase")
            self.taken.add("CollectorBase")

    def header(self) -> str:
        lines = [f'"""{self.gen.sentence(self.mod.dotted)}"""', ""]
        std = [STDLIB_IMPORT[k] for k in STDLIB_ORDER if k in self.stdlib]
        if std:
            lines += std + [""]
        third = sorted(THIRD_PARTY_IMPORT[k] for k in self.third)
        if third:
            lines += third + [""]
        if self.project_imports:
            for module, names in sorted(self.project_imports.items()):
                lines.append(f"from {module} import {', '.join(sorted(set(names)))}")
            lines.append("")
        for module, names in sorted(self.fallback_imports.items()):
            lines += ["try:", f"    from {module} import {', '.join(sorted(set(names)))}",
                      "except ImportError:  # running from a copy without this package"]
            for name in sorted(set(names)):
                cls = next((c for c in self.imported_classes if c.name == name), None)
                lines.append(f"    {name} = None" if cls is None or self.mod.style != "collector" else f"    {name} = object")
            lines.append("")
        lines += ["", "logger = logging.getLogger(__name__)", ""]
        return "\n".join(lines) + "\n"

    def add(self, block: str) -> None:
        self.blocks.append(block)
        self.size += len(block) + 2

    # -- expressions and statements ------------------------------------------------------------
    def literal(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.35:
            return f'"{self.names.noun()}_{rng.choice(ADJ)}"'
        if kind < 0.55:
            return str(rng.choice([0, 1, 3, 5, 10, 25, 50, 100, 250, 500, 1000, 3600]))
        if kind < 0.65:
            return rng.choice(["True", "False", "None"])
        if kind < 0.94:
            return f"{rng.random() * 10:.2f}"
        return f'os.environ.get("{self.names.noun().upper()}_{rng.choice(ADJ).upper()}", "{self.names.noun()}")'

    def simple(self, scope: "Scope") -> str:
        """An expression without a call."""
        rng = self.rng
        v = scope.var()
        r = rng.random()
        if r < 0.2:
            return v
        if r < 0.35:
            return f"{v} or {self.literal() if rng.random() < 0.5 else '[]'}"
        if r < 0.45:
            return f"{v} is not None"
        if r < 0.47 and scope.cls is not None and scope.cls.all_attrs():
            return f"self.{rng.choice(scope.cls.all_attrs())}"
        if r < 0.65 and self.mod.consts:
            return rng.choice(self.mod.consts)
        if r < 0.75:
            return f'f"{{{v}}}:{{{scope.var()}}}"'
        if r < 0.85:
            return f'"{self.names.noun()} {rng.choice(VERBS)} {rng.choice(ADJ)}"'
        if r < 0.92:
            return f"{v} * {rng.randint(2, 60)}"
        return self.literal()

    def docstring(self, name: str, params: tuple[str, ...], indent: int) -> list[str]:
        pad = "    " * indent
        rng = self.rng
        if rng.random() < 0.35 or not params:
            return [f'{pad}"""{self.gen.sentence(name)}"""']
        lines = [f'{pad}"""{self.gen.sentence(name)}', "", f"{pad}Args:"]
        lines += [f"{pad}    {p}: the {rng.choice(ADJ)} {p} {rng.choice(['to use', 'being processed', 'from the caller', 'or None'])}."
                  for p in params]
        lines += ["", f"{pad}Returns:", f"{pad}    The {rng.choice(ADJ)} {rng.choice(NOUNS)} {rng.choice(['rows', 'totals', 'map', 'result'])}.",
                  f'{pad}"""']
        return lines

    def expr(self, scope: "Scope") -> str:
        rng = self.rng
        if rng.random() < 0.68:
            return self.simple(scope)
        v = scope.var()
        r = rng.random()
        if r < 0.10:
            self.stdlib.add("json")
            return f"json.dumps({v}, default=str)"
        if r < 0.18:
            self.stdlib.add("datetime")
            return "datetime.now(timezone.utc).isoformat()"
        if r < 0.26:
            return f"str({v}).strip().lower()"
        if r < 0.33:
            return f"int({v} or 0)"
        if r < 0.40:
            return f"round(float({v} or 0) * {rng.randint(2, 100)}, {rng.randint(1, 4)})"
        if r < 0.46:
            return f"sorted({v} or [])"
        if r < 0.52:
            self.stdlib.add("re")
            return f're.sub(r"[^a-z0-9_]", "", str({v}).lower())'
        if r < 0.57:
            self.stdlib.add("hashlib")
            return f"hashlib.sha256(str({v}).encode()).hexdigest()[:{rng.choice([8, 12, 16])}]"
        if r < 0.62:
            self.stdlib.add("time")
            return "time.monotonic()"
        if r < 0.63 and scope.cls is not None:
            attrs = scope.cls.all_attrs()
            if attrs:
                return f"self.{rng.choice(attrs)}"
        if r < 0.78:
            call = self.call(scope)
            if call:
                return call
        if r < 0.86:
            return f'f"{{{v}}}-{self.names.noun()}"'
        if r < 0.92:
            return f"len({v} or [])"
        self.stdlib.add("os")
        return self.literal()

    def call(self, scope: "Scope") -> str | None:
        """A call of a project function, an own earlier function or a method of self."""
        rng = self.rng
        options = []
        if self.imported_funcs:
            options += ["imported", "imported"]
        if self.mod.funcs:
            options += ["own", "own"]
        if scope.cls is not None and scope.cls.all_methods():
            options.append("self")
        if not options:
            return None
        kind = rng.choice(options)
        if kind == "imported":
            name, func = rng.choice(self.imported_funcs)
            if name in self.fallback_names() or func.writes:
                return None
            return f"{name}({', '.join(scope.var() for _ in func.params)})"
        if kind == "own":
            func = rng.choice(self.mod.funcs)
            if func.writes:
                return None
            return f"{func.name}({', '.join(scope.var() for _ in func.params)})"
        methods = {m: n for m, n in scope.cls.all_methods().items() if m != scope.method and not m.startswith("__")
                   and m not in NOT_CALLED}
        if not methods:
            return None
        method = rng.choice(sorted(methods))
        return f"self.{method}({', '.join(scope.var() for _ in range(methods[method]))})"

    def fallback_names(self) -> set[str]:
        return {n for names in self.fallback_imports.values() for n in names}

    def statement(self, scope: "Scope", depth: int = 0) -> list[str]:
        lines = self._statement(scope, depth)
        rng = self.rng
        if depth == 0 and rng.random() < 0.34:
            pad = "    " * scope.indent
            comment = [f"{pad}# {self.gen.sentence(rng.choice(NOUNS))[:-1].lower()}"]
            if rng.random() < 0.35:
                comment.append(f"{pad}# ({self.gen.sentence(rng.choice(NOUNS))[:-1].lower()})")
            lines = comment + lines
        if depth == 0 and rng.random() < 0.18:
            lines.append("")
        return lines

    def _statement(self, scope: "Scope", depth: int = 0) -> list[str]:
        rng = self.rng
        pad = "    " * (scope.indent + depth)
        r = rng.random()
        if r < 0.30:
            value = self.expr(scope)
            return [f"{pad}{scope.new()} = {value}"]
        if r < 0.35:
            keys = {self.names.key() for _ in range(rng.randint(3, 8))}
            values = [f'{pad}    "{k}": {self.expr(scope)},' for k in sorted(keys)]
            return [f"{pad}{scope.new()} = {{"] + values + [f"{pad}}}"]
        if r < 0.50 and depth < 2:
            v = scope.var()
            cond = rng.choice([f"not {v}", f"{v} is None", f"isinstance({v}, dict)", f"len({v} or []) > {rng.randint(1, 50)}",
                               f'{v} == "{self.names.noun()}"', f"{v} and {scope.var()}", f"{v} is not None"])
            lines = [f"{pad}if {cond}:"]
            for _ in range(rng.randint(1, 2)):
                lines += self.effect(scope, depth + 1)
            if rng.random() < 0.4:
                lines.append(f"{pad}else:")
                lines += self.effect(scope, depth + 1)
            return lines
        if r < 0.60 and depth < 2:
            v = scope.var()
            items = scope.new()
            lines = [f"{pad}{items} = []", f"{pad}for item in {v} or []:"]
            inner = "    " * (scope.indent + depth + 1)
            lines.append(f"{inner}if not item:")
            lines.append(f"{inner}    continue")
            if rng.random() < 0.08:
                lines.append(f'{inner}{items}.append({{"{self.names.key()}": item, "{self.names.key()}": {self.expr(scope)}}})')
            else:
                lines.append(f"{inner}{items}.append({self.simple(scope) if rng.random() < 0.5 else 'item'})")
            return lines
        if r < 0.68 and depth < 2:
            lines = [f"{pad}try:"]
            lines += self.effect(scope, depth + 1)
            lines += [f"{pad}except (KeyError, ValueError, TypeError) as exc:",
                      f'{pad}    logger.warning("{self.names.noun()} {rng.choice(VERBS)} failed for %s: %s", {scope.var()}, exc)']
            return lines
        if r < 0.78:
            return [f'{pad}logger.{rng.choice(["info", "debug", "info", "warning"])}("{rng.choice(VERBS)} {self.names.noun()} for the {rng.choice(ADJ)} {self.names.noun()} window: %s (%s)", {scope.var()}, {self.simple(scope)})']
        if r < 0.86:
            v = scope.var()
            return [f"{pad}{scope.new()} = [x for x in ({v} or []) if x is not None][:{rng.randint(5, 500)}]"]
        if r < 0.93 and scope.instances:
            var, cls = rng.choice(sorted(scope.instances.items()))
            methods = {m: n for m, n in cls.all_methods().items() if not m.startswith("__") and m not in NOT_CALLED}
            if methods:
                method = rng.choice(sorted(methods))
                args = ", ".join(scope.var() for _ in range(methods[method]))
                return [f"{pad}{scope.new()} = {var}.{method}({args})"]
        if r < 0.96 and scope.cls is not None and scope.cls.all_dict_attrs():
            return [f'{pad}self.{rng.choice(scope.cls.all_dict_attrs())}["{self.names.key()}"] = {self.expr(scope)}']
        if self.imported_classes and rng.random() < 0.7:
            cls = rng.choice(self.imported_classes)
            if cls.members is not None:
                return [f"{pad}{scope.new()} = {cls.name}.{rng.choice(cls.members)}.value"]
            if cls.name not in self.fallback_names():
                args = ", ".join(scope.var() for _ in range(cls.init_params))
                return [f"{pad}{scope.new(instance=cls)} = {cls.name}({args})"]
        value = f'f"{{{scope.var()}}}/{{{scope.var()}}}"'
        return [f"{pad}{scope.new()} = {value}"]

    def effect(self, scope: "Scope", depth: int) -> list[str]:
        """A statement inside a branch: it binds no new name (so nothing is used unbound)."""
        pad = "    " * (scope.indent + depth)
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return [f'{pad}logger.info("{rng.choice(VERBS)} {self.names.noun()} %s", {self.simple(scope)})']
        if r < 0.6:
            call = self.call(scope)
            if call:
                return [f"{pad}{call}"]
        if r < 0.7 and scope.cls is not None and scope.cls.all_dict_attrs():
            return [f'{pad}self.{rng.choice(scope.cls.all_dict_attrs())}["{self.names.key()}"] = {self.expr(scope)}']
        return [f"{pad}return {scope.var()}"] if rng.random() < 0.5 else [f'{pad}logger.debug("skip %s", {scope.var()})']

    def body(self, scope: "Scope", low: int, high: int) -> list[str]:
        lines = []
        for _ in range(self.rng.randint(low, high)):
            lines += self.statement(scope)
        lines.append(f"{'    ' * scope.indent}return {scope.var()}")
        return lines

    # -- blocks -------------------------------------------------------------------------------
    def func_block(self) -> str:
        rng = self.rng
        name = self.names.func(self.taken)
        self.taken.add(name)
        params = tuple(dict.fromkeys(self.names.noun() for _ in range(rng.randint(1, 4))))
        scope = Scope(self, params, 1)
        low, high = FUNC_STATEMENTS[self.mod.style]
        if self.mod.style == "test":
            return self.test_block()
        lines = [f"def {name}({', '.join(params)}):"] + self.docstring(name, params, 1)
        lines += self.body(scope, low, high)
        self.mod.funcs.append(Func(name, params))
        return "\n".join(lines)

    def class_block(self) -> str:
        rng = self.rng
        style = self.mod.style
        if style == "test":
            return self.test_class_block()
        if style == "processor" and self.gen.processor_base and self.processors_here < 1 + (self.mod.size > 40000):
            self.processors_here += 1
            return self.processor_block()
        name = camel(f"{rng.choice(ADJ)}_{self.names.noun()}_{rng.choice(['client', 'manager', 'helper', 'tracker', 'builder', 'checker', 'store', 'runner', 'collector' if style == 'collector' else 'index'])}")
        if name in self.taken:
            name += str(len(self.taken))
        self.taken.add(name)
        if rng.random() < 0.08:
            return self.enum_block(name.replace("Client", "Status"))
        bases = []
        plain = [c for c in self.imported_classes if c.members is None and c.name not in self.fallback_names()
                 and not c.processor_name]
        if style == "collector" and self.gen.collector_base and self.gen.collector_base.name in self.taken:
            bases = [self.gen.collector_base]
        elif plain and rng.random() < 0.25:
            bases = [rng.choice(plain)]
        cls = Cls(name, self.mod.dotted, bases)
        self.mod.classes.append(cls)
        return self.class_body(cls, base_init=bool(bases))

    def class_body(self, cls: Cls, base_init: bool, class_attrs: dict[str, str] | None = None,
                   method_count: tuple[int, int] = (1, 7)) -> str:
        rng = self.rng
        base_text = f"({', '.join(b.name for b in cls.bases)})" if cls.bases else ""
        lines = [f"class {cls.name}{base_text}:", f'    """{self.gen.sentence(cls.name)}"""', ""]
        for attr, value in (class_attrs or {}).items():
            lines.append(f"    {attr} = {value}")
            cls.attrs.append(attr)
        if class_attrs:
            lines.append("")
        init_params = tuple(dict.fromkeys(self.names.noun() for _ in range(rng.randint(0, 3))))
        cls.init_params = len(init_params)
        lines.append(f"    def __init__(self{''.join(', ' + p for p in init_params)}):")
        if base_init:
            base = cls.bases[-1] if cls.bases else None
            args = ", ".join(rng.choice(init_params) if init_params else "None" for _ in range(base.init_params)) if base else ""
            lines.append(f"        super().__init__({args})")
        new_attrs = []
        for _ in range(rng.randint(2, 7)):
            attr = self.names.noun() + rng.choice(["", "_count", "_ids", "_config", "_cache", "_limit", "_client"])
            if attr in cls.all_attrs() or attr in new_attrs:
                continue
            new_attrs.append(attr)
            if attr.endswith(("_cache", "_config")):
                lines.append(f"        self.{attr} = {{}}")
                cls.dict_attrs.append(attr)
            elif init_params and rng.random() < 0.5:
                lines.append(f"        self.{attr} = {rng.choice(init_params)}")
            else:
                lines.append(f"        self.{attr} = {self.literal()}")
        if "os.environ" in "\n".join(lines):
            self.stdlib.add("os")
        cls.attrs += new_attrs
        lines.append("")
        low, high = method_count
        high = max(low, min(high, getattr(self, "budget", 10**9) // 1600))
        for _ in range(rng.randint(low, high)):
            lines += self.method(cls) + [""]
        return "\n".join(lines).rstrip() + "\n"

    def method(self, cls: Cls, name: str | None = None, params: tuple[str, ...] | None = None) -> list[str]:
        rng = self.rng
        if name is None:
            name = self.names.func(set(cls.all_methods()) | set(cls.all_attrs()))
        if params is None:
            params = tuple(dict.fromkeys(self.names.noun() for _ in range(rng.randint(0, 3))))
        scope = Scope(self, params, 2, cls=cls, method=name)
        low, high = FUNC_STATEMENTS[self.mod.style]
        lines = [f"    def {name}(self{''.join(', ' + p for p in params)}):"] + self.docstring(name, params, 2)
        lines += self.body(scope, low, high)
        cls.methods[name] = len(params)
        return lines

    def enum_block(self, name: str) -> str:
        self.stdlib.add("enum")
        members = sorted({f"{self.rng.choice(ADJ).upper()}_{self.names.noun().upper()}" for _ in range(self.rng.randint(3, 9))})
        cls = Cls(name, self.mod.dotted, members=members)
        self.mod.classes.append(cls)
        return "\n".join([f"class {name}(str, Enum):", f'    """{self.gen.sentence(name)}"""', ""]
                         + [f'    {m} = "{m.lower()}"' for m in members]) + "\n"

    def processor_block(self) -> str:
        """A processor: subclass of the shared base (and mixins), with a table and row writers."""
        rng = self.rng
        gen = self.gen
        table = gen.next_processor_table(self.mod.package)
        phase = {"processors.raw": 2, "processors.analytics": 3, "processors.precompute": 4, "processors.grading": 5}[self.mod.package]
        pname = f"p{phase}_{table.name}"
        while pname in gen.processor_names:
            pname = f"p{phase}_{table.name}_v{len(gen.processor_names)}"
        gen.processor_names.add(pname)
        name = camel(pname[3:]) + "Processor"
        if name in self.taken:
            name = camel(table.name) + f"V{len(self.taken)}Processor"
        self.taken.add(name)
        mixins = [m for m in rng.sample(gen.mixins, min(len(gen.mixins), rng.choice([0, 0, 1, 1, 2])))
                  if m.name in self.taken]
        cls = Cls(name, self.mod.dotted, mixins + [gen.processor_base], processor_name=pname)
        attrs = {"processor_name": f'"{pname}"', "dataset_id": f'"{table.dataset}"', "table_name": f'"{table.name}"'}
        text = self.class_body(cls, base_init=True, class_attrs=attrs, method_count=(2, 6))
        writer = self.writer_method(cls, table)
        if gen.seed_pf501 is None and phase == 3:
            gen.seed_pf501 = self.mod.rel
            writer = writer.replace("        self.save_rows(rows)", "        self.save_row(rows)  # seeded PF501", 1)
        source = rng.choice(gen.tables)
        process = (f"    def process(self, payload, run_date):\n"
                   f'        """Read the day\'s source rows and write them to {table.dataset}.{table.name}."""\n'
                   f'        sql = f"SELECT * FROM `{{self.project_id}}.{source.dataset}.{source.name}` WHERE run_date = @run_date"\n'
                   f"        records = self.run_query(sql, run_date)\n"
                   f"        return self.write_{table.name}(records, run_date)\n")
        cls.methods["process"] = 2
        gen.processors.append((pname, cls, self.mod))
        self.mod.classes.append(cls)
        return text + "\n" + writer + "\n" + process

    def row_value(self, column: tuple[str, str, str], record: str = "record") -> str:
        name, kind, mode = column
        get = f'{record}.get("{name}")'
        if mode == "REPEATED":
            return f"list({get} or [])"
        if kind == "STRING":
            return self.rng.choice([f'str({get} or "")', f"f\"{{{record}.get('{name}')}}\"", f'str({get} or "").strip()'])
        if kind == "INT64":
            return f"int({get} or 0)"
        if kind in ("FLOAT64", "NUMERIC"):
            return f"float({get} or 0.0)"
        if kind == "BOOL":
            return f"bool({get})"
        if kind == "DATE":
            return f'str({get} or run_date)'
        if kind == "TIMESTAMP":
            return "processed_at"
        if kind == "JSON":
            self.stdlib.add("json")
            return f"json.dumps({get} or {{}}, default=str)"
        return get

    def row_lines(self, table: Table, pad: str, skip_json: bool = False) -> list[str]:
        columns = [c for c in table.all_columns if c[1] != "STRUCT" and not (skip_json and c[1] == "JSON")]
        keep = [c for c in columns if self.rng.random() < 0.85] or columns[:1]
        return [f'{pad}"{c[0]}": {self.row_value(c)},' for c in keep]

    def writer_method(self, cls: Cls, table: Table) -> str:
        self.stdlib.add("datetime")
        name = f"write_{table.name}"
        lines = [f"    def {name}(self, records, run_date):",
                 f'        """Turn {table.name} records into rows and append them to {table.dataset}.{table.name}."""',
                 "        processed_at = datetime.now(timezone.utc).isoformat()", "        rows = []",
                 "        for record in records:", "            rows.append({"]
        lines += self.row_lines(table, " " * 16)
        lines += ["            })", "        if not rows:", "            return 0",
                  '        logger.info("%s: %d rows for %s", self.processor_name, len(rows), run_date)',
                  "        self.save_rows(rows)", "        return len(rows)", ""]
        cls.methods[name] = 2
        return "\n".join(lines)

    def writer_block(self) -> str:
        """A module function that writes row dicts to a table, directly or through the wrapper."""
        rng, gen = self.rng, self.gen
        table = rng.choice(gen.side_tables)
        self.stdlib.update({"datetime", "os"})
        const = self.table_consts.get(table.name)
        prelude = ""
        if const is None:
            const = f"{table.name.upper()}_TABLE"
            self.table_consts[table.name] = const
            prelude = f'{const} = f"{{PROJECT_ID}}.{table.dataset}.{table.name}"\n\n\n'
        name = self.names.func(self.taken)
        self.taken.add(name)
        api = rng.choice(["wrapper", "wrapper", "insert", "load"])
        lines = [f"def {name}(records, run_date):", f'    """{self.gen.sentence(name)}"""',
                 "    processed_at = datetime.now(timezone.utc).isoformat()", "    rows = []",
                 "    for record in records:", "        rows.append({"]
        lines += self.row_lines(table, " " * 12, skip_json=(api == "load"))
        lines += ["        })", "    if not rows:", "        return 0"]
        if api == "wrapper" and self.can_wrap:
            self.project_imports.setdefault(gen.wrapper_module, []).append("insert_bigquery_rows")
            self.taken.add("insert_bigquery_rows")
            lines.append(f"    insert_bigquery_rows({const}, rows)")
        elif api == "load":
            self.third.add("google.cloud.bigquery")
            lines += ["    client = bigquery.Client(project=PROJECT_ID)",
                      "    job_config = bigquery.LoadJobConfig(write_disposition=bigquery.WriteDisposition.WRITE_APPEND)",
                      f"    client.load_table_from_json(rows, {const}, job_config=job_config).result()"]
        else:
            self.third.add("google.cloud.bigquery")
            lines += ["    client = bigquery.Client(project=PROJECT_ID)",
                      f"    errors = client.insert_rows_json({const}, rows)", "    if errors:",
                      f'        logger.error("insert into %s failed: %s", {const}, errors[:3])']
        lines.append("    return len(rows)")
        self.mod.funcs.append(Func(name, ("records", "run_date"), writes=True))
        return prelude + "\n".join(lines)

    def query_block(self) -> str:
        rng, gen = self.rng, self.gen
        table = rng.choice(gen.tables)
        cols = [c[0] for c in table.columns[: rng.randint(3, 8)]]
        const = f"{table.name.upper()}_QUERY"
        if const in self.taken:
            const += f"_{len(self.taken)}"
        self.taken.add(const)
        self.third.add("google.cloud.bigquery")
        name = self.names.func(self.taken)
        self.taken.add(name)
        key = cols[0]
        other = rng.choice(gen.tables)
        selected = ",\n    ".join(f"t.{c}" for c in cols)
        sql = (f'{const} = """\n-- {self.gen.sentence(table.name)}\nSELECT\n    {selected},\n    o.processed_at AS source_processed_at\n'
               f"FROM `{{project}}.{table.dataset}.{table.name}` AS t\n"
               f"LEFT JOIN `{{project}}.{other.dataset}.{other.name}` AS o\n    ON o.record_id = t.record_id AND o.run_date = t.run_date\n"
               f"WHERE t.{key} IS NOT NULL\n    AND t.run_date BETWEEN DATE_SUB(@run_date, INTERVAL {rng.randint(1, 30)} DAY) AND @run_date\n"
               f"QUALIFY ROW_NUMBER() OVER (PARTITION BY t.record_id ORDER BY t.processed_at DESC) = 1\n"
               f"ORDER BY t.{key}\nLIMIT {rng.choice([100, 1000, 5000])}\n\"\"\"\n\n\n")
        lines = [f"def {name}(client, project):", f'    """{self.gen.sentence(name)}"""',
                 f"    result = client.query({const}.format(project=project)).result()", "    found = {}",
                 "    for row in result:", f"        found[row.{key}] = {{"]
        lines += [f'            "{c}": row.{c},' for c in cols[1:]]
        lines += ["        }", f'    logger.info("read %d rows from {table.dataset}.{table.name}", len(found))',
                  "    return found"]
        self.mod.funcs.append(Func(name, ("client", "project")))
        return sql + "\n".join(lines)

    def dict_block(self) -> str:
        rng = self.rng
        small = self.mod.size - self.size < 1200
        name = f"{rng.choice(ADJ).upper()}_{self.names.noun().upper()}_{rng.choice(['MAP', 'DEFAULTS', 'LIMITS', 'SETTINGS', 'THRESHOLDS', 'LABELS'])}"
        if name in self.taken:
            name += f"_{len(self.taken)}"
        self.taken.add(name)
        self.mod.consts.append(name)
        lines = [f"{name} = {{"]
        for key in sorted({self.names.key() for _ in range(rng.randint(2, 6) if small else rng.randint(4, 24))}):
            if rng.random() < 0.08:
                inner = ", ".join(f'"{self.names.key()}": {self.literal()}' for _ in range(rng.randint(2, 4)))
                lines.append(f'    "{key}": {{{inner}}},')
            else:
                lines.append(f'    "{key}": {self.literal()},')
        if "os.environ" in "\n".join(lines):
            self.stdlib.add("os")
        return "\n".join(lines + ["}"])

    def test_block(self) -> str:
        rng = self.rng
        callable_funcs = [f for f in self.imported_funcs if not f[1].writes and f[0] not in self.fallback_names()]
        target = rng.choice(callable_funcs) if callable_funcs else None
        lines = []
        for _ in range(rng.randint(1, 3)):
            name = f"test_{target[0] if target else self.names.noun()}_{self.names.noun()}_{rng.choice(ADJ)}"
            if name in self.taken:
                continue
            self.taken.add(name)
            lines += [f"def {name}():", f'    """{self.gen.sentence(name)}"""']
            data = f"sample_{self.names.noun()}"
            lines.append(f"    {data} = {{" + ", ".join(f'"{self.names.key()}": {self.literal()}' for _ in range(rng.randint(2, 5))) + "}")
            scope = Scope(self, (data,), 1)
            for _ in range(rng.randint(*FUNC_STATEMENTS["test"])):
                lines += self.statement(scope)
            if target:
                args = ", ".join(data if i == 0 else scope.var() for i, _ in enumerate(target[1].params))
                lines.append(f"    result = {target[0]}({args})")
                lines.append("    assert result is not None or result is None")
            lines += [f"    assert isinstance({data}, dict)", f"    assert len({data}) >= 1", ""]
        return "\n".join(lines).rstrip() + "\n"

    def test_class_block(self) -> str:
        rng = self.rng
        usable = [c for c in self.imported_classes if c.members is None and c.name not in self.fallback_names()
                  and not c.processor_name]
        cls_under_test = rng.choice(usable) if usable else None
        name = f"Test{cls_under_test.name if cls_under_test else camel(self.names.noun())}{len(self.taken)}"
        self.taken.add(name)
        self.third.add("mock")
        lines = [f"class {name}:", f'    """{self.gen.sentence(name)}"""', "", "    def setup_method(self):",
                 "        self.client = MagicMock()",
                 "        self.sample = {" + ", ".join(f'"{self.names.key()}": {self.literal()}' for _ in range(3)) + "}", ""]
        for _ in range(rng.randint(2, 6)):
            test = f"test_{self.names.noun()}_{rng.choice(VERBS)}_{rng.choice(ADJ)}"
            lines += [f"    def {test}(self):", f'        """{self.gen.sentence(test)}"""', "        sample = dict(self.sample)"]
            scope = Scope(self, ("sample",), 2)
            if cls_under_test is not None:
                args = ", ".join("sample" for _ in range(cls_under_test.init_params))
                lines.append(f"        subject = {cls_under_test.name}({args})")
                methods = {m: n for m, n in cls_under_test.all_methods().items()
                           if not m.startswith("__") and m not in NOT_CALLED}
                if methods:
                    method = rng.choice(sorted(methods))
                    lines.append(f"        outcome = subject.{method}({', '.join('sample' for _ in range(methods[method]))})")
                    lines.append("        assert outcome is not None or outcome is None")
            for _ in range(rng.randint(*FUNC_STATEMENTS["test"])):
                lines += self.statement(scope)
            lines += [f'        assert sample.get("{self.names.key()}") is None or True', "        assert isinstance(sample, dict)", ""]
        return "\n".join(lines).rstrip() + "\n"

    # -- the module ---------------------------------------------------------------------------
    def write(self, prelude: list[str] = (), tail: list[str] = ()) -> str:
        weights = STYLE_WEIGHTS[self.mod.style]
        kinds, cum = list(weights), list(weights.values())
        for block in prelude:
            self.add(block)
        if self.mod.style != "test" and not any(b.startswith("PROJECT_ID =") for b in prelude):
            self.stdlib.add("os")
            self.add(f'PROJECT_ID = os.environ.get("GCP_PROJECT", "{PROJECT}")')
        # Blocks overshoot the target by a few KB: aim lower, relatively more for small modules.
        target = int(self.mod.size * (0.86 if self.mod.size < 60000 else 0.97)) - 300 - sum(len(t) for t in tail)
        if self.mod.style == "processor" and self.gen.processor_base is not None:
            self.processors_here += 1
            self.add(self.processor_block())  # every processor module defines a processor
        while self.size < target:
            kind = self.rng.choices(kinds, cum)[0]
            remaining = target - self.size
            if remaining < 700 and self.blocks:
                break  # close enough: the next block would overshoot more than it fills
            if remaining < 1800:
                kind = "dict" if remaining < 1000 else "func"
            self.budget = remaining
            if kind == "writer" and not self.gen.side_tables:
                kind = "func"
            block = {"func": self.func_block, "class": self.class_block, "dict": self.dict_block,
                     "writer": self.writer_block, "query": self.query_block}[kind]()
            self.add(block)
        for block in tail:
            self.add(block)
        text = self.header() + "\n" + "\n\n\n".join(self.blocks).rstrip() + "\n"
        if "os.environ" in text or "PROJECT_ID = os" in text:
            if "import os\n" not in text:
                text = text.replace("import logging\n", "import logging\nimport os\n", 1)
        return text


class Scope:
    """The names a function body may use: its parameters and the locals bound so far."""

    def __init__(self, writer: ModuleWriter, params: tuple[str, ...], indent: int, cls: Cls | None = None,
                 method: str | None = None):
        self.writer, self.indent, self.cls, self.method = writer, indent, cls, method
        self.vars = list(params)
        self.instances: dict[str, Cls] = {}

    def var(self) -> str:
        if not self.vars:
            name = self.new()
            self.writer.pending.append(name)
            return name
        return self.writer.rng.choice(self.vars)

    def new(self, instance: Cls | None = None) -> str:
        for _ in range(20):
            name = self.writer.names.local()
            if name not in self.vars and name not in self.instances:
                break
        else:
            name = f"{self.writer.names.noun()}_{len(self.vars)}"
        if instance is not None:
            self.instances[name] = instance
        else:
            self.vars.append(name)
        return name


class Generator:
    def __init__(self, root: Path, scale: float, seed: int, size_factor: float = 1.0):
        self.root, self.scale, self.size_factor = Path(root), scale, size_factor
        self.rng = random.Random(seed)
        self.counts: Counter = Counter()
        self.modules: list[Mod] = []
        self.by_package: dict[str, list[Mod]] = {}
        self.tables: list[Table] = []
        self.processor_tables: dict[str, list[Table]] = {}
        self.side_tables: list[Table] = []
        self.processors: list[tuple[str, Cls, Mod]] = []
        self.processor_names: set[str] = set()
        self.processor_base: Cls | None = None
        self.collector_base: Cls | None = None
        self.mixins: list[Cls] = []
        self.wrapper_module: str | None = None
        self.seed_pf501: str | None = None
        self.functions: list[dict] = []
        self.deploy_commands = 0
        self.images: list[dict] = []

    # -- helpers ------------------------------------------------------------------------------
    def n(self, count: float, minimum: int = 1) -> int:
        return max(minimum, round(count * self.scale))

    def sentence(self, subject: str) -> str:
        rng = self.rng
        return (f"{subject.replace('_', ' ').strip().capitalize()}: {rng.choice(VERBS)} the {rng.choice(ADJ)} "
                f"{rng.choice(NOUNS)} {rng.choice(['records', 'rows', 'totals', 'events', 'readings'])} "
                f"for each {rng.choice(NOUNS)}.")

    def write(self, rel: str, text: str, kind: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.counts[kind] += 1
        if kind == "python":
            self.counts["python_bytes"] += len(text.encode())

    def link(self, rel: str, target: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
        self.counts["symlinks"] += 1

    # -- BigQuery tables ----------------------------------------------------------------------
    def make_tables(self) -> None:
        total = self.n(268, 8)
        phases = {"processors.raw": ("grid_raw", 0.41), "processors.analytics": ("grid_analytics", 0.21),
                  "processors.precompute": ("grid_precompute", 0.15), "processors.grading": ("grid_grading", 0.10)}
        used = set()
        for package, (dataset, share) in phases.items():
            for _ in range(max(2, round(total * share))):
                table = self.new_table(dataset, used)
                self.processor_tables.setdefault(package, []).append(table)
        for dataset in ("grid_orchestration", "grid_monitoring", "grid_ml", "grid_reference"):
            for _ in range(max(1, round(total * 0.13 / 4))):
                self.side_tables.append(self.new_table(dataset, used))
        self.tables = [t for ts in self.processor_tables.values() for t in ts] + self.side_tables
        # A JSON column for the seeded PF401 (a side table everybody can write to).
        self.side_tables[0].columns.append(("payload", "JSON", "NULLABLE"))

    def new_table(self, dataset: str, used: set[str]) -> Table:
        rng = self.rng
        for _ in range(100):
            name = f"{rng.choice(SOURCES + ADJ)}_{rng.choice(NOUNS)}_{rng.choice(NOUNS + ['summary', 'history', 'daily', 'snapshot'])}"
            if name not in used:
                break
        else:
            name = f"{rng.choice(NOUNS)}_table_{len(used)}"
        used.add(name)
        columns = [("record_id", "STRING", "REQUIRED"), ("run_date", "DATE", "REQUIRED")]
        seen = {"record_id", "run_date", "processed_at", "payload"}
        for _ in range(rng.randint(6, 30)):
            col = f"{rng.choice(NOUNS)}_{rng.choice(['id', 'name', 'count', 'value', 'code', 'total', 'ratio', 'flag', 'at', 'tags', 'details', 'amount'])}"
            if col in seen:
                continue
            seen.add(col)
            kind = {"id": "STRING", "name": "STRING", "count": "INT64", "value": "FLOAT64", "code": "STRING",
                    "total": "INT64", "ratio": "FLOAT64", "flag": "BOOL", "at": "TIMESTAMP", "tags": "STRING",
                    "details": "JSON", "amount": "NUMERIC"}[col.rsplit("_", 1)[1]]
            mode = "REPEATED" if col.endswith("_tags") else "NULLABLE"
            columns.append((col, kind, mode))
        columns.append(("processed_at", "TIMESTAMP", "NULLABLE"))
        table = Table(dataset, name, columns)
        if rng.random() < 0.2 and len(columns) > 6:  # a later migration added the last columns
            table.migrated = columns[-3:-1]
            table.columns = columns[:-3] + columns[-1:]
        return table

    def next_processor_table(self, package: str) -> Table:
        tables = self.processor_tables[package]
        index = self.counts[f"processor_table:{package}"]
        self.counts[f"processor_table:{package}"] += 1
        return tables[index % len(tables)]

    # -- Python layout ------------------------------------------------------------------------
    def plan_python(self) -> None:
        """Decide every module's path, group and size before writing any."""
        rng = self.rng
        counts = {area: self.n(count, 2) for area, count in AREAS.items()}
        copies = self.n(TARGETS["shared_tree_functions"]) * 19
        folders = self.n(TARGETS["function_folders"], 4)
        counts["orchestration"] = max(folders + 2, counts["orchestration"] - copies)
        plan: list[Mod] = []

        def package(area: str, subs: list[str], total: int, style: str, group=None, init=True) -> None:
            weights = [1.0] * len(subs)
            per = [max(1, round(total * w / sum(weights))) for w in weights]
            for sub, k in zip(subs, per):
                base = f"{area}/{sub}" if sub else area
                grp = group(sub) if group else area
                if init:
                    plan.append(Mod(f"{base}/__init__.py", area, grp, style, role="init"))
                    k -= 1
                for i in range(max(0, k)):
                    plan.append(Mod(f"{base}/{self.module_name(sub, i)}.py", area, grp, style))

        # shared, layered
        plan.append(Mod("shared/__init__.py", "shared", "shared", "lib", role="init"))
        at_scale_1 = dict(shared_parts(max(2, AREAS["shared"])))
        for sub, part in shared_parts(counts["shared"]):
            pkg = sub.split("/")[0]
            plan.append(Mod(f"shared/{sub}/__init__.py", "shared", f"shared.{pkg}", "lib", role="init"))
            for i in range(max(1, part - 1)):
                plan.append(Mod(f"shared/{sub}/{self.module_name(sub, i)}.py", "shared", f"shared.{pkg}", "lib",
                                core=i < max(1, at_scale_1.get(sub, part) - 1)))
        plan.append(Mod("processors/__init__.py", "processors", "processors", "processor", role="init"))
        subs = {"raw": 0.40, "analytics": 0.21, "precompute": 0.15, "grading": 0.10, "reference": 0.08, "quality": 0.06}
        for sub, share in subs.items():
            k = max(3, round(counts["processors"] * share))
            style = "processor" if sub in ("raw", "analytics", "precompute", "grading") else "lib"
            plan.append(Mod(f"processors/{sub}/__init__.py", "processors", f"processors.{sub}", style, role="init"))
            for i in range(k - 1):
                plan.append(Mod(f"processors/{sub}/{self.module_name(sub, i)}.py", "processors", f"processors.{sub}", style))
        plan.append(Mod("collectors/__init__.py", "collectors", "collectors", "collector", role="init"))
        plan.append(Mod("collectors/base.py", "collectors", "collectors.base", "collector", role="collector_base"))
        plan.append(Mod("collectors/registry.py", "collectors", "collectors", "lib", role="collector_registry"))
        sources = SOURCES[: max(2, min(len(SOURCES), round(12 * min(1.0, self.scale * 2))))]
        package("collectors", sources, max(len(sources) * 2, counts["collectors"] - 3), "collector",
                group=lambda s: "collectors")
        package("ml", ["features", "training", "models", "evaluation", "experiments", "serving"], counts["ml"], "ml",
                group=lambda s: "ml")
        package("forecasts", ["coordinator", "worker", "common"], counts["forecasts"], "lib", group=lambda s: "forecasts")
        package("backfill", ["jobs", "common"], counts["backfill"], "script", group=lambda s: "backfill")
        package("validation", ["checks", "runners"], counts["validation"], "lib", group=lambda s: "validation")
        package("monitoring", ["checks", "reports"], counts["monitoring"], "lib", group=lambda s: "monitoring")
        for area, subs in (("scripts", ["maintenance", "analysis", "fixes", "checks", "exports"]),
                           ("bin", ["monitoring", "maintenance", "reports", "alerts", "tools"]),
                           ("tools", ["hooks", "dev"])):
            package(area, subs, counts[area], "script", group=lambda s: "scripts", init=False)
        for i in range(counts["misc"]):
            plan.append(Mod(f"{rng.choice(['', 'examples/', 'experiments/', 'jobs/'])}{self.module_name('misc', i)}.py",
                            "misc", "scripts", "script"))
        test_subs = ["unit/shared", "unit/processors", "unit/collectors", "unit/ml", "unit/orchestration",
                     "integration", "e2e", "unit/forecasts"]
        plan.append(Mod("tests/__init__.py", "tests", "tests", "test", role="init"))
        plan.append(Mod("tests/conftest.py", "tests", "tests", "test"))
        package("tests", test_subs, counts["tests"] - 2, "test", group=lambda s: "tests")
        # services: a handful of Cloud Run apps
        services = max(2, self.n(6))
        per = max(2, counts["services"] // services)
        for s in range(services):
            svc = f"{SOURCES[s % len(SOURCES)]}_{['dashboard', 'api', 'gateway', 'admin', 'alerts', 'status'][s % 6]}"
            plan.append(Mod(f"services/{svc}/__init__.py", "services", f"services.{svc}", "service", role="init"))
            plan.append(Mod(f"services/{svc}/main.py", "services", f"services.{svc}", "service", role="service_main"))
            for i in range(per - 2):
                plan.append(Mod(f"services/{svc}/{self.module_name('svc', i)}.py", "services", f"services.{svc}", "service"))
        # orchestration: function folders (main.py, sometimes a helper module); copies come later
        plan.append(Mod("orchestration/__init__.py", "orchestration", "orchestration", "lib", role="init"))
        names = self.function_names(folders)
        extra = max(0, counts["orchestration"] - folders - 1)
        for i, fn in enumerate(names):
            plan.append(Mod(f"orchestration/functions/{fn}/main.py", "orchestration", f"fn.{fn}", "main", role="fn_main"))
            if i < extra:
                plan.append(Mod(f"orchestration/functions/{fn}/{self.module_name('fn', i)}.py", "orchestration",
                                f"fn.{fn}", "main", role="fn_helper"))
        self.function_folder_names = names
        # sizes: the measured distribution over every regular file (copies inherit theirs)
        sizes = sorted(stratified(rng, PY_SIZE_QUANTILES, len(plan) + copies))
        inits = [m for m in plan if m.role == "init"]
        rest = [m for m in plan if m.role != "init"]
        for mod, size in zip(inits, sizes):
            mod.size = int(size * self.size_factor)
        spare = sizes[len(inits):]
        rng.shuffle(spare)
        for mod, size in zip(rest, spare):
            mod.size = max(int(size * self.size_factor), 600)
        self.plan = plan

    def module_name(self, sub: str, i: int) -> str:
        rng = self.rng
        return f"{rng.choice(ADJ + SOURCES)}_{rng.choice(NOUNS)}_{rng.choice(['utils', 'helpers', 'client', 'checks', 'loader', 'builder', 'processor', 'service', 'tracker', 'handler', 'config', 'models', 'report', 'core'])}_{i}"

    def function_names(self, count: int) -> list[str]:
        names = ["phase2_to_phase3", "phase3_to_phase4", "phase4_to_phase5", "phase5_to_phase6"]
        rng = self.rng
        while len(names) < count:
            name = f"{rng.choice(ADJ + SOURCES)}_{rng.choice(NOUNS)}_{rng.choice(['monitor', 'trigger', 'alert', 'export', 'checker', 'reconciler', 'cleanup', 'canary'])}"
            if name not in names:
                names.append(name)
        return names[:count]

    # -- writing Python -----------------------------------------------------------------------
    def allowed(self, mod: Mod) -> list[Mod]:
        """Modules already written that `mod` may import (its deployment unit holds them)."""
        group = mod.package
        if group.startswith("shared."):
            layer = group.split(".", 1)[1]
            pools = [f"shared.{p}" for p in SHARED_LAYERS[layer]] + [group]
        elif group.startswith("fn."):
            fn = group[3:]
            if fn in self.tree_functions:
                pools = [f"shared.{p}" for p in TREE_COPIED + TREE_LINKED_FILES + TREE_LINKED_DIRS]
                return [m for p in pools for m in self.by_package.get(p, []) if m.role != "init" and m.core] + \
                    [m for m in self.by_package.get(group, []) if m.role != "init" and m is not mod]
            else:
                pools = [p for p in self.by_package if p.startswith("shared.")]
            pools.append(group)
        elif mod.area in AREA_DEPS:
            tops = AREA_DEPS[mod.area]
            pools = [p for p in self.by_package if p.split(".")[0] in tops]
            if mod.area == "processors":
                pools = [p for p in pools if p.startswith("shared.") or p == group]
            pools.append(group)
        else:  # scripts, tests: anything but the modules of function folders (importable only there)
            pools = [p for p in self.by_package if not p.startswith("fn.")]
        found = [m for p in pools for m in self.by_package.get(p, []) if m.role != "init" and m is not mod]
        if mod.core and mod.area == "shared":  # a function's shared/ tree may hold it: it imports only its kind
            found = [m for m in found if m.core]
        return found

    def write_python(self) -> None:
        plan = self.plan
        order = {"shared.config": 0, "shared.utils": 1, "shared.clients": 2}
        layer_rank = {f"shared.{p}": i for i, p in enumerate(SHARED_LAYERS)}

        def rank(m: Mod):
            if m.package.startswith("shared."):
                return (0, order.get(m.package, 3 + layer_rank[m.package]))
            top = ["processors", "collectors", "ml", "forecasts", "backfill", "validation", "monitoring", "services",
                   "orchestration", "scripts", "tests", "misc"]
            area = m.area if m.area in top else "scripts"
            return (1 + top.index(area), 0)

        specials = {
            "shared.config": ["orchestration_config"], "shared.utils": ["bigquery_utils"],
            "shared.processors": ["base"], "shared.processors.patterns": [],
        }
        # Give a few modules fixed roles (a stable file name and a template at their top).
        for pkg, stems in specials.items():
            for stem in stems:
                folder = "shared/" + pkg.split(".", 1)[1].replace(".", "/")
                cands = [m for m in plan if m.package == pkg and m.role == "" and m.rel.rsplit("/", 1)[0] == folder]
                if cands:
                    cands[0].rel = cands[0].rel.rsplit("/", 1)[0] + f"/{stem}.py"
                    cands[0].role = stem
        mixins = [m for m in plan if m.rel.startswith("shared/processors/patterns/") and m.role == ""]
        for m in mixins[:4]:
            m.role = "mixin"
        plan.sort(key=lambda m: (rank(m), m.role not in ("orchestration_config", "bigquery_utils", "base", "mixin"),
                                 m.rel))
        for mod in plan:
            self.by_package.setdefault(mod.package, [])
        for mod in plan:  # package __init__ files last: they re-export what their modules define
            if mod.role != "init":
                self.write(mod.rel, self.python_text(mod), "python")
                self.by_package[mod.package].append(mod)
                self.modules.append(mod)
        for mod in plan:
            if mod.role == "init":
                self.write(mod.rel, self.init_text(mod), "python")
                self.modules.append(mod)

    def python_text(self, mod: Mod) -> str:
        if mod.role == "init":
            return self.init_text(mod)
        writer = ModuleWriter(self, mod, self.allowed(mod))
        prelude, tail = [], []
        if mod.role == "orchestration_config":
            prelude = [self.orchestration_config_prelude(writer)]
        elif mod.role == "bigquery_utils":
            writer.third.add("google.cloud.bigquery")
            writer.stdlib.add("os")
            prelude = ['PROJECT_ID = os.environ.get("GCP_PROJECT", "%s")' % PROJECT,
                       "def get_bigquery_client(project_id=None):\n    \"\"\"A client for the project (the default one unless given).\"\"\"\n"
                       "    return bigquery.Client(project=project_id or PROJECT_ID)",
                       "def insert_bigquery_rows(table_id, rows, project_id=None):\n    \"\"\"Stream rows into a table; log and return the errors.\"\"\"\n"
                       "    if not rows:\n        return []\n    client = get_bigquery_client(project_id)\n"
                       "    errors = client.insert_rows_json(table_id, rows)\n    if errors:\n"
                       "        logger.error(\"insert into %s failed: %s\", table_id, errors[:3])\n    return errors"]
            mod.funcs += [Func("get_bigquery_client", ("project_id",)), Func("insert_bigquery_rows", ("table_id", "rows"), writes=True)]
            self.wrapper_module = mod.dotted
        elif mod.role == "base":
            prelude = [self.processor_base_prelude(writer, mod)]
        elif mod.role == "mixin":
            prelude = [self.mixin_prelude(writer, mod)]
        elif mod.role == "collector_base":
            prelude = [self.collector_base_prelude(writer, mod)]
        elif mod.role == "fn_main":
            prelude, tail = self.function_main_parts(writer, mod)
        elif mod.role == "service_main":
            writer.third.add("flask")
            prelude = ["app = Flask(__name__)"]
            tail = ['@app.route("/health")\ndef health():\n    """Liveness probe."""\n    return jsonify({"status": "ok"})',
                    '@app.route("/run", methods=["POST"])\ndef run():\n    """Run one unit of work from the posted JSON."""\n'
                    '    body = request.get_json(silent=True) or {}\n    logger.info("run %s", body.get("run_date"))\n'
                    '    return jsonify({"accepted": True, "run_date": body.get("run_date")})']
        elif mod.style == "script" and mod.area != "backfill":
            writer.stdlib.update({"argparse", "sys"})
            tail = ["def main(argv=None):\n    \"\"\"Command-line entry point.\"\"\"\n    parser = argparse.ArgumentParser(description=__doc__)\n"
                    "    parser.add_argument(\"--date\", default=None)\n    parser.add_argument(\"--dry-run\", action=\"store_true\")\n"
                    "    args = parser.parse_args(argv)\n    logger.info(\"start %s (dry run: %s)\", args.date, args.dry_run)\n    return 0",
                    "if __name__ == \"__main__\":\n    sys.exit(main())"]
        elif mod.area == "backfill" and mod.role == "":
            writer.stdlib.add("sys")
            tail = ["def main():\n    \"\"\"Job entry point (Cloud Run job task).\"\"\"\n    logger.info(\"backfill job start\")\n    return 0",
                    "if __name__ == \"__main__\":\n    sys.exit(main())"]
        if mod.style in ("ml",):
            writer.third.update({"pandas", "numpy"})
        if mod.style == "test":
            writer.third.add("pytest")
        text = writer.write(prelude, tail)
        if writer.pending:  # a body used a name before any was bound: bind them at module level
            text = text.replace("\nlogger = logging.getLogger(__name__)\n",
                                "\nlogger = logging.getLogger(__name__)\n" + "".join(f"{p} = None\n" for p in dict.fromkeys(writer.pending)), 1)
        if mod.rel == self.seed_pf401_module:
            text = text.rstrip() + "\n\n\n" + self.pf401_block(writer) + "\n"
            if "import json" not in text:
                text = text.replace("import logging\n", "import json\nimport logging\n", 1)
            if "from google.cloud import bigquery" not in text:
                text = text.replace("\n\nlogger = logging", "\nfrom google.cloud import bigquery\n\nlogger = logging", 1)
        return text

    def init_text(self, mod: Mod) -> str:
        if mod.size < 60:
            return ""
        pkg = mod.rel[: -len("/__init__.py")]
        siblings = [m for m in self.plan if m.rel.startswith(pkg + "/") and m.rel.count("/") == pkg.count("/") + 1
                    and m.role != "init" and m.funcs]
        lines = [f'"""{self.sentence(mod.dotted)}"""', ""]
        names = []
        for sib in siblings[:3]:
            stem = sib.rel.rsplit("/", 1)[1][:-3]
            chosen = [f.name for f in sib.funcs[:2]]
            lines.append(f"from .{stem} import {', '.join(chosen)}")
            names += chosen
        if names:
            lines += ["", "__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]"]
        return "\n".join(lines) + "\n"

    # -- special modules ----------------------------------------------------------------------
    def orchestration_config_prelude(self, writer: ModuleWriter) -> str:
        """Placeholders now; the lists are filled in once every processor exists (finish())."""
        self.orchestration_config = writer.mod
        return "# @@PHASE_LISTS@@"

    def processor_base_prelude(self, writer: ModuleWriter, mod: Mod) -> str:
        wrapper = self.wrapper_module
        writer.project_imports.setdefault(wrapper, []).extend(["get_bigquery_client", "insert_bigquery_rows"])
        writer.taken.update({"get_bigquery_client", "insert_bigquery_rows", "ProcessorBase"})
        writer.stdlib.add("os")
        writer.third.add("google.cloud.bigquery")
        cls = Cls("ProcessorBase", mod.dotted, attrs=["processor_name", "dataset_id", "table_name", "completion_topic",
                                                      "project_id", "bq_client", "run_stats"],
                  dict_attrs=["run_stats"],
                  methods={"table_id": 0, "process": 2, "run": 2, "run_query": 2, "save_rows": 1,
                           "publish_completion": 2}, init_params=1)
        self.processor_base = cls
        mod.classes.append(cls)
        return '''class ProcessorBase:
    """A processor loads one unit of work into its BigQuery table, then reports completion."""

    processor_name = ""
    dataset_id = "grid_raw"
    table_name = ""
    completion_topic = "grid-phase-complete"

    def __init__(self, project_id=None):
        self.project_id = project_id or os.environ.get("GCP_PROJECT", "%s")
        self.bq_client = get_bigquery_client(self.project_id)
        self.run_stats = {}

    @property
    def table_id(self):
        return f"{self.project_id}.{self.dataset_id}.{self.table_name}"

    def process(self, payload, run_date):
        """Load the unit of work and return the number of rows written."""
        raise NotImplementedError

    def run(self, payload, run_date):
        count = self.process(payload, run_date)
        self.publish_completion(run_date, count)
        return count

    def run_query(self, sql, run_date):
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("run_date", "DATE", run_date)]
        )
        return self.bq_client.query(sql, job_config=job_config).result()

    def save_rows(self, rows):
        """Append rows to this processor's table."""
        return insert_bigquery_rows(self.table_id, rows, self.project_id)

    def publish_completion(self, run_date, count):
        self.run_stats["rows"] = count
        logger.info("%%s wrote %%d rows for %%s", self.processor_name, count, run_date)
''' % PROJECT

    def mixin_prelude(self, writer: ModuleWriter, mod: Mod) -> str:
        noun = self.rng.choice(NOUNS)
        name = camel(f"{noun}_{self.rng.choice(['quality', 'skip', 'retry', 'fallback', 'guard'])}") + "Mixin"
        attr = f"{noun}_threshold"
        method = f"check_{noun}_{len(self.mixins)}"
        cls = Cls(name, mod.dotted, attrs=[attr], methods={method: 1})
        self.mixins.append(cls)
        mod.classes.append(cls)
        writer.taken.add(name)
        return f'''class {name}:
    """Adds a {noun} check to a processor."""

    {attr} = {self.rng.randint(1, 99)}

    def {method}(self, rows):
        kept = [row for row in rows if row]
        if len(kept) < self.{attr}:
            logger.warning("only %d rows pass the {noun} check", len(kept))
        return kept
'''

    def collector_base_prelude(self, writer: ModuleWriter, mod: Mod) -> str:
        cls = Cls("CollectorBase", mod.dotted, attrs=["collector_id", "gcs_path_template", "base_url", "session_timeout",
                                                      "headers"], dict_attrs=["headers"],
                  methods={"fetch": 1, "parse": 1, "save": 2}, init_params=0)
        self.collector_base = cls
        mod.classes.append(cls)
        writer.third.add("requests")
        return '''class CollectorBase:
    """Downloads one source's documents and stores them raw in Cloud Storage."""

    collector_id = ""
    gcs_path_template = ""
    base_url = ""
    session_timeout = 30

    def __init__(self):
        self.headers = {"User-Agent": "grid-collector/1.0"}

    def fetch(self, url):
        response = requests.get(url, headers=self.headers, timeout=self.session_timeout)
        response.raise_for_status()
        return response.json()

    def parse(self, document):
        return document

    def save(self, document, run_date):
        path = self.gcs_path_template.format(date=run_date)
        logger.info("%s -> %s", self.collector_id, path)
        return path
'''

    def pf401_block(self, writer: ModuleWriter) -> str:
        table = self.side_tables[0]
        return f'''def record_{table.name}_payload(records, run_date):
    """Stream raw payloads with their run date (seeded PF401: a dict for a JSON column)."""
    client = bigquery.Client(project=PROJECT_ID)
    rows = []
    for record in records:
        payload = {{"source": record.get("source"), "size": len(record or [])}}
        rows.append({{"record_id": str(record.get("record_id") or ""), "run_date": run_date, "payload": payload}})
    return client.insert_rows_json(f"{{PROJECT_ID}}.{table.dataset}.{table.name}", rows)'''

    # -- Cloud Functions ----------------------------------------------------------------------
    def function_main_parts(self, writer: ModuleWriter, mod: Mod):
        fn = mod.rel.split("/")[2]
        info = self.function_info[fn]
        writer.third.update({"functions_framework", "google.cloud.pubsub_v1"})
        writer.stdlib.update({"base64", "json", "os"})
        prelude = ['PROJECT_ID = os.environ.get("GCP_PROJECT", "%s")' % PROJECT,
                   "publisher = pubsub_v1.PublisherClient()"]
        if info.get("phase"):
            prelude.insert(0, "# @@FALLBACK@@")
        if info.get("seed_pf202"):
            prelude.insert(0, "# @@PF202@@")
        entry = info["entry"]
        decorator = "@functions_framework.cloud_event" if info["trigger"] == "topic" else "@functions_framework.http"
        arg = "cloud_event" if info["trigger"] == "topic" else "request"
        body = (f'{decorator}\ndef {entry}({arg}):\n    """Entry point of {fn}."""\n'
                + ('    data = json.loads(base64.b64decode(cloud_event.data["message"]["data"]))\n'
                   if arg == "cloud_event" else "    data = request.get_json(silent=True) or {}\n")
                + '    logger.info("%s received %s", "' + fn + '", data.get("run_date"))\n'
                + '    topic = publisher.topic_path(PROJECT_ID, "grid-' + fn.replace("_", "-") + '-done")\n'
                + '    publisher.publish(topic, json.dumps(data).encode("utf-8"))\n'
                + ('    return "ok"\n' if arg == "request" else "    return None\n"))
        return prelude, [body.rstrip()]

    def plan_functions(self) -> None:
        rng = self.rng
        names = self.function_folder_names
        trees = self.n(TARGETS["shared_tree_functions"])
        links = self.n(TARGETS["shared_link_functions"])
        self.tree_functions = set(names[:trees])
        self.link_functions = set(names[trees:trees + links])
        self.function_info = {}
        for i, fn in enumerate(names):
            phase = int(fn[5]) if fn.startswith("phase") and fn[5].isdigit() else None
            self.function_info[fn] = {
                "name": fn.replace("_", "-") + ("-orchestrator" if phase else ""),
                "entry": f"orchestrate_{fn}" if phase else rng.choice(["main", "handle", f"run_{fn}"]),
                "trigger": "topic" if phase or rng.random() < 0.5 else "http",
                "phase": phase, "runtime": rng.choice(["python311", "python311", "python312"]),
                "memory": rng.choice(["512MB", "1GB", "2GB", "1024MB"]),
                "layout": "tree" if fn in self.tree_functions else "link" if fn in self.link_functions else "staged",
            }
        # seeded: PF202 in the last tree function, PF301 in a staged one
        tree_list = [f for f in names if f in self.tree_functions]
        self.function_info[tree_list[-1]]["seed_pf202"] = True
        staged = [f for f in names if self.function_info[f]["layout"] == "staged"]
        self.function_info[staged[-1]]["memory"] = "256MB"
        self.function_info[staged[-1]]["seed_pf301"] = True
        self.seed_pf401_module = None

    def finish_functions(self) -> None:
        """shared/ trees and links, requirements, .gcloudignore, and the lists filled in."""
        shared_files = sorted(m.rel for m in self.modules if m.area == "shared")
        for fn in self.function_folder_names:
            info = self.function_info[fn]
            base = f"orchestration/functions/{fn}"
            reqs = sorted({DIST[k] for k in CORE_REQUIREMENTS})
            self.write(f"{base}/requirements.txt", f"# {fn} Cloud Function\n" + "\n".join(reqs) + "\n", "requirements")
            if info["layout"] == "link":
                self.link(f"{base}/shared", "../../../shared")
            elif info["layout"] == "tree":
                self.shared_tree(base, shared_files, seed_dangling=(fn == sorted(self.tree_functions)[0]))
                self.write(f"{base}/shared/requirements.txt", "\n".join(reqs) + "\n", "requirements")
        for i, fn in enumerate(sorted(self.tree_functions)[: max(1, self.n(TARGETS["gcloudignore"]) - 1)]):
            self.write(f"orchestration/functions/{fn}/.gcloudignore",
                       "# Not uploaded by gcloud functions deploy\n.gcloudignore\n.git\n.gitignore\n__pycache__/\n*.pyc\n"
                       "tests/\n*.md\n.venv/\n", "gcloudignore")

    def shared_tree(self, base: str, shared_files: list[str], seed_dangling: bool) -> None:
        """A function's shared/ folder: some packages copied, others linked file by file (their
        subfolders linked whole) or linked whole."""
        self.write(f"{base}/shared/__init__.py", "", "python_copy")
        by_rel = {m.rel: m for m in self.modules}
        linked_dirs = set()

        def link_to(rel: str) -> None:
            dest = f"{base}/{rel}"
            self.link(dest, "../" * dest.count("/") + rel)

        for rel in shared_files:
            parts = rel.split("/")
            pkg = parts[1]
            if rel == "shared/__init__.py":
                continue
            nested = len(parts) > 3 and not (pkg == "processors" and parts[2] == "patterns")
            one_by_one = pkg in TREE_COPIED or (pkg in TREE_LINKED_FILES and not nested)
            if one_by_one and not by_rel[rel].core:
                continue  # beyond the tree's measured size
            if pkg in TREE_COPIED:
                self.write(f"{base}/{rel}", (self.root / rel).read_text(encoding="utf-8"), "python")
                self.counts["python_copies"] += 1
            elif pkg in TREE_LINKED_FILES:
                if nested:
                    folder = "/".join(parts[:3])
                    if folder not in linked_dirs:
                        linked_dirs.add(folder)
                        link_to(folder)
                else:
                    link_to(rel)
            elif pkg in TREE_LINKED_DIRS and f"shared/{pkg}" not in linked_dirs:
                linked_dirs.add(f"shared/{pkg}")
                link_to(f"shared/{pkg}")
        if seed_dangling:  # seeded PF201: a link to a module that was removed
            dest = f"{base}/shared/utils/legacy_client.py"
            self.link(dest, "../" * dest.count("/") + "shared/utils/legacy_client.py")

    # -- names -------------------------------------------------------------------------------
    def finish_names(self) -> None:
        """Fill the phase lists and fallbacks now that every processor is known."""
        by_phase: dict[int, list[str]] = {}
        for pname, cls, mod in self.processors:
            by_phase.setdefault(int(pname[1]), []).append(pname)
        self.by_phase = by_phase
        lines = ["# Processors each phase waits for before the next phase starts."]
        for phase in (2, 3, 4, 5):
            names = sorted(by_phase.get(phase, []))
            if phase == 2 and names:  # seeded PF101: a name the workflows YAML does not declare
                names = names + [names[0].replace("p2_", "p2_x", 1)]
            lines.append(f"PHASE{phase}_EXPECTED_PROCESSORS = [")
            lines += [f'    "{n}",' for n in names]
            lines.append("]")
        classes = sorted(cls.name for _, cls, _ in self.processors)
        lines.append("CLASS_TO_CONFIG_MAP = {")
        lines += [f'    "{c}": {{"enabled": True}},' for c in classes]
        lines.append("}")
        rel = self.orchestration_config.rel
        text = (self.root / rel).read_text(encoding="utf-8").replace("# @@PHASE_LISTS@@", "\n".join(lines), 1)
        self.write(rel, text, "python_rewrite")
        for fn, info in self.function_info.items():
            rel = f"orchestration/functions/{fn}/main.py"
            text = (self.root / rel).read_text(encoding="utf-8")
            if info.get("phase"):
                names = sorted(by_phase.get(info["phase"] + 1 if info["phase"] + 1 in by_phase else info["phase"], []))
                expected = f"PHASE{info['phase'] + 1 if info['phase'] + 1 in by_phase else info['phase']}_EXPECTED_PROCESSORS"
                fallback = names[:-1] if info["phase"] == 3 and len(names) > 1 else names  # seeded PF102
                block = (f"try:\n    from shared.config.orchestration_config import {expected}\n\n"
                         f"    EXPECTED_PROCESSORS = list({expected})\nexcept ImportError:\n"
                         "    # A copy, so a packaging slip does not stall the next phase.\n    EXPECTED_PROCESSORS = [\n"
                         + "".join(f'        "{n}",\n' for n in fallback) + "    ]")
                text = text.replace("# @@FALLBACK@@", block, 1)
            if info.get("seed_pf202"):
                mon = sorted(m.dotted for m in self.modules if m.package == "shared.monitoring" and m.funcs)
                target = mon[0] if mon else "shared.monitoring"
                text = text.replace("# @@PF202@@", f"import {target}  # seeded PF202: not in this function's shared/ tree", 1)
            self.write(rel, text, "python_rewrite")

    # -- the rest of the repository ----------------------------------------------------------
    def write_sql(self) -> None:
        rng = self.rng
        tables = list(self.tables)
        json_count = min(self.n(TARGETS["json_schemas"]), len(tables) // 3)
        json_tables = tables[-json_count:] if json_count else []
        ddl_tables = tables[: len(tables) - json_count]
        for table in json_tables:
            fields = [{"name": c, "type": t, "mode": m} for c, t, m in table.all_columns]
            self.write(f"schemas/bigquery/{table.dataset}/{table.name}.json", json.dumps(fields, indent=2) + "\n", "json_schema")
        ddl_files = self.n(188, 1)
        groups: list[list[Table]] = [[] for _ in range(min(ddl_files, len(ddl_tables)))]
        for i, table in enumerate(ddl_tables):
            groups[i % len(groups)].append(table)
        alters = []
        for group in groups:
            lead = group[0]
            parts = [f"-- {self.sentence(lead.name)}"]
            for table in group:
                cols = ",\n".join(f"  {c} {t if m != 'REPEATED' else 'ARRAY<' + t + '>'}{' NOT NULL' if m == 'REQUIRED' else ''}"
                                  for c, t, m in table.columns)
                parts.append(f"CREATE TABLE IF NOT EXISTS `{PROJECT}.{table.dataset}.{table.name}` (\n{cols}\n)\n"
                             f"PARTITION BY run_date\nCLUSTER BY record_id\n"
                             f"OPTIONS (description = \"{table.name.replace('_', ' ')}\", partition_expiration_days = 730);")
                if table.migrated:
                    alters.append(table)
            if rng.random() < 0.3:
                parts.append(f"CREATE OR REPLACE VIEW `{PROJECT}.{lead.dataset}.v_{lead.name}_latest` AS\n"
                             f"SELECT * EXCEPT (row_num) FROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY record_id "
                             f"ORDER BY processed_at DESC) AS row_num\n  FROM `{PROJECT}.{lead.dataset}.{lead.name}`\n)\nWHERE row_num = 1;")
            self.write(f"schemas/bigquery/{lead.dataset}/{lead.name}.sql", "\n\n".join(parts) + "\n", "sql")
        for i, table in enumerate(alters):
            text = "\n".join(f"ALTER TABLE `{PROJECT}.{table.dataset}.{table.name}` ADD COLUMN IF NOT EXISTS "
                             f"{c} {t if m != 'REPEATED' else 'ARRAY<' + t + '>'};" for c, t, m in table.migrated)
            self.write(f"schemas/migrations/{i:03d}_{table.name}_add_columns.sql", f"-- migration {i}\n{text}\n", "sql")
        extra_alters = max(0, self.n(46) - len(alters))
        for i in range(extra_alters):
            table = rng.choice(ddl_tables)
            col = table.columns[-2]
            self.write(f"schemas/migrations/{len(alters) + i:03d}_{table.name}_options.sql",
                       f"ALTER TABLE `{PROJECT}.{table.dataset}.{table.name}` SET OPTIONS (description = \"{col[0]}\");\n", "sql")
        total_sql = self.n(TARGETS["sql"], 4)
        remaining = max(0, total_sql - self.counts["sql"])
        views, dml = self.n(47), self.n(9)
        for i in range(remaining):
            table = rng.choice(tables)
            cols = [c[0] for c in table.columns if c[2] != "REPEATED"][: rng.randint(3, 9)]
            if i < views:
                rel = f"schemas/views/v_{table.name}_{i}.sql"
                text = (f"CREATE OR REPLACE VIEW `{PROJECT}.{table.dataset}.v_{table.name}_{i}` AS\nSELECT {', '.join(cols)}\n"
                        f"FROM `{PROJECT}.{table.dataset}.{table.name}`\nWHERE run_date >= DATE_SUB(CURRENT_DATE(), INTERVAL {rng.randint(1, 90)} DAY);\n")
            elif i < views + dml:
                rel = f"sql/merges/merge_{table.name}_{i}.sql"
                text = (f"MERGE `{PROJECT}.{table.dataset}.{table.name}` AS target\nUSING (SELECT {', '.join(cols)} FROM "
                        f"`{PROJECT}.{table.dataset}.{table.name}` WHERE run_date = @run_date) AS source\n"
                        f"ON target.record_id = source.record_id\nWHEN NOT MATCHED THEN INSERT ROW;\n")
            else:
                folder = rng.choice(["validation/queries", "monitoring/queries", "sql/reports", "scripts/sql"])
                rel = f"{folder}/{table.name}_{rng.choice(['check', 'gaps', 'counts', 'freshness', 'dupes'])}_{i}.sql"
                selected = ",\n  ".join(cols)
                body = [f"-- {self.sentence(table.name)}", f"SELECT\n  {selected},\n  COUNT(*) AS row_count",
                        f"FROM `{PROJECT}.{table.dataset}.{table.name}`",
                        "WHERE run_date BETWEEN @start_date AND @end_date", f"GROUP BY {', '.join(cols)}",
                        f"HAVING COUNT(*) > {rng.randint(1, 5)}", "ORDER BY row_count DESC",
                        f"LIMIT {rng.choice([50, 100, 1000])};"]
                text = "\n".join(body) + "\n"
                while len(text) < interpolate([(0, 400), (0.5, 2500), (0.9, 9000), (1, 30000)], rng.random()):
                    text += f"\n-- {self.sentence(rng.choice(NOUNS))}\n" + "\n".join(body[1:]) + "\n"
            self.write(rel, text, "sql")

    def write_requirements(self, rel: str, keys: list[str], comment: str) -> None:
        lines = [f"# {comment}"] + sorted({DIST[k] for k in keys})
        kind = "requirements" if rel.rsplit("/", 1)[-1] == "requirements.txt" else "requirements_other"
        self.write(rel, "\n".join(lines) + "\n", kind)

    def write_images(self) -> None:
        """Dockerfiles and the requirements files they install, for services and jobs."""
        images = []
        for mod in self.modules:
            if mod.role == "service_main":
                svc = mod.rel.split("/")[1]
                images.append({"name": svc.replace("_", "-"), "dockerfile": f"services/{svc}/Dockerfile",
                               "reqs": f"services/{svc}/requirements.txt", "copy": ["shared", f"services/{svc}"],
                               "third": AREA_THIRD_PARTY["shared"] + AREA_THIRD_PARTY["services"] + ["gunicorn"],
                               "cmd": f'CMD exec gunicorn --bind :$PORT --workers 1 --threads 8 --timeout 0 services.{svc}.main:app',
                               "kind": "service"})
        def entry(folder: str) -> str:
            found = sorted(m.dotted for m in self.modules if m.rel.rsplit("/", 1)[0] == folder and m.role == "")
            return found[0] if found else folder.replace("/", ".")

        for sub in ("raw", "analytics", "precompute", "grading"):
            images.append({"name": f"grid-processors-{sub}", "dockerfile": f"processors/{sub}/Dockerfile",
                           "reqs": f"processors/{sub}/requirements.txt", "copy": ["shared", "processors"],
                           "third": AREA_THIRD_PARTY["shared"] + AREA_THIRD_PARTY["processors"] + ["flask", "gunicorn"],
                           "cmd": f'CMD ["python", "-m", "{entry("processors/" + sub)}"]', "kind": "service"})
        images.append({"name": "grid-collectors", "dockerfile": "collectors/Dockerfile", "reqs": "collectors/requirements.txt",
                       "copy": ["shared", "collectors"], "third": AREA_THIRD_PARTY["shared"] + AREA_THIRD_PARTY["collectors"],
                       "cmd": 'CMD ["python", "-m", "collectors.registry"]', "kind": "service"})
        for sub in ("coordinator", "worker"):
            images.append({"name": f"grid-forecast-{sub}", "dockerfile": f"forecasts/{sub}/Dockerfile",
                           "reqs": f"forecasts/{sub}/requirements.txt", "copy": ["shared", "ml", "forecasts"],
                           "third": AREA_THIRD_PARTY["shared"] + AREA_THIRD_PARTY["ml"] + AREA_THIRD_PARTY["forecasts"],
                           "cmd": f'CMD ["python", "-m", "{entry("forecasts/" + sub)}"]', "kind": "service"})
        jobs = [m for m in self.modules if m.area == "backfill" and m.role == "" and m.rel.startswith("backfill/jobs/")]
        want = max(1, self.n(TARGETS["dockerfiles"] - 17, 2) - len(images))
        for i, mod in enumerate(jobs[:want]):
            job = mod.rel.rsplit("/", 1)[1][:-3]
            images.append({"name": f"backfill-{job.replace('_', '-')}"[:48].rstrip("-"),
                           "dockerfile": f"deployment/dockerfiles/Dockerfile.{job}", "reqs": "backfill/requirements.txt",
                           "copy": ["shared", "processors", "backfill"],
                           "third": AREA_THIRD_PARTY["shared"] + AREA_THIRD_PARTY["backfill"],
                           "cmd": f'CMD ["python", "-m", "{mod.dotted}"]', "kind": "job"})
        written_reqs = set()
        for image in images:
            if image["reqs"] not in written_reqs:
                self.write_requirements(image["reqs"], image["third"], image["name"])
                written_reqs.add(image["reqs"])
            copies = "\n".join(f"COPY {p}/ ./{p}/" for p in image["copy"])
            text = (f"# {image['name']}: build from the repository root\n#   docker build -f {image['dockerfile']} .\n"
                    f"FROM python:3.11-slim\n\nENV PYTHONUNBUFFERED=1 \\\n    PYTHONPATH=/app\n\nWORKDIR /app\n\n"
                    f"COPY {image['reqs']} ./requirements.txt\nRUN pip install --no-cache-dir -r requirements.txt\n\n"
                    f"{copies}\n\n{image['cmd']}\n")
            self.write(image["dockerfile"], text, "dockerfile")
        for i in range(self.n(17, 1)):  # archived copies, still read
            image = images[i % len(images)]
            text = (self.root / image["dockerfile"]).read_text(encoding="utf-8")
            self.write(f"docs/archive/dockerfiles/{image['name']}-{i}.Dockerfile", "# archived\n" + text, "dockerfile")
        self.images = images
        # other requirements files: root, tests, areas, until the measured count
        self.write_requirements("requirements.txt", list(DIST), "everything, for local development")
        for i in range(self.n(10)):  # requirements-test.txt and friends
            folder = ["", "ml/", "services/", "processors/", "forecasts/", "monitoring/", "tools/", "backfill/", "validation/",
                      "collectors/"][i % 10]
            self.write_requirements(f"{folder}requirements-{['test', 'dev', 'performance'][i % 3]}.txt",
                                    ["pytest", "requests"], "tests and tools")
        extra = self.n(TARGETS["requirements"], 4) - self.counts["requirements"]
        folders = ["ml", "monitoring", "validation", "tools", "scripts", "bin"] + [f"ml/{s}" for s in
                                                                                  ("features", "training", "serving")]
        for i in range(max(0, extra)):
            folder = folders[i % len(folders)] + ("" if i < len(folders) else f"/env{i}")
            self.write_requirements(f"{folder}/requirements.txt", AREA_THIRD_PARTY.get(folder.split("/")[0], ["requests"]),
                                    folder)
        for i in range(self.n(TARGETS["dockerignore"])):
            self.write(f"{['services', 'processors'][i % 2]}/.dockerignore", "**/__pycache__\n**/*.pyc\ntests/\n.git\n", "dockerignore")

    # -- shell --------------------------------------------------------------------------------
    def write_shell(self) -> None:
        rng = self.rng
        self.write("bin/shared/deploy_common.sh", DEPLOY_COMMON, "shell")
        self.write("bin/shared/validation_common.sh", VALIDATION_COMMON, "shell")
        deploy_scripts = []
        staged_functions = [f for f in self.function_folder_names if self.function_info[f]["layout"] == "staged"]
        # one script per function (in the folder or under bin/deploy), styles mixed
        for i, fn in enumerate(self.function_folder_names):
            info = self.function_info[fn]
            where = f"orchestration/functions/{fn}/deploy.sh" if i % 3 == 0 else f"bin/deploy/deploy_{fn}.sh"
            deploy_scripts.append((where, self.function_deploy_script(fn, info, where)))
        # batch scripts: a shell function over self-contained folders, a loop over jobs
        contained = [f for f in self.function_folder_names if self.function_info[f]["layout"] != "staged"
                     and not self.function_info[f].get("seed_pf202")]
        batches = max(1, self.n(3))
        for b in range(batches):
            group = contained[b::batches]
            if group:
                deploy_scripts.append((f"bin/deploy/canary_batch_{b}.sh", self.batch_deploy_script(group)))
        jobs = [image for image in self.images if image["kind"] == "job"]
        for b in range(max(1, self.n(2))):
            if jobs[b::2]:
                deploy_scripts.append((f"bin/deploy/roll_jobs_{b}.sh", self.jobs_loop_script(jobs[b::2])))
        # Cloud Run services and jobs (services also have staging and canary deploys)
        for image in self.images:
            rel = f"bin/deploy/deploy_{image['name'].replace('-', '_')}.sh"
            deploy_scripts.append((rel, self.run_deploy_script(image)))
            if image["kind"] == "service":
                for variant in ("staging", "canary"):
                    rel = f"bin/deploy/{variant}/{variant}_{image['name'].replace('-', '_')}.sh"
                    deploy_scripts.append((rel, self.run_deploy_script(image, variant)))
        # staging deploys of some staged functions
        for fn in [f for f in staged_functions if not self.function_info[f].get("seed_pf301")][: self.n(8)]:
            info = dict(self.function_info[fn], name=self.function_info[fn]["name"] + "-staging")
            where = f"bin/deploy/staging/deploy_{fn}.sh"
            deploy_scripts.append((where, self.function_deploy_script(fn, info, where)))
        for rel, text in deploy_scripts:
            self.write(rel, text, "shell")
        # utility scripts until the measured count, sized like the real ones
        total = self.n(TARGETS["shell_scripts"], 6)
        remaining = max(0, total - self.counts["shell"])
        sizes = [int(s * 1.2) for s in stratified(rng, SHELL_SIZE_QUANTILES, remaining)]  # deploy scripts are small
        folders = ["bin/monitoring", "bin/maintenance", "bin/backfill", "bin/validation", "scripts", "scripts/ops",
                   "backfill/scripts", "monitoring/scripts", "validation/scripts", "bin/reports", "bin/infra"]
        for i, size in enumerate(sizes):
            rel = f"{folders[i % len(folders)]}/{rng.choice(VERBS)}_{rng.choice(NOUNS)}_{i}.sh"
            self.write(rel, self.utility_script(size, sources=(i % 15 == 0)), "shell")
        for i in range(self.n(TARGETS["shell_extensionless"])):
            self.write(f"bin/tools/{rng.choice(VERBS)}-{rng.choice(NOUNS)}-{i}",
                       self.utility_script(1200, sources=False), "shell_extensionless")
        # shortcuts: links to scripts (some dangling: outside any deployed folder, no finding)
        scripts = sorted(str(p.relative_to(self.root)) for p in (self.root / "bin/maintenance").glob("*.sh"))
        for i in range(self.n(22)):
            if i < self.n(6):
                self.link(f"bin/shortcuts/old-{i}", f"../maintenance/removed_{i}.sh")
            elif scripts:
                target = scripts[i % len(scripts)]
                self.link(f"bin/shortcuts/{target.rsplit('/', 1)[1][:-3].replace('_', '-')}", f"../maintenance/{target.rsplit('/', 1)[1]}")

    def function_deploy_script(self, fn: str, info: dict, where: str) -> str:
        rng = self.rng
        up = "/".join([".."] * (where.count("/")))
        lines = ["#!/usr/bin/env bash", f"# Deploy the {fn} Cloud Function (2nd gen).", "set -euo pipefail", ""]
        sourced = rng.random() < 0.3
        if sourced:
            helper = up + "/bin/shared/deploy_common.sh"
            lines += ['SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"', f'source "$SCRIPT_DIR/{helper}"', ""]
        else:
            lines += [f'PROJECT_ID="${{PROJECT_ID:-{PROJECT}}}"', f'REGION="${{REGION:-{REGION}}}"', ""]
        lines += [f'FUNCTION_NAME="{info["name"]}"', f'SOURCE_DIR="orchestration/functions/{fn}"',
                  f'ENTRY_POINT="{info["entry"]}"', f'RUNTIME="{info["runtime"]}"']
        if info.get("seed_pf301"):
            lines.append(f'MEMORY="{info["memory"]}"  # seeded PF301: below the 512MB floor')
        else:
            lines.append(f'MEMORY="${{MEMORY:-{info["memory"]}}}"')
        lines += [f'TIMEOUT="${{TIMEOUT:-{rng.choice([60, 120, 300, 540])}s}}"', "", f'cd "$(dirname "$0")/{up}"', ""]
        if info["layout"] == "staged":
            lines += ['BUILD_DIR="$(mktemp -d)"', "trap 'rm -rf \"$BUILD_DIR\"' EXIT",
                      'cp "$SOURCE_DIR"/*.py "$SOURCE_DIR/requirements.txt" "$BUILD_DIR/"',
                      "rsync -aL --exclude '__pycache__' shared/ \"$BUILD_DIR/shared/\"", ""]
            source = '"$BUILD_DIR"'
        else:
            source = '"$SOURCE_DIR"'
        trigger = f'--trigger-topic "grid-{fn.replace("_", "-")}-in"' if info["trigger"] == "topic" else "--trigger-http --no-allow-unauthenticated"
        if sourced:
            lines.append('log "deploying $FUNCTION_NAME"')
        else:
            lines.append('echo "deploying $FUNCTION_NAME"')
        lines += ['gcloud functions deploy "$FUNCTION_NAME" \\', "  --gen2 \\", '  --runtime "$RUNTIME" \\',
                  '  --region "$REGION" \\', '  --project "$PROJECT_ID" \\', f"  --source {source} \\",
                  '  --entry-point "$ENTRY_POINT" \\', f"  {trigger} \\", '  --memory "$MEMORY" \\',
                  '  --timeout "$TIMEOUT" \\', f"  --max-instances {rng.choice([1, 3, 5, 10])} \\",
                  '  --update-env-vars "GCP_PROJECT=$PROJECT_ID"']
        self.deploy_commands += 1
        if info["trigger"] == "http" and rng.random() < 0.5:
            lines += ["", 'URL="$(gcloud functions describe "$FUNCTION_NAME" --gen2 --region "$REGION" --format=\'value(serviceConfig.uri)\')"',
                      f'if ! gcloud scheduler jobs describe "{fn}-daily" --location "$REGION" >/dev/null 2>&1; then',
                      f'  gcloud scheduler jobs create http "{fn}-daily" --location "$REGION" --schedule "{rng.randint(0, 59)} {rng.randint(0, 23)} * * *" --uri "$URL" --http-method POST',
                      "fi"]
        return "\n".join(lines) + "\n"

    def batch_deploy_script(self, group: list[str]) -> str:
        """Canary deploys of self-contained function folders through a shell function."""
        lines = ["#!/usr/bin/env bash", "# Canary deploys of the orchestrators (their folders hold their shared/ code).",
                 "set -euo pipefail", "", 'SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
                 'source "$SCRIPT_DIR/../shared/deploy_common.sh"', 'cd "$(dirname "$0")/../.."', "",
                 "deploy_one() {", '  local fn="$1" name="$2" entry="$3" memory="${4:-1GB}"', '  log "deploying $name"',
                 '  gcloud functions deploy "$name" \\', "    --gen2 \\", '    --runtime "$RUNTIME" \\', '    --region "$REGION" \\',
                 '    --source "orchestration/functions/$fn" \\', '    --entry-point "$entry" \\', "    --trigger-http \\",
                 '    --memory "$memory" \\', '    --update-env-vars "GCP_PROJECT=$PROJECT_ID"', "}", ""]
        self.deploy_commands += 1
        for fn in group:
            info = self.function_info[fn]
            lines.append(f'deploy_one {fn} {info["name"]}-canary {info["entry"]} {self.rng.choice(["1GB", "2GB"])}')
        return "\n".join(lines) + "\n"

    def jobs_loop_script(self, jobs: list[dict]) -> str:
        """Point every backfill job at a new image tag, in a loop."""
        lines = ["#!/usr/bin/env bash", "# Roll every backfill job to the image built for TAG.", "set -euo pipefail", "",
                 'SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"', 'source "$SCRIPT_DIR/../shared/deploy_common.sh"',
                 'REGISTRY="${REGION}-docker.pkg.dev/${PROJECT_ID}/pipeline"', "",
                 f"for job in {' '.join(j['name'] for j in jobs)}; do", '  log "updating $job"', '  gcloud run jobs update "$job" \\',
                 '    --image "$REGISTRY/$job:${TAG:-latest}" \\', '    --region "$REGION" \\', '    --memory "${JOB_MEMORY:-2Gi}" \\',
                 '    --update-env-vars "GCP_PROJECT=$PROJECT_ID"', "done"]
        self.deploy_commands += 1
        return "\n".join(lines) + "\n"

    def run_deploy_script(self, image: dict, variant: str = "prod") -> str:
        """prod builds and deploys; staging deploys a second service; canary takes no traffic."""
        rng = self.rng
        memory = rng.choice(["1Gi", "2Gi", "4Gi", "512Mi"])
        cpu = {"512Mi": 1, "1Gi": 1, "2Gi": 1, "4Gi": 2}[memory]
        up = "../.." if variant == "prod" else "../../.."
        name = image["name"] + ("-staging" if variant == "staging" else "")
        lines = ["#!/usr/bin/env bash", f"# {variant.capitalize()} deploy of {image['name']} ({'Cloud Run job' if image['kind'] == 'job' else 'Cloud Run service'}).",
                 "set -euo pipefail", "", 'SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
                 f'source "$SCRIPT_DIR/{up[3:]}/shared/deploy_common.sh"' if variant != "prod" else 'source "$SCRIPT_DIR/../shared/deploy_common.sh"',
                 "", f'NAME="{name}"', f'MEMORY="${{MEMORY:-{memory}}}"',
                 f'IMAGE="${{REGION}}-docker.pkg.dev/${{PROJECT_ID}}/pipeline/{image["name"]}:${{TAG:-latest}}"', "",
                 f'cd "$(dirname "$0")/{up}"']
        if variant == "prod":
            lines += [f'docker build -f {image["dockerfile"]} -t "$IMAGE" .', 'docker push "$IMAGE"']
        lines.append("")
        if variant == "canary":
            lines += ['gcloud run deploy "$NAME" \\', '  --image "$IMAGE" \\', '  --region "$REGION" \\', '  --memory "$MEMORY" \\',
                      f"  --cpu {cpu} \\", "  --no-traffic \\", '  --tag "canary-${TAG:-latest}"']
            self.deploy_commands += 1
            return "\n".join(lines) + "\n"
        if image["kind"] == "job":
            common = ['  --image "$IMAGE" \\', '  --region "$REGION" \\', '  --memory "$MEMORY" \\', f"  --cpu {cpu} \\",
                      f"  --task-timeout {rng.choice(['30m', '1h', '3600s'])} \\", "  --max-retries 1 \\"]
            lines += ['if gcloud run jobs describe "$NAME" --region "$REGION" >/dev/null 2>&1; then',
                      '  gcloud run jobs update "$NAME" \\'] + ["  " + c for c in common] + [
                      '    --update-env-vars "GCP_PROJECT=$PROJECT_ID"',
                      "else", '  gcloud run jobs create "$NAME" \\'] + ["  " + c for c in common] + [
                      '    --set-env-vars "GCP_PROJECT=$PROJECT_ID"', "fi"]
            self.deploy_commands += 2
        else:
            lines += ['gcloud run deploy "$NAME" \\', '  --image "$IMAGE" \\', '  --region "$REGION" \\', '  --project "$PROJECT_ID" \\',
                      '  --memory "$MEMORY" \\', f"  --cpu {cpu} \\", f"  --concurrency {rng.choice([1, 10, 40, 80])} \\",
                      f"  --timeout {rng.choice([300, 900, 3600])} \\", "  --no-allow-unauthenticated \\",
                      '  --update-env-vars "GCP_PROJECT=$PROJECT_ID"']
            self.deploy_commands += 1
        return "\n".join(lines) + "\n"

    def utility_script(self, size: int, sources: bool) -> str:
        """An operations script: plain command sequences, and (as measured, in some scripts
        only) defaults, shell functions, loops, case, heredocs."""
        rng = self.rng
        table = rng.choice(self.tables)
        uses = {kind for kind, share in (("defaults", 0.25), ("functions", 0.45), ("loops", 0.55), ("case", 0.40),
                                         ("heredoc", 0.25)) if rng.random() < share}
        lines = ["#!/bin/bash", f"# {self.sentence(table.name)}", "set -euo pipefail" if rng.random() < 0.87 else "set -e", ""]
        if sources:
            lines += ['SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
                      'source "$SCRIPT_DIR/../shared/validation_common.sh" 2>/dev/null || true', ""]
        if "defaults" in uses:
            lines += [f'PROJECT_ID="${{PROJECT_ID:-{PROJECT}}}"', f'DATASET="${{DATASET:-{table.dataset}}}"',
                      'START_DATE="${1:-$(date -d yesterday +%Y-%m-%d)}"', 'END_DATE="${2:-$START_DATE}"', ""]
        else:
            lines += [f'PROJECT_ID="{PROJECT}"', f'DATASET="{table.dataset}"', 'START_DATE="$(date -d yesterday +%Y-%m-%d)"',
                      'END_DATE="$START_DATE"', 'MODE="check"', ""]
        text = "\n".join(lines) + "\n"
        kinds = ["plain", "plain", "plain"] + sorted(uses - {"defaults"})
        while len(text) < size:
            kind = rng.choice(kinds)
            t = rng.choice(self.tables)
            if kind == "plain":
                text += "\n" + "\n".join(rng.choice([
                    f'echo "=== {rng.choice(VERBS)} {t.name} ($START_DATE) ==="',
                    f'bq query --project_id="$PROJECT_ID" --use_legacy_sql=false --format=pretty "SELECT run_date, COUNT(*) AS n FROM \\`$PROJECT_ID.{t.dataset}.{t.name}\\` WHERE run_date >= \'$START_DATE\' GROUP BY run_date ORDER BY run_date"',
                    f'gsutil ls -l "gs://{PROJECT}-raw/{t.dataset}/{t.name}/$START_DATE/" | tail -n 5 || true',
                    f'gcloud logging read "resource.type=cloud_run_revision AND textPayload:{t.name}" --project "$PROJECT_ID" --limit {rng.choice([20, 50, 100])} --format="value(textPayload)"',
                    f'python -m scripts.checks.{rng.choice(VERBS)}_{rng.choice(NOUNS)} --date "$START_DATE" --table {t.name}',
                    f'gcloud pubsub topics publish "grid-{rng.choice(NOUNS)}-trigger" --project "$PROJECT_ID" --message "{{\\"run_date\\": \\"$START_DATE\\"}}"',
                    f'bq show --format=prettyjson "$PROJECT_ID:{t.dataset}.{t.name}" | head -n 20',
                ]) for _ in range(rng.randint(2, 6))) + "\n"
            elif kind == "functions":
                name = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"
                day = '"${2:-$START_DATE}"' if "defaults" in uses else '"$2"'
                text += (f"\n{name}() {{\n  local table=\"$1\"\n  local day={day}\n"
                         f"  bq query --project_id=\"$PROJECT_ID\" --use_legacy_sql=false --format=csv \\\n"
                         f"    \"SELECT COUNT(*) FROM \\`$PROJECT_ID.$DATASET.$table\\` WHERE run_date = '$day'\"\n}}\n\n"
                         f"{name} {t.name} \"$START_DATE\"\n")
            elif kind == "loops":
                text += (f"\nfor offset in $(seq 0 {rng.randint(1, 30)}); do\n  day=$(date -d \"$START_DATE + $offset day\" +%Y-%m-%d)\n"
                         f"  echo \"checking {t.name} for $day\"\n  gsutil ls \"gs://{PROJECT}-raw/{t.dataset}/{t.name}/$day/\" | wc -l || true\ndone\n")
            elif kind == "case":
                text += (f"\ncase \"{'${MODE:-check}' if 'defaults' in uses else '$MODE'}\" in\n  check)\n    echo \"check mode\"\n    ;;\n  fix)\n"
                         f"    python -m scripts.maintenance.fix --table {t.name} --date \"$START_DATE\"\n    ;;\n"
                         f"  *)\n    echo \"unknown mode\" >&2\n    exit 2\n    ;;\nesac\n")
            else:  # heredoc
                cols = ", ".join(c[0] for c in t.columns[:5])
                text += (f"\nbq query --project_id=\"$PROJECT_ID\" --use_legacy_sql=false <<EOF\nSELECT {cols}\n"
                         f"FROM \\`{PROJECT}.{t.dataset}.{t.name}\\`\nWHERE run_date BETWEEN '$START_DATE' AND '$END_DATE'\nLIMIT 100\nEOF\n")
        return text

    # -- YAML, docs and the rest --------------------------------------------------------------
    def write_yaml(self) -> None:
        rng = self.rng
        raw = [(pname, cls) for pname, cls, _ in self.processors if pname.startswith("p2_")]
        lines = ["# Collectors and the phase 2 processor that loads each one's files.", "collectors:"]
        for pname, cls in raw:
            lines += [f"  {pname[3:]}:", f"    module: collectors.{rng.choice(SOURCES)}", f"    critical: {rng.choice(['true', 'false'])}",
                      f'    processor_name: "{pname}"', f"    schedule: \"{rng.randint(0, 59)} {rng.randint(0, 23)} * * *\"", ""]
        self.write("config/workflows.yaml", "\n".join(lines) + "\n", "yaml")
        for i in range(self.n(6)):  # Cloud Build: build and deploy the service images
            image = self.images[i % len(self.images)]
            if image["kind"] == "job":
                deploy = ["run", "jobs", "update", image["name"], "--image", f"${{_REGION}}-docker.pkg.dev/$PROJECT_ID/pipeline/{image['name']}:$SHORT_SHA",
                          "--region", "${_REGION}", "--memory", "2Gi"]
            else:
                deploy = ["run", "deploy", image["name"], "--image", f"${{_REGION}}-docker.pkg.dev/$PROJECT_ID/pipeline/{image['name']}:$SHORT_SHA",
                          "--region", "${_REGION}", "--memory", "${_MEMORY}", "--update-env-vars", "GCP_PROJECT=$PROJECT_ID"]
            text = (f"# Build and deploy {image['name']}\nsteps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['build', '-f', '{image['dockerfile']}', "
                    f"'-t', '${{_REGION}}-docker.pkg.dev/$PROJECT_ID/pipeline/{image['name']}:$SHORT_SHA', '.']\n"
                    f"  - name: gcr.io/cloud-builders/docker\n    args: ['push', '${{_REGION}}-docker.pkg.dev/$PROJECT_ID/pipeline/{image['name']}:$SHORT_SHA']\n"
                    f"  - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim\n    entrypoint: gcloud\n    args:\n"
                    + "".join(f"      - '{a}'\n" for a in deploy)
                    + f"substitutions:\n  _REGION: {REGION}\n  _MEMORY: 2Gi\noptions:\n  logging: CLOUD_LOGGING_ONLY\n")
            self.write(f"cloudbuild-{image['name']}.yaml" if i else "cloudbuild.yaml", text, "yaml")
        for i in range(self.n(15)):
            script = f"bin/deploy/deploy_{self.images[i % len(self.images)]['name'].replace('-', '_')}.sh"
            text = (f"name: {rng.choice(VERBS)}-{rng.choice(NOUNS)}-{i}\non:\n  push:\n    branches: [main]\n  workflow_dispatch: {{}}\n"
                    f"jobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                    f"      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.11'\n"
                    f"      - run: pip install -r requirements-test.txt\n      - run: python -m pytest -q tests/unit\n"
                    f"      - run: bash {script}\n        env:\n          TAG: ${{{{ github.sha }}}}\n")
            self.write(f".github/workflows/{rng.choice(VERBS)}-{rng.choice(NOUNS)}-{i}.yml", text, "yaml")
        remaining = self.n(TARGETS["yaml"], 4) - self.counts["yaml"]
        for i in range(max(0, remaining)):
            t = rng.choice(self.tables)
            folder = rng.choice(["validation/configs", "validation/configs", "monitoring/alert-policies", "deployment/scheduler",
                                 "deployment/cloud-run", "config"])
            body = [f"# {self.sentence(t.name)}", f"name: {t.name}_{i}", f"table: {t.dataset}.{t.name}", "checks:"]
            for c, kind, _ in t.columns[: rng.randint(3, 12)]:
                body += [f"  - column: {c}", f"    type: {kind.lower()}", f"    not_null: {rng.choice(['true', 'false'])}",
                         f"    max_null_ratio: {rng.random():.2f}"]
            body += ["thresholds:", f"  min_rows: {rng.randint(1, 5000)}", f"  freshness_hours: {rng.randint(1, 48)}"]
            self.write(f"{folder}/{t.name}_{i}.yaml", "\n".join(body) + "\n", "yaml")

    def write_docs_and_other(self) -> None:
        rng = self.rng
        sections = [f"{i:02d}-{rng.choice(NOUNS)}-{rng.choice(VERBS)}" for i in range(max(2, self.n(12)))]
        folders = max(2, self.n(600))
        for i in range(self.n(TARGETS["markdown"], 4)):
            folder = f"docs/{sections[i % len(sections)]}/{rng.choice(ADJ)}-{rng.choice(NOUNS)}-{i % folders}"
            self.write(f"{folder}/{rng.choice(VERBS).upper()}_{rng.choice(NOUNS).upper()}_{i}.md",
                       f"# {self.sentence(rng.choice(NOUNS))}\n\n" + "\n".join(self.sentence(rng.choice(NOUNS)) for _ in range(rng.randint(3, 30))) + "\n",
                       "markdown")
        kinds = [(".json", '{"%s": %d}\n'), (".txt", "%s %d\n"), (".csv", "name,count\n%s,%d\n"), (".env", "KEY_%s=%d\n"),
                 (".html", "<p>%s %d</p>\n"), (".tf", 'variable "%s" { default = %d }\n')]
        for i in range(self.n(TARGETS["other_files"], 4)):
            ext, pattern = kinds[i % len(kinds)]
            folder = rng.choice(["config/data", "validation/results", "monitoring/dashboards", "infra", "ml/experiments/results", "docs/assets"])
            self.write(f"{folder}/{rng.choice(NOUNS)}_{i}{ext}", pattern % (rng.choice(NOUNS), i), "other")
        self.write(".gitignore", "__pycache__/\n*.py[cod]\n.venv/\nvenv/\n.env\n.env.*\n!.env.example\n.pytest_cache/\n"
                   ".mypy_cache/\n.vscode/\n.idea/\n*.log\nbuild/\ndist/\n*.egg-info/\n.coverage\nhtmlcov/\n", "other")
        self.write(".gcloudignore", ".git\n.github/\ndocs/\ntests/\n*.md\n__pycache__/\n", "gcloudignore")
        self.write("pyproject.toml", '[project]\nname = "grid-pipeline"\nversion = "0.0.0"\nrequires-python = ">=3.11"\n', "other")

    def write_config(self) -> None:
        phase3_fn = "phase3_to_phase4"
        nxt = 4 if 4 in self.by_phase else 3
        text = f'''# gcp-preflight configuration of the synthetic benchmark repository.
[names.sources.declared]
yaml = "config/workflows.yaml"
select = "**.processor_name"

[names.sources.phase2_expected]
python = "{self.orchestration_config.rel}"
symbol = "PHASE2_EXPECTED_PROCESSORS"

[names.sources.phase3_expected]
python = "{self.orchestration_config.rel}"
symbol = "PHASE3_EXPECTED_PROCESSORS"

[names.sources.phase4_expected]
python = "{self.orchestration_config.rel}"
symbol = "PHASE{nxt}_EXPECTED_PROCESSORS"

[names.sources.phase_fallback]
python = "orchestration/functions/{phase3_fn}/main.py"
symbol = "EXPECTED_PROCESSORS"

[names.sources.processor_names]
classes = "ProcessorBase"
attribute = "processor_name"

[names.sources.processor_classes]
classes = "ProcessorBase"

[names.sources.class_map]
python = "{self.orchestration_config.rel}"
symbol = "CLASS_TO_CONFIG_MAP"

[[names.contracts]]
kind = "subset"
source = "phase2_expected"
target = "declared"

[[names.contracts]]
kind = "subset"
source = "phase3_expected"
target = "processor_names"

[[names.contracts]]
kind = "subset"
source = "phase4_expected"
target = "processor_names"

[[names.contracts]]
kind = "equal"
source = "phase_fallback"
target = "phase{nxt}_expected"

[[names.contracts]]
kind = "subset"
source = "class_map"
target = "processor_classes"
'''
        self.write("preflight.toml", text, "other")

    # -- all ----------------------------------------------------------------------------------
    def run(self) -> dict:
        self.root.mkdir(parents=True, exist_ok=True)
        if any(self.root.iterdir()):
            raise SystemExit(f"{self.root} is not empty")
        self.make_tables()
        self.plan_python()
        self.plan_functions()
        seedable = [m for area in ("monitoring", "validation", "scripts") for m in self.plan
                    if m.area == area and m.role == ""]
        self.seed_pf401_module = seedable[0].rel
        self.write_python()
        self.finish_names()
        self.finish_functions()
        self.write_images()
        self.write_sql()
        self.write_shell()
        self.write_yaml()
        self.write_docs_and_other()
        self.write_config()
        return self.manifest()

    def manifest(self) -> dict:
        c = self.counts
        python = [p for p in self.root.rglob("*.py") if not p.is_symlink() and p.is_file()]
        return {
            "python_files": len(python), "python_bytes": sum(p.stat().st_size for p in python),
            "python_copies": c["python_copies"], "shell_scripts": c["shell"],
            "shell_extensionless": c["shell_extensionless"], "deploy_commands": self.deploy_commands,
            "function_folders": len(self.function_folder_names),
            "shared_tree_functions": len(self.tree_functions), "shared_link_functions": len(self.link_functions),
            "symlinks": c["symlinks"], "dockerfiles": c["dockerfile"], "requirements": c["requirements"],
            "sql": c["sql"], "json_schemas": c["json_schema"], "yaml": c["yaml"], "gcloudignore": c["gcloudignore"],
            "dockerignore": c["dockerignore"], "markdown": c["markdown"], "other_files": c["other"],
            "requirements_other": c["requirements_other"],
            "processors": len(self.processors), "tables": len(self.tables), "seeded": dict(SEEDED),
        }


DEPLOY_COMMON = f'''#!/usr/bin/env bash
# Settings and helpers shared by the deploy scripts. Source it; do not run it.

PROJECT_ID="${{PROJECT_ID:-{PROJECT}}}"
REGION="${{REGION:-{REGION}}}"
RUNTIME="${{RUNTIME:-python311}}"
SERVICE_ACCOUNT="${{SERVICE_ACCOUNT:-pipeline-runner@${{PROJECT_ID}}.iam.gserviceaccount.com}}"

log() {{
  echo "[$(date -u +%H:%M:%S)] $*"
}}

die() {{
  echo "ERROR: $*" >&2
  exit 1
}}

require_cmd() {{
  command -v "$1" >/dev/null 2>&1 || die "missing command: $1"
}}

require_cmd gcloud
'''

VALIDATION_COMMON = f'''#!/usr/bin/env bash
# Helpers for the validation scripts. Source it.

PROJECT_ID="${{PROJECT_ID:-{PROJECT}}}"

row_count() {{
  local table="$1" day="$2"
  bq query --project_id="$PROJECT_ID" --use_legacy_sql=false --format=csv \\
    "SELECT COUNT(*) FROM \\`$table\\` WHERE run_date = '$day'" | tail -n 1
}}

fail() {{
  echo "FAIL: $*" >&2
  return 1
}}
'''


def generate(root: Path, scale: float = 1.0, seed: int = 0, size_factor: float = 1.0) -> dict:
    """Write the repository under `root` (created; must be empty) and return what was written.
    `size_factor` shrinks every Python module (tests use it to stay fast; benchmarks keep 1)."""
    return Generator(Path(root), scale, seed, size_factor).run()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the measured real repository (default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size-factor", type=float, default=1.0,
                        help="multiply every Python module's size (for fast tests; default 1)")
    args = parser.parse_args(argv)
    manifest = generate(args.root, args.scale, args.seed, args.size_factor)
    json.dump(manifest, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
