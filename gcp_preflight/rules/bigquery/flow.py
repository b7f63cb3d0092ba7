"""The cross-module half of the BigQuery analysis, computed once per run (project.memo).

From per-file facts it builds: module constants resolved through imports (so an f-string over
`PROJECT` and `DATASET` from a config module becomes a table id), the wrapper graph (a project
function that passes its own parameter to a sink, or to another wrapper, at any depth), the write
sites (calls of a sink or wrapper with rows built at the call), and the schema of each site's
table (rules/bigquery/schemas.py: DDL, JSON schema files, Python SchemaField lists; or the load
job's own schema).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Sequence

from gcp_preflight.rules.python.index import ModuleRef, python_index
from gcp_preflight.rules.bigquery.classes import ClassIndex
from gcp_preflight.rules.bigquery.queries import QueryTypes
from gcp_preflight.rules.bigquery.schemas import SchemaIndex, split_id
from gcp_preflight.validators.bigquery.facts import (
    Arg, BqCall, BqFunction, BqLooseCall, BqModule, BqTableDecl, JobConfig, Piece, Row, Rows,
)
from gcp_preflight.validators.bigquery.python import SINKS
from gcp_preflight.validators.bigquery.schema import BqColumn

# (table position, table keyword, rows position, rows keyword) of each client method.
API_ARGS = {
    "insert_rows_json": (0, "table", 1, "json_rows"),
    "insert_rows": (0, "table", 1, "rows"),
    "load_table_from_json": (1, "destination", 0, "json_rows"),
}
JSON_APIS = frozenset({"insert_rows_json", "load_table_from_json"})  # rows go through json.dumps as is


@dataclass(frozen=True)
class Options:
    default_project: str | None = None
    default_dataset: str | None = None
    sinks: tuple = ()  # ((name, api, table param, rows param), ...) from config


def options(project) -> Options:
    raw = project.config.section("bigquery")
    sinks = tuple((s["function"], s.get("api", "insert_rows_json"), str(s.get("table", 0)), str(s.get("rows", 1)))
                  for s in raw.get("sinks", ()))
    return Options(raw.get("default-project"), raw.get("default-dataset"), sinks)


# -- pieces of strings, tagged with the module they are written in ----------------------------

@dataclass(frozen=True)
class TPiece:
    kind: str  # lit, name, param, none, unknown; attr (`self.X`), opaque (`self.X` known only at run time)
    value: str
    path: str  # the module the name is written in
    why: str = ""  # opaque: why it is not known


def tag(pieces, path: str) -> tuple[TPiece, ...]:
    return tuple(TPiece(p.kind, p.value, path) for p in pieces)


@dataclass
class Spec:
    """How to reach a sink through one callable: which parameter is the table, which the rows."""

    api: str
    table: tuple[TPiece, ...] | None  # None: take the call's own table argument (a real sink)
    table_param: tuple[int, str]  # (position, keyword) of the table argument, for real sinks
    rows_param: tuple[int, str]
    job: JobConfig | None = None
    job_path: str = ""
    ignore_unknown: bool = False
    function: BqFunction | None = None
    chain: tuple[str, ...] = ()


@dataclass
class Site:
    call: BqCall
    api: str
    rows: Rows
    table: str | None
    table_why: str
    job: JobConfig | None
    ignore_unknown: bool
    chain: tuple[str, ...]
    for_class: str = ""  # the subclass this site was resolved for, when a base-class method writes
    assumes: tuple[str, ...] = ()  # environment variables whose defaults the table id takes
    columns: dict[str, BqColumn] | None = None  # lower-cased name -> column
    schema_path: str = ""
    schema_where: str = ""
    schema_why: str = ""


@dataclass
class Analysis:
    sites: list[Site] = field(default_factory=list)
    modules: dict[str, BqModule] = field(default_factory=dict)  # by path
    disagreements: list = field(default_factory=list)  # Disagreement, one per table and chosen declaration
    queries: object = None  # QueryTypes: the types of fields read from query results


class Resolver:
    def __init__(self, project, opts: Options):
        self.opts = opts
        self.by_path = {m.path: m for m in project.facts(BqModule)}
        self.index = project.memo(python_index)
        self.functions: dict[tuple[str, str], BqFunction] = {(f.path, f.qualname): f for f in project.facts(BqFunction)}
        self._targets: dict[int, tuple[str, object] | None] = {}  # id of a call (facts live as long as the run)
        self._imports: dict[str, dict[str, tuple[str, str]]] = {}  # module path -> local -> (source, item)
        self.classes = ClassIndex(project, self)

    # modules and names --------------------------------------------------------------------
    def module(self, dotted: str, near: str) -> BqModule | None:
        """The project module an import in file `near` names, as python_index finds it."""
        target = self.index.resolve_module(dotted, near)
        return self.by_path.get(target.path) if isinstance(target, ModuleRef) else None

    def imported(self, module: BqModule, local: str) -> tuple[BqModule | None, str]:
        """(module, name) a local name was imported as; name "" when the local is a module."""
        imports = self._imports.get(module.path)
        if imports is None:  # the first import of each local name, as a scan in order finds it
            imports = self._imports[module.path] = {}
            for name, source, item in module.imports:
                imports.setdefault(name, (source, item))
        if local in imports:
            source, item = imports[local]
            if not item:
                return self.module(source, module.path), ""
            target = self.module(f"{source}.{item}", module.path)
            if target is not None:
                return target, ""
            return self.module(source, module.path), item
        return None, ""

    def constant(self, module: BqModule, name: str, depth: int, runs: list | None = None) -> tuple[str, bool] | None:
        """(value as rendered, fully known) of a string constant, followed through imports."""
        head, _, rest = name.partition(".")
        if rest:
            target, item = self.imported(module, head)
            if target is None or item:
                return None
            return self.constant(target, rest, depth + 1, runs)
        value = dict(module.constants).get(name)
        if value is not None:
            return self.render(tag(value, module.path), depth + 1, runs)
        target, item = self.imported(module, name)
        if target is not None and item:
            return self.constant(target, item, depth + 1, runs)
        return None

    def text(self, pieces: tuple[TPiece, ...], bindings: dict, depth: int = 0) -> str | None:
        shown, exact = self.render(pieces, depth)
        return shown if exact else None

    def render(self, pieces: tuple[TPiece, ...], depth: int = 0, runs: list | None = None) -> tuple[str, bool]:
        """The string, with `{NAME}` for each part that cannot be known statically, and whether
        every part was known. With `runs`, environment variables read with a default take the
        default, and `runs` gets (text, source) for each stretch of the result: source is the
        variable's name for a default, "" for text known for sure, None for a `{NAME}`, with how
        the stretch is shown where any value matches (`{PROJECT_ID}`)."""
        if depth > 12:
            return "{...}", False
        out, exact = [], True
        for piece in pieces:
            value, source, inner = None, "", None
            if piece.kind == "lit":
                value = piece.value
            elif piece.kind == "env" and runs is not None:  # the default, assumed
                source, _, value = piece.value.partition("=")
            elif piece.kind == "name":
                module = self.by_path.get(piece.path)
                inner = [] if runs is not None else None
                found = self.constant(module, piece.value, depth, inner) if module else None
                if found is not None:
                    value, known = found
                    exact &= known
            if value is None:
                exact, source, inner = False, None, None
                shown = {"name": piece.value, "param": piece.value, "opaque": piece.value, "attr": f"self.{piece.value}",
                         "env": piece.value.partition("=")[0]}
                value = "{" + shown.get(piece.kind, "...") + "}"
            out.append(value)
            if runs is None:
                continue
            if inner and all(run[1] for run in inner):  # a constant read from the environment: shown by its name
                runs.append((value, ",".join(run[1] for run in inner), "{" + piece.value + "}"))
            elif inner is not None:
                runs.extend(inner)
            else:
                runs.append((value, source, "{" + source + "}" if source else value))
        return "".join(out), exact

    def why_unresolved(self, pieces: tuple[TPiece, ...] | None) -> str:
        if not pieces:
            return "the table argument is not a string the tool can follow"
        for piece in pieces:
            if piece.kind == "param":
                return f"it comes from parameter `{piece.value}`, which the call does not set"
            if piece.kind == "name":
                module = self.by_path.get(piece.path)
                found = self.constant(module, piece.value, 0) if module else None
                if found is None or not found[1]:
                    return f"`{piece.value}` is not a string constant of a project module"
            if piece.kind == "unknown":
                return f"part of it is {piece.value}"
            if piece.kind == "opaque":
                return piece.why
            if piece.kind == "attr":
                return f"`self.{piece.value}` is an attribute of an object the tool does not follow"
        return "it is built at run time"

    # calls --------------------------------------------------------------------------------
    def target(self, call: BqCall) -> tuple[str, object] | None:
        """("function", BqFunction) for a project function, ("api", name) for a client method,
        ("config", spec tuple) for a sink named in config. Worked out once per call: the
        search for wrappers asks again in every round."""
        key = id(call)
        if key not in self._targets:
            self._targets[key] = self._target(call)
        return self._targets[key]

    def _target(self, call: BqCall) -> tuple[str, object] | None:
        module = self.by_path.get(call.path)
        parts = call.callee.split(".")
        found = self._function(module, parts, call.function) if module else None
        if found is not None:
            return "function", found
        for sink in self.opts.sinks:  # named in config: "write_rows" or "shared.bq.write_rows"
            if parts[-1] == sink[0].rsplit(".", 1)[-1]:
                return "config", sink
        last = parts[-1]
        if last in SINKS and len(parts) > 1 and (last != "insert_rows" or module is not None and module.imports_bigquery):
            return "api", last
        return None

    def _function(self, module: BqModule, parts: list[str], caller: str) -> BqFunction | None:
        # The ways a call reaches a project function. The reader keeps apart, as BqLooseCall, the
        # calls none of them can match (validators/bigquery/python.py, _loose_calls_apart): a way
        # added here must be added there (tests/rules/test_bigquery.py checks the two agree).
        if len(parts) == 1:
            local = self.functions.get((module.path, parts[0]))
            if local:
                return local
            target, item = self.imported(module, parts[0])
            return self.exported_function(target, item, 0) if target and item else None
        head, rest = parts[0], ".".join(parts[1:])
        if head in ("self", "cls") and "." in caller:
            owner = self.classes.owner(module.path, caller)
            hit = self.classes.lookup(owner, rest) if owner else None
            if hit is not None:  # the method as the class or a base class defines it
                return self.functions.get((hit[1][0], f"{hit[1][1]}.{rest}"))
            return self.functions.get((module.path, f"{caller.rsplit('.', 1)[0]}.{rest}"))
        local = self.functions.get((module.path, ".".join(parts)))  # Class.method
        if local:
            return local
        target, item = self.imported(module, head)
        if target is not None and not item:
            return self.exported_function(target, rest, 0)
        return None

    def exported_function(self, module: BqModule, name: str, depth: int) -> BqFunction | None:
        """A function a module defines, or imports and so re-exports (`shared/utils/__init__.py`)."""
        found = self.functions.get((module.path, name))
        if found is not None or depth > 6 or "." in name:
            return found
        target, item = self.imported(module, name)
        return self.exported_function(target, item, depth + 1) if target is not None and item else None


def arg_for(call: BqCall, position: int, keyword: str) -> Arg | None:
    for arg in call.args:
        if arg.keyword == keyword or arg.keyword == "" and arg.position == position and position >= 0:
            return arg
    return None


def _param_slot(function: BqFunction, name: str, via_attribute: bool) -> tuple[int, str]:
    index = function.params.index(name) if name in function.params else -1
    if function.is_method and via_attribute and index >= 0:
        index -= 1  # self
    return index, name


# -- the analysis ---------------------------------------------------------------------------

def _spec_for(resolver: Resolver, call: BqCall, wrappers: dict) -> Spec | None:
    found = resolver.target(call)
    if found is None:
        return None
    kind, what = found
    if kind == "api":
        t_pos, t_kw, r_pos, r_kw = API_ARGS[what]
        return Spec(what, None, (t_pos, t_kw), (r_pos, r_kw))
    if kind == "config":
        name, api, table, rows = what
        slot = lambda v: (int(v), "") if v.isdigit() else (-1, v)  # noqa: E731
        return Spec(api, None, slot(table), slot(rows))
    spec = wrappers.get((what.path, what.qualname))
    if spec is None:
        return None
    via_attribute = "." in call.callee
    table = spec.table
    if what.is_method and call.callee.split(".")[0] not in ("self", "cls"):  # another object's `self`
        table = _opaque_attrs(table, f"it uses `self.{{}}` of the object whose {what.qualname}() is called")
    return Spec(spec.api, table, spec.table_param, _param_slot(what, spec.rows_param[1], via_attribute),
                spec.job, spec.job_path, spec.ignore_unknown, what, spec.chain)


def _opaque_attrs(pieces, why: str):
    if pieces is None:
        return None
    return tuple(TPiece("opaque", f"self.{p.value}", p.path, why.format(p.value)) if p.kind == "attr" else p
                 for p in pieces)


def _resolve_attrs(classes: ClassIndex, key, pieces, depth: int = 0) -> tuple[TPiece, ...]:
    """`self.X` pieces replaced by what class `key` gives X: a class attribute, a property or method
    returning a string, an attribute set once in __init__ (followed again for the `self.Y` they use)."""
    out: list[TPiece] = []
    for piece in pieces:
        if piece.kind != "attr":
            out.append(piece)
            continue
        call = piece.value.endswith("()")
        name = piece.value[:-2] if call else piece.value
        hit = classes.lookup(key, name)
        shown = f"self.{piece.value}"
        cls = classes.name(key)
        if hit is None:
            out.append(TPiece("opaque", shown, piece.path, f"`{shown}` of {cls}: {classes.missing(key)}"))
        elif call != (hit[0].how == "method"):
            out.append(TPiece("opaque", shown, piece.path, f"`{shown}` of {cls} is a {hit[0].how} the tool does not call"))
        elif hit[0].text is None or depth > 8:
            out.append(TPiece("opaque", shown, piece.path, f"`{shown}` of {cls}: {hit[0].why or 'not followed'}"))
        else:
            out.extend(_resolve_attrs(classes, key, tag(hit[0].text, hit[1][0]), depth + 1))
    return tuple(out)


def _bindings(resolver: Resolver, call: BqCall, function: BqFunction | None) -> dict:
    """Parameter name -> tagged pieces of what the call passes (or the default)."""
    if function is None:
        return {}
    via_attribute = "." in call.callee
    out = {}
    defaults = dict(function.defaults)
    for name in function.params:
        position, _ = _param_slot(function, name, via_attribute)
        arg = arg_for(call, position, name)
        if arg is not None and arg.text is not None:
            out[name] = tag(arg.text, call.path)
        elif arg is not None:
            out[name] = (TPiece("unknown", f"the value passed for `{name}`, computed at run time", call.path),)
        elif arg is None and name in defaults:
            out[name] = tag(defaults[name], function.path)
    return out


def _substitute(pieces: tuple[TPiece, ...], bindings: dict) -> tuple[TPiece, ...]:
    out: list[TPiece] = []
    for piece in pieces:
        if piece.kind == "param" and piece.value in bindings:
            out.extend(bindings[piece.value])
        elif piece.kind == "param":
            out.append(TPiece("unknown", f"parameter `{piece.value}`, which the call does not set", piece.path))
        else:
            out.append(piece)
    return tuple(out)


def _call_table(resolver: Resolver, call: BqCall, spec: Spec) -> tuple[TPiece, ...] | None:
    if spec.table is None:
        arg = arg_for(call, *spec.table_param)
        return tag(arg.text, call.path) if arg is not None and arg.text is not None else None
    return _substitute(spec.table, _bindings(resolver, call, spec.function))


def _call_job(call: BqCall, spec: Spec) -> JobConfig | None:
    if spec.api != "load_table_from_json":
        return None
    if spec.table is None:  # the client method itself
        arg = arg_for(call, 7, "job_config")
        if arg is None or arg.literal == "None":
            return JobConfig("absent")
        return _job_of(arg)
    job = spec.job or JobConfig("unknown")
    if job.mode == "param" and spec.function is not None:
        position, _ = _param_slot(spec.function, job.param, "." in call.callee)
        arg = arg_for(call, position, job.param)
        if arg is None:
            default = dict(spec.function.defaults).get(job.param)
            return JobConfig("absent") if default == (Piece("none", ""),) else JobConfig("unknown")
        if arg.literal == "None":
            return JobConfig("absent")
        return _job_of(arg)
    return job


def _job_of(arg: Arg) -> JobConfig:
    if arg.job is not None:
        return arg.job
    return JobConfig("param", param=arg.param) if arg.param else JobConfig("unknown")


def _ignore_unknown(call: BqCall, spec: Spec) -> bool:
    if spec.table is None:
        arg = arg_for(call, -1, "ignore_unknown_values")
        return bool(arg and arg.literal == "True")
    return spec.ignore_unknown


def find_wrappers(resolver: Resolver, calls: list[BqCall]) -> dict:
    """Functions that pass one of their own parameters on as the rows of a sink, at any depth."""
    wrappers: dict[tuple[str, str], Spec] = {}
    # Only a call to a sink or to a project function can make its function a wrapper.
    inside = [c for c in calls if c.function and (c.path, c.function) in resolver.functions
              and resolver.target(c) is not None]
    for _ in range(len(inside) + 1):
        changed = False
        for call in inside:
            key = (call.path, call.function)
            if key in wrappers or key not in resolver.functions:
                continue
            spec = _spec_for(resolver, call, wrappers)
            rows = arg_for(call, *spec.rows_param) if spec else None
            if spec is None or rows is None or not rows.param:
                continue
            function = resolver.functions[key]
            job = _call_job(call, spec)
            name = function.qualname.rsplit(".", 1)[-1]
            wrappers[key] = Spec(spec.api, _call_table(resolver, call, spec) or (TPiece("unknown", "not a string", call.path),),
                                 (-1, ""), (-1, rows.param), job, call.path, _ignore_unknown(call, spec), function,
                                 (f"{name}()", *spec.chain))
            changed = True
        if not changed:
            break
    return wrappers


def analyse(project) -> Analysis:
    opts = options(project)
    resolver = Resolver(project, opts)
    calls = list(project.facts(BqCall))
    if opts.sinks:  # a sink named in config may be any call's last name
        calls = _with_loose(calls, project.facts(BqLooseCall))
    wrappers = find_wrappers(resolver, calls)
    schemas = SchemaIndex(project, opts, _tables_in_code(project, resolver))
    result = Analysis(modules=resolver.by_path)
    for call in calls:
        spec = _spec_for(resolver, call, wrappers)
        rows = arg_for(call, *spec.rows_param) if spec else None
        built = rows is not None and rows.rows is not None and bool(rows.rows.rows)
        if spec is None or rows is None or not built and not rows.attr:
            continue
        pieces = _call_table(resolver, call, spec)
        for key, for_class in _classes_of(resolver.classes, call, pieces, per_class_rows=not built):
            # Rows built at the call, or those the class's own methods leave in `self.X` (issue 19).
            found = rows.rows if built else resolver.classes.rows_of(key, rows.attr, rows.attr_wrapped) if key else None
            if found is None:
                continue
            site = _site(resolver, schemas, opts, call, spec, _resolve_attrs(resolver.classes, key, pieces)
                         if key and pieces else pieces, _rows_for(resolver.classes, key, found))
            site.for_class = for_class
            result.sites.append(site)
    result.disagreements = list(schemas.disagreements.values())
    result.queries = QueryTypes(resolver, schemas, opts)
    return result


def _with_loose(calls: list[BqCall], loose: Sequence[BqLooseCall]) -> list[BqCall]:
    """The calls of every file in the order its reader recorded them, loose ones back in place."""
    if not loose:
        return calls
    kept: dict[str, list[BqCall]] = defaultdict(list)
    apart: dict[str, list[BqLooseCall]] = defaultdict(list)
    for call in calls:
        kept[call.path].append(call)
    for call in loose:
        apart[call.path].append(call)
    out: list[BqCall] = []
    for path in sorted(kept.keys() | apart.keys()):  # file order
        waiting = apart.get(path, [])
        j = 0
        for k, call in enumerate(kept.get(path, ())):
            while j < len(waiting) and waiting[j].after <= k:
                out.append(waiting[j])
                j += 1
            out.append(call)
        out.extend(waiting[j:])
    return out


def _tables_in_code(project, resolver: Resolver) -> list:
    """(table id, where, columns) of each `bigquery.Table(id, schema=...)` whose id and schema are known."""
    found = []
    for decl in project.facts(BqTableDecl):
        table = resolver.text(tag(decl.table, decl.path), {})
        columns = decl.columns
        if columns is None and decl.schema_name:
            module = resolver.by_path.get(decl.path)
            columns = dict(module.schemas).get(decl.schema_name) if module else None
        if table and columns:
            found.append((table, decl.location, columns))
    return found


def _classes_of(classes: ClassIndex, call: BqCall, pieces, per_class_rows: bool = False) -> list[tuple[object, str]]:
    """(class, name to show) for each class the write runs for; (None, "") outside methods. A write
    in a method that subclasses inherit is resolved once per subclass (named in the messages)."""
    owner = classes.owner(call.path, call.function)
    if owner is None:
        return [(None, "")]
    keys = classes.concrete(owner, call.function.rsplit(".", 1)[-1])
    uses_self = per_class_rows or any(p.kind == "attr" for p in pieces or ())
    return [(key, classes.name(key) if key != owner and uses_self else "") for key in keys]


def _rows_for(classes: ClassIndex, key, rows: Rows) -> Rows:
    if key is None:
        return rows
    return Rows(tuple(Row(r.where, tuple(replace(e, value=classes.value(key, e.value)) for e in r.entries), r.open)
                      for r in rows.rows), rows.param)


def _site(resolver: Resolver, schemas, opts: Options, call: BqCall, spec: Spec, pieces, rows: Rows) -> Site:
    assumed: list[str] = []
    table, parts = _table_id(resolver, pieces, opts, assumed)
    job = _call_job(call, spec)
    site = Site(call, spec.api, rows, table, "" if parts else resolver.why_unresolved(pieces), job,
                _ignore_unknown(call, spec), spec.chain, assumes=tuple(assumed) if parts else ())
    if job is not None and job.mode == "schema" and job.columns is not None:
        site.columns = {c.name.lower(): c for c in job.columns}
        site.schema_path, site.schema_where = call.path, "the load job's schema"
    elif parts:
        site.columns, site.schema_where, site.schema_why = schemas.lookup(parts, table, call.path)
        site.schema_path = site.schema_where.rsplit(":", 1)[0]
    return site


def _table_id(resolver: Resolver, pieces, opts: Options, assumed: list) -> tuple[str | None, tuple | None]:
    """(id as shown, (project, dataset, table)); a project known only at run time (an
    environment variable, say) matches any project: `{PROJECT_ID}.dataset.table`. Environment
    variables with a default take it in the dataset and table (added to `assumed`); in the
    project they match any project too (deployments set them)."""
    if not pieces:
        return None, None
    runs: list = []
    resolver.render(pieces, 0, runs)
    parts = _split_runs(runs)
    sources = [set(s for _, s, _ in part) for part in parts]
    texts = ["".join(t for t, _, _ in part) for part in parts]
    if any(None in found for found in sources[1:]) or len(parts) > 3 or not all(parts):
        return None, None
    if len(parts) == 3 and (None in sources[0] or "" not in sources[0]):  # the project: run time, or environment
        assumed.extend(_variables(sources[1:]))
        project = "".join(shown for _, _, shown in parts[0])
        return f"{project}.{texts[1]}.{texts[2]}", (None, texts[1], texts[2])
    if None in sources[0]:
        return None, None
    assumed.extend(_variables(sources))
    shown = ".".join(texts)
    return shown, split_id(shown, opts)


def _variables(sources: list[set]) -> list[str]:
    return sorted({name for found in sources for source in found if source for name in source.split(",")})


def _split_runs(runs: list) -> list[list]:
    """(text, source, shown) stretches split into the dot-separated parts of an id; the dots
    inside a `{NAME}` placeholder (`{self.project_id}`) do not separate, a stretch split in two
    is shown by its variables."""
    parts: list[list] = [[]]
    for text, source, shown in runs:
        if source is None:
            parts[-1].append((text, None, text))
            continue
        chunks = text.split(".")
        for index, chunk in enumerate(chunks):
            if index:
                parts.append([])
            if chunk:
                whole = shown if len(chunks) == 1 else ("{" + source + "}" if source else chunk)
                parts[-1].append((chunk, source, whole))
    return parts
