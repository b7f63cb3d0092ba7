"""Terraform modules: the folders of `.tf` files, which of them are roots, and module instances
(a root, or a `module` block with a local `source`, once per `count` / `for_each` key) whose
variables, locals, paths and outputs expressions see.

Roots are the folders no local `module` block calls. A root's variables come from, in order:
its `variable` defaults, `terraform.tfvars`, then `*.auto.tfvars` (alphabetical), as Terraform
loads them; other `.tfvars` files in the root's folder are passed with `-var-file`: one such
file is taken as the one used, several that disagree on a variable leave it unknown.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from gcp_preflight.validators.terraform.facts import HclAttribute, HclBlock, HclFile
from gcp_preflight.validators.terraform.values import (
    EvalError, Evaluator, Scope, V, _index, fully_known, plain, text, unknown,
)

MAX_MODULE_DEPTH = 8


@dataclass
class Folder:
    path: str  # repository-relative folder ("" for the root of the repository)
    files: list[HclFile] = field(default_factory=list)
    variables: dict[str, tuple[HclBlock, str]] = field(default_factory=dict)
    locals: dict[str, tuple[HclAttribute, str]] = field(default_factory=dict)
    outputs: dict[str, tuple[HclBlock, str]] = field(default_factory=dict)
    resources: dict[str, tuple[HclBlock, str]] = field(default_factory=dict)  # "type.name", "data.type.name"
    calls: list[tuple[HclBlock, str]] = field(default_factory=list)
    providers: list[tuple[HclBlock, str]] = field(default_factory=list)
    var_files: list[HclFile] = field(default_factory=list)  # .tfvars in this folder

    def add(self, hcl: HclFile) -> None:
        if hcl.path.endswith(".tfvars"):
            self.var_files.append(hcl)
            return
        self.files.append(hcl)
        for block in hcl.blocks:
            if block.type == "variable" and block.labels:
                self.variables.setdefault(block.labels[0], (block, hcl.path))
            elif block.type == "locals":
                for a in block.attributes:
                    self.locals.setdefault(a.name, (a, hcl.path))
            elif block.type == "output" and block.labels:
                self.outputs.setdefault(block.labels[0], (block, hcl.path))
            elif block.type == "resource" and len(block.labels) >= 2:
                self.resources.setdefault(f"{block.labels[0]}.{block.labels[1]}", (block, hcl.path))
            elif block.type == "data" and len(block.labels) >= 2:
                self.resources.setdefault(f"data.{block.labels[0]}.{block.labels[1]}", (block, hcl.path))
            elif block.type == "module" and block.labels:
                self.calls.append((block, hcl.path))
            elif block.type == "provider" and block.labels:
                self.providers.append((block, hcl.path))


def local_source(call: HclBlock) -> str | None:
    """The literal `source` of a module call when it is a local path ("./x", "../x")."""
    attribute = call.attribute("source")
    if attribute is None or attribute.expr.kind != "string":
        return None
    value = attribute.expr.value or ""
    return value if value.startswith(("./", "../")) or value in (".", "..") else None


def folders_of(files: list[HclFile]) -> dict[str, Folder]:
    folders: dict[str, Folder] = {}
    for hcl in sorted(files, key=lambda f: f.path):
        folder = posixpath.dirname(hcl.path)
        folders.setdefault(folder, Folder(folder)).add(hcl)
    return folders


def join(folder: str, relative: str) -> str:
    """A repository path from a folder and a relative path ("" is the repository root; a path
    that climbs out of the repository keeps its leading "../")."""
    joined = posixpath.normpath(posixpath.join(folder, relative)) if folder else posixpath.normpath(relative)
    return "" if joined == "." else joined


def roots(folders: dict[str, Folder]) -> list[str]:
    called = set()
    for folder in folders.values():
        for call, _ in folder.calls:
            source = local_source(call)
            if source is not None:
                target = join(folder.path, source)
                if target != folder.path:
                    called.add(target)
    return [path for path in sorted(folders) if path not in called and folders[path].files]


class Instance:
    """One module instance: the root, or a module block's instance (for one key)."""

    def __init__(self, folder: Folder, root: str, address: str, evaluator: Evaluator,
                 inputs: dict[str, tuple[V, str]] | None = None, parent: "Instance | None" = None,
                 caller: tuple[HclBlock, str] | None = None, depth: int = 0, all_folders=None):
        self.folder = folder
        self.root = root  # the root module's folder: relative paths (archive source_dir) start there
        self.address = address  # "" for a root, 'module.fns["a"].' for a child
        self.evaluator = evaluator
        self.inputs = inputs  # None for a root (its values come from .tfvars); name -> (value, caller file)
        self.parent = parent
        self.caller = caller
        self.depth = depth
        self.all_folders = all_folders or {}
        self._variables: dict[str, V] = {}
        self._locals: dict[str, V] = {}
        self._evaluating: set[str] = set()
        self._children: dict[str, object] = {}
        self.resource_types = {key.split(".")[0] for key in folder.resources if not key.startswith("data.")}

    def scope(self, path: str) -> Scope:
        return Scope(self, path)

    # -- names --------------------------------------------------------------------------------------
    def variable(self, name: str, evaluator: Evaluator) -> V:
        if name in self._variables:
            return self._variables[name]
        declared = self.folder.variables.get(name)
        if declared is None:
            value = unknown(f"var.{name} is not declared in {self.folder.path or 'the root folder'}")
        elif self.inputs is not None:
            value = self._input(name, declared, evaluator)
        else:
            value = self._root_variable(name, declared, evaluator)
        self._variables[name] = value
        return value

    def _default(self, name: str, declared: tuple[HclBlock, str], evaluator: Evaluator) -> V | None:
        block, path = declared
        default = block.attribute("default")
        if default is None:
            return None
        return evaluator.eval(default.expr, Scope(self, path))

    def _input(self, name: str, declared, evaluator: Evaluator) -> V:
        if name in self.inputs:
            value = self.inputs[name][0]
            if value.data is None:  # null means the default, unless the variable says nullable
                default = self._default(name, declared, evaluator)
                nullable = declared[0].attribute("nullable")
                if default is not None and nullable is not None and nullable.expr.kind == "bool" \
                        and nullable.expr.value == "false":
                    return default
            return value
        default = self._default(name, declared, evaluator)
        if default is not None:
            return default
        call = self.caller[0].labels[0] if self.caller else "?"
        return unknown(f"var.{name} has no default and module.{call} does not set it")

    def _root_variable(self, name: str, declared, evaluator: Evaluator) -> V:
        value = self._default(name, declared, evaluator)
        auto = [f for f in self.folder.var_files if _auto_loaded(f.path)]
        auto.sort(key=lambda f: (posixpath.basename(f.path) != "terraform.tfvars", f.path))
        for var_file in auto:
            found = _assigned(var_file, name)
            if found is not None:
                value = evaluator.eval(found.expr, Scope(self, var_file.path))
        chosen = [f for f in self.folder.var_files if not _auto_loaded(f.path)]
        if chosen:
            candidates = []
            for var_file in chosen:
                found = _assigned(var_file, name)
                candidates.append((var_file.path, evaluator.eval(found.expr, Scope(self, var_file.path))
                                   if found is not None else value))
            if len(candidates) == 1:
                value = candidates[0][1] if candidates[0][1] is not None else value
            else:
                known = [c for c in candidates if c[1] is not None]
                if known and all(fully_known(c[1]) for c in known) and len(known) == len(candidates) \
                        and all(plain(c[1]) == plain(known[0][1]) for c in known):
                    value = known[0][1]
                elif any(_assigned(f, name) is not None for f in chosen):
                    names = ", ".join(posixpath.basename(p) for p, _ in candidates)
                    return unknown(f"var.{name} depends on the -var-file used ({names} set it differently)")
        if value is None:
            return unknown(f"var.{name} has no default and no .tfvars file sets it")
        return value

    def local(self, name: str, evaluator: Evaluator) -> V:
        if name in self._locals:
            return self._locals[name]
        declared = self.folder.locals.get(name)
        if declared is None:
            return unknown(f"local.{name} is not defined in {self.folder.path or 'the root folder'}")
        if name in self._evaluating:
            return unknown(f"local.{name} refers to itself")
        self._evaluating.add(name)
        try:
            attribute, path = declared
            value = evaluator.eval(attribute.expr, Scope(self, path))
        finally:
            self._evaluating.discard(name)
        self._locals[name] = value
        return value

    def path_value(self, name: str) -> V:
        if name == "module":
            rel = posixpath.relpath(self.folder.path or ".", self.root or ".")
            return V(rel)
        if name == "root":
            return V(".")
        if name == "cwd":
            return V(".")
        return unknown(f"path.{name} is not a path Terraform knows")

    def output_of(self, name: str, steps, evaluator: Evaluator) -> V:
        """`module.NAME.OUTPUT` (or `module.NAME["key"].OUTPUT`) for a local module."""
        call = next(((b, p) for b, p in self.folder.calls if b.labels and b.labels[0] == name), None)
        if call is None:
            return unknown(f"module.{name} is not declared")
        children = self.children_of(call)
        if children is None:
            return unknown(f"module.{name} is not a local module whose outputs can be read")
        steps = list(steps)
        if isinstance(children, dict):  # for_each / count
            if not steps or steps[0].kind != "index":
                return unknown(f"module.{name} has several instances")
            key = evaluator.eval(steps[0].items[0], Scope(self, call[1]))
            if not key.known:
                return V(key.data)
            child = children.get(text(key))
            if child is None:
                return unknown(f"module.{name}[{text(key)}] is not an instance")
            steps = steps[1:]
        else:
            child = children
        if not steps or steps[0].kind != "attr":
            return unknown(f"module.{name} alone is not a value")
        output = child.folder.outputs.get(steps[0].value or "")
        if output is None:
            return unknown(f"module.{name} has no output {steps[0].value}")
        value_attr = output[0].attribute("value")
        if value_attr is None:
            return unknown(f"output {steps[0].value} of module.{name} has no value")
        value = evaluator.eval(value_attr.expr, Scope(child, output[1]))
        return evaluator._steps(value, steps[1:], Scope(self, call[1]), f"module.{name}.{steps[0].value}")

    def children_of(self, call: tuple[HclBlock, str]):
        """The instances a local module call makes: one Instance, a dict key -> Instance (count
        or for_each), or None (not local, not found, or its count/for_each is unknown)."""
        block, path = call
        key = f"{path}:{block.line}"
        if key in self._children:
            return self._children[key]
        self._children[key] = None  # a module that calls itself stops here
        result = self._make_children(block, path)
        self._children[key] = result
        return result

    def _make_children(self, block: HclBlock, path: str):
        source = local_source(block)
        if source is None or self.depth >= MAX_MODULE_DEPTH:
            return None
        target = join(self.folder.path, source)
        folder = self.all_folders.get(target)
        if folder is None or not folder.files:
            return None
        name = block.labels[0]
        expansion = expand(self, block, path)
        if expansion.reason:
            return None
        made = {}
        for key, scope in expansion.items:
            inputs = {}
            for a in block.attributes:
                if a.name in ("source", "version", "count", "for_each", "providers", "depends_on"):
                    continue
                inputs[a.name] = (self.evaluator.eval(a.expr, scope), path)
            suffix = "" if key is None else f"[{_key_text(key)}]"
            made[key] = Instance(folder, self.root, f"{self.address}module.{name}{suffix}.", self.evaluator,
                                 inputs, self, (block, path), self.depth + 1, self.all_folders)
        if list(made) == [None]:
            return made[None]
        return {text(V(k)) if not isinstance(k, str) else k: v for k, v in made.items()}

    def provider_region(self) -> tuple[V, str, HclAttribute] | None:
        """The default `google` provider's `region` of this instance's root."""
        top = self
        while top.parent is not None:
            top = top.parent
        for block, path in top.folder.providers:
            if block.labels[0] in ("google", "google-beta") and block.attribute("alias") is None:
                region = block.attribute("region")
                if region is not None:
                    return top.evaluator.eval(region.expr, Scope(top, path)), path, region
        return None


def _key_text(key) -> str:
    return str(key) if isinstance(key, int) else '"' + str(key) + '"'


def _auto_loaded(path: str) -> bool:
    base = posixpath.basename(path)
    return base == "terraform.tfvars" or base.endswith(".auto.tfvars")


def _assigned(var_file: HclFile, name: str) -> HclAttribute | None:
    found = None
    for a in var_file.attributes:
        if a.name == name:
            found = a
    return found


MAX_INSTANCES = 1_000


@dataclass
class Expansion:
    """The instances a `count` or `for_each` makes: (key, scope) pairs; `reason` when it cannot
    be known (then `at` is the line of the meta-argument)."""

    items: list[tuple[object, Scope]]
    reason: str = ""
    at: HclAttribute | None = None
    cut: bool = False


def expand(instance: Instance, block: HclBlock, path: str) -> Expansion:
    scope = Scope(instance, path)
    count = block.attribute("count")
    for_each = block.attribute("for_each")
    evaluator = instance.evaluator
    if count is not None:
        value = evaluator.eval(count.expr, scope)
        if not value.known:
            return Expansion([], value.reason, count)
        try:
            n = int(value.data) if not isinstance(value.data, bool) else None
        except (TypeError, ValueError):
            n = None
        if n is None or n < 0:
            return Expansion([], f"count is {value.data!r}, not a whole number", count)
        items = [(i, scope.bind(count=V({"index": V(i)}))) for i in range(min(n, MAX_INSTANCES))]
        return Expansion(items, cut=n > MAX_INSTANCES, at=count)
    if for_each is not None:
        value = evaluator.eval(for_each.expr, scope)
        if not value.known:
            return Expansion([], value.reason, for_each)
        data = value.data
        if isinstance(data, dict):
            pairs = sorted(data.items())
        elif isinstance(data, list):
            pairs = []
            for item in data:
                if not item.known:
                    return Expansion([], item.reason, for_each)
                if not isinstance(item.data, str):
                    return Expansion([], "for_each over a list that is not a set of strings", for_each)
                pairs.append((item.data, item))
            pairs = sorted({k: v for k, v in pairs}.items())
        else:
            return Expansion([], "for_each is not a map or a set of strings", for_each)
        items = [(k, scope.bind(each=V({"key": V(k), "value": v}))) for k, v in pairs[:MAX_INSTANCES]]
        return Expansion(items, cut=len(pairs) > MAX_INSTANCES, at=for_each)
    return Expansion([(None, scope)])


__all__ = ["Folder", "Instance", "Expansion", "expand", "folders_of", "roots", "join", "local_source",
           "EvalError", "_index"]
