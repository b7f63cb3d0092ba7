"""What `preflight init` proposes for `[bigquery]`: a default project and dataset, each only when
every schema that names one names the same (so bare table ids in the code resolve the way the
schemas are laid out), and comments on the schemas and write sites found.
"""

from __future__ import annotations

from collections import Counter

from gcp_preflight.rules.bigquery.flow import analyse
from gcp_preflight.validators.bigquery.schema import BqSchema

_ORIGINS = {"ddl": "DDL", "alter": "ALTER", "json": "JSON schema", "python": "SchemaField list"}


def _parts(schema: BqSchema) -> list[str]:
    return schema.table.strip("`").replace(":", ".").split(".")


def _single(counter: Counter, what: str, key: str) -> tuple[str | None, str]:
    """(value, comment): the value when the schemas name exactly one."""
    if not counter:
        return None, f"# {key}: no schema names a {what}, so none is proposed."
    if len(counter) > 1:
        named = ", ".join(f"{v} ({n})" for v, n in sorted(counter.items(), key=lambda vn: (-vn[1], vn[0])))  # ties by name: the ids come from a set
        return None, f"# {key}: the schemas name {len(counter)} {what}s ({named}), so none is the default."
    (value, n), = counter.items()
    return value, f"# Every schema that names a {what} names {value} ({n} table{'s' if n > 1 else ''})."


def propose_bigquery_config(project, prefix: str = "tool.gcp-preflight.") -> str:
    schemas = [s for s in project.facts(BqSchema) if s.origin != "json"]  # a JSON file names only the table
    all_schemas = project.facts(BqSchema)
    if not all_schemas:
        return ""
    origins = Counter(_ORIGINS.get(s.origin, s.origin) for s in all_schemas)
    ids = {tuple(_parts(s)) for s in schemas}  # a table and its ALTERs count once
    projects = Counter(p[-3] for p in ids if len(p) >= 3)
    datasets = Counter(p[-2] for p in ids if len(p) >= 2)
    out = [f"# [{prefix}bigquery]: rows written to BigQuery are checked against the table schemas (PF4xx).",
           f"# {len(all_schemas)} table schema{'s' if len(all_schemas) > 1 else ''} found: " + ", ".join(f"{n} {o}" for o, n in sorted(origins.items())) + "."]
    sites = project.memo(analyse).sites
    if sites:
        unresolved = [s for s in sites if s.table is None]
        matched = [s for s in sites if s.columns is not None]
        out.append(f"# {len(sites)} write site{'s' if len(sites) > 1 else ''}: {len(matched)} matched to a schema"
                   + (f", {len(unresolved)} with a table id computed at run time (PF407 lists them)" if unresolved else "")
                   + ".")
    for counter, what, key in ((projects, "project", "default-project"), (datasets, "dataset", "default-dataset")):
        value, comment = _single(counter, what, key)
        out.append(comment)
        if value is not None:
            out.append(f'{key} = "{value}"   # for table ids written without a {what}')
    return "\n".join(out) + "\n"
