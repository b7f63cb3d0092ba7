"""Commands in Cloud Build configs and GitHub Actions workflows (read from parsed YAML).

Cloud Build: a step's `args` run by the gcloud builder (list form, value in the next item or
after `=`), `entrypoint: bash` with `-c SCRIPT`, and `script:`; `${_VAR}` resolves from the
`substitutions:` defaults, `$$` is a literal dollar. GitHub Actions: every `run:` block, with the
`env:` of the workflow, job and step; `${{ env.X }}` resolves, other expressions are unknown;
steps that use Google's deploy actions (validators/deploy/actions.py).
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from gcp_preflight.lines import split_lines
from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.deploy.reader import facts_from, prune_commands
from gcp_preflight.validators.deploy.actions import read_step
from gcp_preflight.validators.shell.eval import Field, Invocation, ShellEvaluator, Var, parse
from gcp_preflight.validators.shell.positions import Positions, Rewrite
from gcp_preflight.validators.shell.values import EMPTY, Piece, Value, concat, exact, unknown, via
from gcp_preflight.validators.deploy.yaml_scripts import rewrite, scalar_mapper, scalar_span
from gcp_preflight.validators.yaml.source import YamlDocument, YamlNode

# https://cloud.google.com/build/docs/configuring-builds/substitute-variable-values
CLOUD_BUILD_BUILTINS = ("PROJECT_ID", "PROJECT_NUMBER", "BUILD_ID", "LOCATION", "TRIGGER_NAME",
                        "COMMIT_SHA", "SHORT_SHA", "REVISION_ID", "REPO_NAME", "REPO_FULL_NAME",
                        "BRANCH_NAME", "TAG_NAME", "REF_NAME", "TRIGGER_BUILD_CONFIG_PATH",
                        "SERVICE_ACCOUNT_EMAIL", "SERVICE_ACCOUNT", "_HEAD_BRANCH", "_BASE_BRANCH",
                        "_HEAD_REPO_URL", "_PR_NUMBER")
_SUBSTITUTION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_DOUBLE_DOLLAR = re.compile(r"\$\$")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_SHELLS = ("bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/bash", "/usr/bin/env")


class _Reader:
    def __init__(self, source: SourceText, origin: str):
        self.source = source
        self.path = source.path
        self.lines = split_lines(source.text)
        self.origin = origin
        self.sequence = 0
        self.out: list[object] = []

    def emit(self, invocations: list[Invocation]) -> None:
        self.out.extend(facts_from(self.path, invocations, self.origin, self.sequence))
        self.sequence += len(invocations)

    def script(self, node: YamlNode, env: dict[str, Var], cwd: str, text_rewrite=None) -> None:
        text = node.value or ""
        rewritten = Rewrite()
        if text_rewrite is not None:
            text, rewritten = text_rewrite(text)
        mapper, _ = scalar_mapper(node, self.lines)
        data = text.encode("utf-8")
        evaluator = ShellEvaluator(None, env=env, cwd=cwd)
        evaluator.run(Positions(self.path, data, mapper, rewritten), parse(data))
        for p in evaluator.problems:
            self.out.append(problem("PF006", self.path, p.line, p.column,
                                    f"{p.message}; commands in this part of the script are not checked"))
        for p in evaluator.notices:
            self.out.append(problem("PF008", self.path, p.line, p.column, p.message))
        self.emit(evaluator.invocations)

    def literal(self, node: YamlNode) -> tuple[Location, Location | None]:
        return scalar_span(self.path, node, self.lines)


# -- Cloud Build ----------------------------------------------------------------------------

def _is_cloud_build(root: YamlNode) -> bool:
    steps = root.get("steps")
    return (steps is not None and steps.kind == "seq" and bool(steps.items)
            and all(s.kind == "map" and s.get("name") is not None for s in steps.items))


def _substitutions(reader: _Reader, root: YamlNode) -> dict[str, Value]:
    found: dict[str, Value] = {}
    node = root.get("substitutions")
    for key, value in node.pairs() if node is not None else ():
        if key.value and value.kind == "scalar":
            where, span = reader.literal(value)
            text = value.value or ""
            found[key.value] = via(Value((Piece(text, exact(span, text)),), assigned=where), where)
    return found


def _substitution(name: str, subs: dict[str, Value]) -> Value:
    if name in subs:
        return subs[name]
    if name in CLOUD_BUILD_BUILTINS:
        return unknown(f"${name} is set by Cloud Build when the build runs")
    if name.startswith("_"):
        return unknown(f"${{{name}}} has no default under substitutions: (the trigger sets it)")
    return unknown(f"${name} is not a Cloud Build substitution")


def templated(text: str, span: Location | None, pattern: re.Pattern, resolve) -> Value:
    """Text with `pattern` matches resolved by `resolve(match)`; literal parts keep their place."""
    parts: list[Value] = []
    cursor = 0

    def literal(lo: int, hi: int) -> None:
        if hi > lo:
            chunk = text[lo:hi]
            origin = None
            if span is not None:
                origin = Location(span.path, span.line, span.column + lo, span.line, span.column + hi)
            parts.append(Value((Piece(chunk, origin),)))

    for match in pattern.finditer(text):
        literal(cursor, match.start())
        cursor = match.end()
        parts.append(resolve(match))
    literal(cursor, len(text))
    return concat(parts) if parts else EMPTY


def _cloud_build_value(text: str, span: Location | None, subs: dict[str, Value]) -> Value:
    return templated(text, span, _SUBSTITUTION, lambda m: Value((Piece("$"),)) if m.group(0) == "$$"
                     else _substitution(m.group(1) or m.group(2), subs))


def _cloud_build(reader: _Reader, root: YamlNode) -> None:
    subs = _substitutions(reader, root)
    automap = _truthy(root.get("options"), "automapSubstitutions")
    shell_env = {name: Var(value, None, value.assigned) for name, value in subs.items()}
    for name in CLOUD_BUILD_BUILTINS:
        shell_env.setdefault(name, Var(_substitution(name, subs)))
    for step in root.get("steps").items:
        _step(reader, step, subs, shell_env, automap)


def _truthy(node: YamlNode | None, key: str) -> bool:
    value = node.get(key) if node is not None else None
    return value is not None and (value.value or "").lower() == "true"


def _step(reader: _Reader, step: YamlNode, subs: dict[str, Value], shell_env: dict[str, Var], automap: bool) -> None:
    image = (step.get("name").value or "") if step.get("name") is not None else ""
    entry = step.get("entrypoint")
    entrypoint = entry.value if entry is not None else None
    directory = step.get("dir")
    cwd = posixpath.normpath(directory.value) if directory is not None and directory.value else "."
    env = dict(shell_env)
    env_node = step.get("env")
    for item in env_node.items if env_node is not None and env_node.kind == "seq" else ():
        text = item.value or ""
        if "=" in text:
            name, _ = text.split("=", 1)
            where, span = reader.literal(item)
            value_span = None
            if span is not None:
                value_span = Location(span.path, span.line, span.column + len(name) + 1, span.line, span.end_column)
            env[name] = Var(via(_cloud_build_value(text[len(name) + 1:], value_span, subs), where), None, where)
    script = step.get("script")
    if script is not None and script.kind == "scalar":
        script_env = env if automap or _truthy(step, "automapSubstitutions") else {
            k: v for k, v in env.items() if k not in subs and k not in CLOUD_BUILD_BUILTINS}
        reader.script(script, script_env, cwd)
        return
    args = step.get("args")
    items = [i for i in args.items if i.kind == "scalar"] if args is not None and args.kind == "seq" else []
    if not items:
        return
    texts = [i.value or "" for i in items]
    if entrypoint in _SHELLS or (entrypoint is None and texts[0] in ("bash", "sh")):
        for index, text in enumerate(texts[:-1]):
            if text.startswith("-") and "c" in text and not text.startswith("--"):
                reader.script(items[index + 1], env, cwd, _double_dollar)
                return
        return
    fields = [_field(reader, item, subs) for item in items]
    if entrypoint == "gcloud" or (entrypoint is None and "gcloud" in image.rsplit("/", 1)[-1]):
        where = reader.literal(entry if entry is not None else step.get("name"))[0]
        fields.insert(0, Field(Value((Piece("gcloud"),)), "gcloud", where))
    elif entrypoint is not None:
        fields.insert(0, Field(Value((Piece(entrypoint),)), entrypoint, reader.literal(entry)[0]))
    reader.emit([Invocation(tuple(fields), fields[0].location, cwd)])


def _field(reader: _Reader, item: YamlNode, subs: dict[str, Value]) -> Field:
    where, span = reader.literal(item)
    text = item.value or ""
    return Field(_cloud_build_value(text, span, subs), text, span or where)


def _double_dollar(text: str) -> tuple[str, Rewrite]:
    return rewrite(text, _DOUBLE_DOLLAR, lambda m, i: "$")


# -- GitHub Actions -------------------------------------------------------------------------

def _is_workflow(path: str, root: YamlNode) -> bool:
    return ".github/workflows/" in f"/{path}" and root.get("jobs") is not None


def _env_block(reader: _Reader, node: YamlNode | None, env: dict[str, Var]) -> dict[str, Var]:
    env = dict(env)
    for key, value in node.pairs() if node is not None else ():
        if not key.value or value.kind != "scalar":
            continue
        where, span = reader.literal(value)
        text = value.value or ""
        if "${{" in text:
            match = _EXPRESSION.fullmatch(text.strip())
            resolved = _expression(match.group(1), env) if match else unknown(f"{text!r} is computed by GitHub Actions")
            env[key.value] = Var(via(resolved, where), None, where)
        else:
            env[key.value] = Var(via(Value((Piece(text, exact(span, text)),)), where), None, where)
    return env


def _expression(expr: str, env: dict[str, Var]) -> Value:
    match = re.fullmatch(r"env\.([A-Za-z_][A-Za-z0-9_]*)", expr)
    if match and match.group(1) in env and env[match.group(1)].value is not None:
        return env[match.group(1)].value
    return unknown(f"${{{{ {expr} }}}} is set by GitHub Actions when the workflow runs")


def _workflow(reader: _Reader, root: YamlNode) -> None:
    top_env = _env_block(reader, root.get("env"), {})
    jobs = root.get("jobs")
    for _, job in jobs.pairs() if jobs is not None else ():
        if job.kind != "map":
            continue
        job_env = _env_block(reader, job.get("env"), top_env)
        defaults = job.get("defaults") or root.get("defaults")
        run_defaults = defaults.get("run") if defaults is not None else None
        steps = job.get("steps")
        for step in steps.items if steps is not None and steps.kind == "seq" else ():
            if step.kind == "map" and step.get("uses") is not None:
                _action_step(reader, step, _env_block(reader, step.get("env"), job_env))
                continue
            run = step.get("run") if step.kind == "map" else None
            if run is None or run.kind != "scalar":
                continue
            shell = step.get("shell") or (run_defaults.get("shell") if run_defaults is not None else None)
            if shell is not None and (shell.value or "sh").split()[0] not in ("bash", "sh"):
                continue
            folder = step.get("working-directory") or (run_defaults.get("working-directory") if run_defaults else None)
            cwd = posixpath.normpath(folder.value) if folder is not None and folder.value and "${{" not in folder.value else "."
            env = _env_block(reader, step.get("env"), job_env)
            expressions: dict[str, Value] = {}

            def replace(match: re.Match, index: int, env=env, expressions=expressions) -> str:
                name = f"_GHA_EXPR_{index}"
                expressions[name] = _expression(match.group(1), env)
                return "${" + name + "}"

            script_env = dict(env)

            def rewrite_expressions(text: str, script_env=script_env, expressions=expressions, replace=replace):
                new, mapping = rewrite(text, _EXPRESSION, replace)
                for name, value in expressions.items():
                    script_env[name] = Var(value)
                return new, mapping

            reader.script(run, script_env, cwd, rewrite_expressions)


def _action_step(reader: _Reader, step: YamlNode, env: dict[str, Var]) -> None:
    def resolve(text: str, span: Location | None) -> Value:
        return templated(text, span, _EXPRESSION, lambda m: _expression(m.group(1), env))

    command = read_step(reader, step, resolve)
    if command is not None:
        reader.out.append(command)
        reader.sequence += 1


def extract(document: YamlDocument, source: SourceText) -> Iterable[object]:
    root = document.root
    if root.kind != "map":
        return ()
    if _is_workflow(source.path, root):
        reader = _Reader(source, "github-actions")
        _workflow(reader, root)
        return prune_commands(reader.out)
    if _is_cloud_build(root):
        reader = _Reader(source, "cloudbuild")
        _cloud_build(reader, root)
        return prune_commands(reader.out)
    return ()
