"""Every root module evaluated: its deploy resources (and those of the local modules it calls,
once per instance) as DeployCommand facts, the folders archived for functions as
ArchivedSource facts, and notices for what decides a deploy but cannot be resolved.

Deploy commands of one file are numbered in a stable order (root folder, module instance,
resource line, key), so the facts never depend on the order files were read.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from gcp_preflight.model import Location
from gcp_preflight.validators.base import Problem, problem
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, Word
from gcp_preflight.validators.terraform.facts import ArchivedSource, HclBlock, HclExpr, HclFile
from gcp_preflight.validators.terraform.modules import (
    Folder, Instance, expand, folders_of, join, local_source, roots,
)
from gcp_preflight.validators.terraform.resources import (
    DEPLOY_TYPES, Builder, argument_at, element_raw, joined, word,
)
from gcp_preflight.validators.terraform.values import BudgetSpent, Evaluator, Ref, Scope, V, text, unknown

MAX_MODULE_INSTANCES = 2_000
KIND = {"function": "function", "run-service": "Cloud Run service", "run-job": "Cloud Run job"}


@dataclass
class Result:
    commands: list[DeployCommand] = field(default_factory=list)
    archives: list[ArchivedSource] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    templates: set[str] = field(default_factory=set)


class _Run:
    def __init__(self, folders: dict[str, Folder]):
        self.folders = folders
        self.result = Result()
        self.sequence: dict[str, int] = {}
        self.noticed: set[tuple] = set()
        self.has_deploys: dict[str, bool] = {}

    def notice(self, code: str, at: Location, message: str) -> None:
        key = (code, at.path, at.line, at.column, message)
        if key not in self.noticed:
            self.noticed.add(key)
            self.result.notices.append(problem(code, at.path, at.line, at.column, message))

    def deploys_in(self, folder: str, seen: frozenset = frozenset()) -> bool:
        """Whether a folder, or a local module it calls, declares a deploy resource."""
        if folder in self.has_deploys:
            return self.has_deploys[folder]
        f = self.folders.get(folder)
        found = False
        if f is not None and folder not in seen:
            found = any(key.split(".")[0] in DEPLOY_TYPES for key in f.resources)
            for call, _ in f.calls:
                source = local_source(call)
                if not found and source is not None:
                    found = self.deploys_in(join(folder, source), seen | {folder})
        self.has_deploys[folder] = found
        return found

    # -- walking the instances ----------------------------------------------------------------
    def root(self, path: str) -> None:
        evaluator = Evaluator()
        self.instances = 0
        top = Instance(self.folders[path], path, "", evaluator, all_folders=self.folders)
        try:
            self.visit(top)
        except BudgetSpent as exc:
            where = exc.where or Location(path)
            self.notice("PF008", where, f"{exc.why}; the Terraform deploys from here on are not read")

    def visit(self, instance: Instance) -> None:
        self.instances += 1
        if self.instances > MAX_MODULE_INSTANCES:
            raise BudgetSpent(Location(instance.caller[1], instance.caller[0].line, instance.caller[0].column)
                              if instance.caller else None,
                              f"more than {MAX_MODULE_INSTANCES:,} module instances (modules that call each other "
                              f"for many keys?)")
        folder = instance.folder
        for key in sorted(folder.resources, key=lambda k: (folder.resources[k][1], folder.resources[k][0].line)):
            block, path = folder.resources[key]
            if key.split(".")[0] in DEPLOY_TYPES:
                self.resource(instance, block, path)
        for call, path in folder.calls:
            source = local_source(call)
            if source is None:
                continue
            target = join(folder.path, source)
            if not self.deploys_in(target):
                continue
            children = instance.children_of((call, path))
            if children is None:
                expansion = expand(instance, call, path)
                if expansion.reason and expansion.at is not None:
                    meta = expansion.at
                    self.notice("PF012", Location(path, meta.line, meta.column),
                                f"{meta.name} of module.{call.labels[0]} cannot be resolved statically "
                                f"({expansion.reason}), so the deploys of {target or '.'} it calls are not read")
                continue
            for child in (children.values() if isinstance(children, dict) else [children]):
                self.visit(child)

    def resource(self, instance: Instance, block: HclBlock, path: str) -> None:
        type_, name = block.labels[0], block.labels[1]
        platform, command = DEPLOY_TYPES[type_]
        expansion = expand(instance, block, path)
        if expansion.reason:
            meta = expansion.at
            self.notice("PF012", Location(path, meta.line, meta.column),
                        f"{meta.name} of {type_}.{name} cannot be resolved statically ({expansion.reason}), so "
                        f"the {KIND[platform]} it deploys is not checked")
            return
        if expansion.cut:
            meta = expansion.at
            self.notice("PF008", Location(path, meta.line, meta.column),
                        f"{meta.name} of {type_}.{name} makes more than {len(expansion.items):,} instances; only "
                        f"the first {len(expansion.items):,} are checked")
        for key, scope in expansion.items:
            self.instance(instance, block, path, scope, key, platform, command)

    def instance(self, instance: Instance, block: HclBlock, path: str, scope: Scope, key, platform: str,
                 command: str) -> None:
        type_ = block.labels[0]
        header = Location(path, block.line, block.column)
        b = Builder(scope, instance.evaluator)
        name_value = b.value(block, "name")
        name = word(*name_value, scope) if name_value is not None else None
        if type_ == "google_cloudfunctions_function":
            source = _gen1(b, block, header)
        elif type_ == "google_cloudfunctions2_function":
            source = _gen2(b, block, header)
        elif type_ == "google_cloud_run_service":
            source = None
            _run_v1(b, block, header)
        elif type_ == "google_cloud_run_v2_service":
            source = None
            _run_v2_service(b, block, header)
        else:
            source = None
            _run_v2_job(b, block, header)
        region_flag = "--region"
        if not any(f.name == region_flag for f in b.flags):
            provider = instance.provider_region()
            if provider is not None:
                value, provider_path, attribute = provider
                if not (value.known and value.data is None):
                    w = word(value, attribute, Scope(instance, provider_path))
                    b.flags.append(Flag(region_flag, w, argument_at(attribute, Scope(instance, provider_path)),
                                        "provider region"))
        for at, message in b.notices:
            self.notice("PF012", at, message)
        sequence = self.sequence.get(path, 0)
        self.sequence[path] = sequence + 1
        suffix = "" if key is None else f"[{key}]" if isinstance(key, int) else f'["{key}"]'
        address = f"{instance.address}{type_}.{block.labels[1]}{suffix}"
        flags = list(b.flags)
        if source is not None:
            flags.append(self.source(instance, scope, source, path, sequence))
        self.result.commands.append(DeployCommand(
            path, sequence, header, platform, command, "", name, tuple(flags), "terraform", ".", (), True,
            "api", address))

    # -- the archive chain ----------------------------------------------------------------------
    def source(self, instance: Instance, scope: Scope, source, path: str, sequence: int) -> Flag:
        """`--source` for a function: the archived folder, or an unknown word saying why not."""
        kind, value, attribute, at = source
        flag_at = argument_at(attribute, scope) if attribute is not None else at
        label = "source" if attribute is None else \
            "source_archive_object" if attribute.name == "source_archive_object" else \
            "build_config.source.storage_source.object" if attribute.name == "object" else attribute.name
        if kind == "url":
            return Flag("--source", word(value, attribute, scope), flag_at, "source_repository.url")
        if kind != "object":
            return Flag("--source", Word(None, label, at, None, value), at, label)
        found = self.archive(value, scope)
        if isinstance(found, str):
            raw = attribute.raw if attribute is not None else ""
            return Flag("--source", Word(None, raw, flag_at, None, found), flag_at, label)
        archive, archive_scope = found
        source_dir = archive.attribute("source_dir")
        if source_dir is None:
            why = "it archives one file (source_file)" if archive.attribute("source_file") is not None else \
                "it is built from `source` blocks, not a source_dir"
            return Flag("--source", Word(None, attribute.raw, flag_at, None,
                                         f"data.archive_file.{archive.labels[1]}: {why}"), flag_at, label)
        folder_value = instance.evaluator.eval(source_dir.expr, archive_scope)
        dir_word = word(folder_value, source_dir, archive_scope)
        if not folder_value.known or not isinstance(folder_value.data, str):
            return Flag("--source", dir_word, flag_at, label)
        module = archive_scope.module
        rel = folder_value.data
        if rel.startswith("/"):
            return Flag("--source", Word(None, source_dir.raw, dir_word.location, None,
                                         f"source_dir {rel} is an absolute path"), flag_at, label)
        folder = join(module.root, rel)
        if folder.startswith("../") or folder == "..":
            return Flag("--source", Word(None, source_dir.raw, dir_word.location, None,
                                         f"source_dir {rel} is outside the repository"), flag_at, label)
        excludes: list[str] = []
        found_excludes = archive.attribute("excludes")
        if found_excludes is not None:
            ex = instance.evaluator.eval(found_excludes.expr, archive_scope)
            if ex.known and isinstance(ex.data, (list, dict)):
                items = ex.data if isinstance(ex.data, list) else list(ex.data.values())
                excludes = [x.data for x in items if x.known and isinstance(x.data, str)]
        self.result.archives.append(ArchivedSource(path, sequence, folder or ".", tuple(excludes)))
        w = Word(folder or ".", source_dir.raw, dir_word.location, dir_word.origin, "", None)
        return Flag("--source", w, flag_at, label)

    def archive(self, value: V, scope: Scope):
        """(archive_file block, its scope) that `value` (a bucket object reference) uploads, or
        the reason it cannot be told."""
        data = value.data
        if not isinstance(data, Ref):
            if value.known and isinstance(data, str):
                obj = _object_named(scope.module, data, scope.module.evaluator)
                if obj is None:
                    return f"no google_storage_bucket_object here is named {data!r}"
                data = obj
            else:
                return value.reason or "the source object is not a reference to a google_storage_bucket_object"
        if data.type != "google_storage_bucket_object" or data.data:
            return f"{data.describe()} is not a google_storage_bucket_object"
        module = data.module
        found = module.folder.resources.get(data.address)
        if found is None:
            return f"{data.address} is not declared in {module.folder.path or 'the root folder'}"
        obj, obj_path = found
        obj_scope = _indexed_scope(module, obj, obj_path, data.index)
        if obj.attribute("content") is not None:
            return f"{data.address} uploads a string (content), not a folder"
        source_attr = obj.attribute("source")
        if source_attr is None:
            return f"{data.address} has no source"
        source = module.evaluator.eval(source_attr.expr, obj_scope)
        if isinstance(source.data, Ref):
            ref = source.data
            if ref.type != "archive_file" or not ref.data:
                return f"{data.address} uploads {ref.describe()}, not a data.archive_file"
            found = ref.module.folder.resources.get(ref.address)
            if found is None:
                return f"{ref.address} is not declared"
            archive, archive_path = found
            return archive, _indexed_scope(ref.module, archive, archive_path, ref.index)
        if source.known and isinstance(source.data, str):
            target = posixpath.normpath(source.data)
            for key, (block, block_path) in sorted(module.folder.resources.items()):
                if not key.startswith("data.archive_file."):
                    continue
                for _, archive_scope in expand(module, block, block_path).items:
                    out = block.attribute("output_path")
                    if out is None:
                        continue
                    v = module.evaluator.eval(out.expr, archive_scope)
                    if v.known and isinstance(v.data, str) and posixpath.normpath(v.data) == target:
                        return block, archive_scope
            return f"{data.address} uploads {source.data}, which no data.archive_file here writes"
        return source.reason or f"the source of {data.address} is not known"


def _indexed_scope(module: Instance, block: HclBlock, path: str, index) -> Scope:
    """The scope of one instance of a counted or for_each block (the one a reference indexes)."""
    expansion = expand(module, block, path)
    if index is None:
        return expansion.items[0][1] if len(expansion.items) == 1 else Scope(module, path)
    for key, scope in expansion.items:
        if key == index or (isinstance(key, int) and str(key) == str(index)):
            return scope
    return Scope(module, path)


def _object_named(module: Instance, name: str, evaluator: Evaluator):
    for key, (block, path) in sorted(module.folder.resources.items()):
        if not key.startswith("google_storage_bucket_object."):
            continue
        for index, scope in expand(module, block, path).items:
            attribute = block.attribute("name")
            if attribute is None:
                continue
            v = evaluator.eval(attribute.expr, scope)
            if v.known and v.data == name:
                return Ref(key, index, ("name",), module)
    return None


# -- the resources ---------------------------------------------------------------------------------

def _first(block: HclBlock | None, type_: str, b: Builder) -> tuple[HclBlock | None, Scope]:
    """The first nested block of a type, a `dynamic` one expanded (its iterator bound)."""
    found = _blocks(block, type_, b)
    return found[0] if found else (None, b.scope)


def _blocks(block: HclBlock | None, type_: str, b: Builder, scope: Scope | None = None) -> list[tuple[HclBlock, Scope]]:
    if block is None:
        return []
    scope = scope or b.scope
    out = []
    for child in block.blocks:
        if child.type == type_:
            out.append((child, scope))
        elif child.type == "dynamic" and child.labels and child.labels[0] == type_:
            content = child.children("content")
            for_each = child.attribute("for_each")
            if not content or for_each is None:
                continue
            iterator = child.attribute("iterator")
            name = iterator.expr.value if iterator is not None and iterator.expr.kind == "ref" else type_
            v = b.evaluator.eval(for_each.expr, scope)
            if not v.known:
                b.notices.append((Location(scope.path, for_each.line, for_each.column),
                                  f"for_each of dynamic \"{type_}\" cannot be resolved statically ({v.reason}), "
                                  f"so its {type_} blocks are not read"))
                continue
            data = v.data
            pairs = sorted(data.items()) if isinstance(data, dict) else list(enumerate(data)) \
                if isinstance(data, list) else []
            for k, item in pairs:
                out.append((content[0], scope.bind(**{name: V({"key": V(k), "value": item})})))
    return out


def _gen1(b: Builder, block: HclBlock, header: Location):
    b.switch("--no-gen2", header, "")
    b.flag("--region", block, "region")
    b.flag("--project", block, "project")
    b.flag("--runtime", block, "runtime")
    b.flag("--entry-point", block, "entry_point")
    if b.flag("--memory", block, "available_memory_mb") is None:
        # the provider's default, sent on every apply (a live change is undone)
        b.flags.append(Flag("--memory", Word("256", "", header), header, "available_memory_mb"))
    b.flag("--timeout", block, "timeout")
    b.flag("--min-instances", block, "min_instances")
    b.flag("--max-instances", block, "max_instances")
    b.flag("--service-account", block, "service_account_email")
    b.flag("--vpc-connector", block, "vpc_connector")
    b.flag("--egress-settings", block, "vpc_connector_egress_settings")
    b.flag("--ingress-settings", block, "ingress_settings")
    b.pairs("--set-env-vars", block, "environment_variables")
    b.pairs("--set-build-env-vars", block, "build_environment_variables")
    _secrets(b, _blocks(block, "secret_environment_variables", b), header)
    triggers = _blocks(block, "event_trigger", b)
    if triggers:
        trigger, scope = triggers[0]
        b.flag("--trigger-event", trigger, "event_type", "event_trigger.event_type", scope)
        b.flag("--trigger-resource", trigger, "resource", "event_trigger.resource", scope)
    else:
        http = b.value(block, "trigger_http")
        if http is not None and http[0].data is True:
            b.switch("--trigger-http", argument_at(http[1], b.scope), "trigger_http")
    repository = _blocks(block, "source_repository", b)
    if repository:
        repo, scope = repository[0]
        url = b.value(repo, "url", scope)
        if url is not None:
            return ("url", url[0], url[1], header)
    obj = b.value(block, "source_archive_object")
    if obj is None:
        return ("none", "no source_archive_object or source_repository is given", None, header)
    return ("object", obj[0], obj[1], header)


def _gen2(b: Builder, block: HclBlock, header: Location):
    b.switch("--gen2", header, "")
    b.flag("--region", block, "location")
    b.flag("--project", block, "project")
    build, build_scope = _first(block, "build_config", b)
    b.flag("--runtime", build, "runtime", "build_config.runtime", build_scope)
    b.flag("--entry-point", build, "entry_point", "build_config.entry_point", build_scope)
    b.pairs("--set-build-env-vars", build, "environment_variables", "build_config.environment_variables", build_scope)
    b.flag("--docker-repository", build, "docker_repository", "build_config.docker_repository", build_scope)
    b.flag("--build-service-account", build, "service_account", "build_config.service_account", build_scope)
    b.flag("--build-worker-pool", build, "worker_pool", "build_config.worker_pool", build_scope)
    service, service_scope = _first(block, "service_config", b)
    for flag, name in (("--memory", "available_memory"), ("--cpu", "available_cpu"), ("--timeout", "timeout_seconds"),
                       ("--min-instances", "min_instance_count"), ("--max-instances", "max_instance_count"),
                       ("--concurrency", "max_instance_request_concurrency"),
                       ("--service-account", "service_account_email"), ("--ingress-settings", "ingress_settings"),
                       ("--vpc-connector", "vpc_connector"), ("--egress-settings", "vpc_connector_egress_settings")):
        b.flag(flag, service, name, f"service_config.{name}", service_scope)
    b.pairs("--set-env-vars", service, "environment_variables", "service_config.environment_variables", service_scope)
    _secrets(b, _blocks(service, "secret_environment_variables", b, service_scope), header)
    triggers = _blocks(block, "event_trigger", b)
    if triggers:
        trigger, scope = triggers[0]
        if b.flag("--trigger-topic", trigger, "pubsub_topic", "event_trigger.pubsub_topic", scope) is None:
            found = b.value(trigger, "event_type", scope)
            if found is not None:
                v, attribute = found
                t = text(v) if v.known else None
                w = word(v, attribute, scope, f"type={t}" if t is not None else None)
                b.flags.append(Flag("--trigger-event-filters", w, argument_at(attribute, scope),
                                    "event_trigger.event_type"))
        b.flag("--trigger-location", trigger, "trigger_region", "event_trigger.trigger_region", scope)
        b.flag("--trigger-service-account", trigger, "service_account_email",
               "event_trigger.service_account_email", scope)
        retry = b.value(trigger, "retry_policy", scope)
        if retry is not None and retry[0].data == "RETRY_POLICY_RETRY":
            b.switch("--retry", argument_at(retry[1], scope), "event_trigger.retry_policy")
    else:
        b.switch("--trigger-http", header, "")
    source, source_scope = _first(build, "source", b) if build is not None else (None, b.scope)
    if source is None:
        return ("none", "build_config has no source", None, header)
    storage, storage_scope = _first(source, "storage_source", b)
    if storage is None:
        if source.children("repo_source"):
            return ("none", "the source is a Cloud Source Repository (repo_source)", None, header)
        return ("none", "build_config.source has no storage_source", None, header)
    obj = b.value(storage, "object", storage_scope)
    if obj is None:
        return ("none", "storage_source has no object", None, header)
    return ("object", obj[0], obj[1], header)


def _secrets(b: Builder, blocks: list[tuple[HclBlock, Scope]], header: Location) -> None:
    entries = []
    at = None
    for block, scope in blocks:
        key = b.value(block, "key", scope)
        secret = b.value(block, "secret", scope)
        version = b.value(block, "version", scope)
        if key is None or not key[0].known or text(key[0]) is None:
            continue
        at = at or Location(scope.path, block.line, block.column)
        shown = f"{text(secret[0]) if secret and secret[0].known else '(secret)'}:" \
                f"{text(version[0]) if version and version[0].known else 'latest'}"
        entries.append((text(key[0]), V(shown)))
    if entries:
        b.listed("--set-secrets", entries, at or header, "secret_environment_variables")


def _container(b: Builder, parent: HclBlock | None, scope: Scope) -> tuple[HclBlock | None, Scope]:
    """The container that serves (the one with ports), else the first."""
    containers = _blocks(parent, "containers", b, scope)
    if not containers:
        return None, scope
    with_ports = [c for c in containers if c[0].children("ports")]
    return (with_ports or containers)[0]


def _limits(b: Builder, container: HclBlock | None, scope: Scope, prefix: str) -> None:
    resources, res_scope = _first_in(b, container, "resources", scope)
    if resources is None:
        return
    found = b.value(resources, "limits", res_scope)
    if found is None:
        return
    v, attribute = found
    if not v.known:
        b.flags.append(Flag("--memory", word(v, attribute, res_scope), argument_at(attribute, res_scope),
                            f"{prefix}resources.limits"))
        return
    if not isinstance(v.data, dict):
        return
    for key, flag in (("memory", "--memory"), ("cpu", "--cpu")):
        if key in v.data:
            item = v.data[key]
            if item.known and item.data is None:
                continue
            b.flags.append(Flag(flag, word(item, attribute, res_scope, raw=element_raw(attribute, key)),
                                argument_at(attribute, res_scope), f"{prefix}resources.limits.{key}"))


def _first_in(b: Builder, block: HclBlock | None, type_: str, scope: Scope) -> tuple[HclBlock | None, Scope]:
    found = _blocks(block, type_, b, scope)
    return found[0] if found else (None, scope)


def _env(b: Builder, container: HclBlock | None, scope: Scope, header: Location, v1: bool) -> None:
    plain_env, secret_env = [], []
    at = None
    for env, env_scope in _blocks(container, "env", b, scope):
        name = b.value(env, "name", env_scope)
        if name is None or not name[0].known or text(name[0]) is None:
            continue
        at = at or Location(env_scope.path, env.line, env.column)
        source_type = "value_from" if v1 else "value_source"
        if env.children(source_type) or any(d.type == "dynamic" and d.labels[:1] == (source_type,)
                                            for d in env.blocks):
            secret_env.append((text(name[0]), V("(secret)")))
            continue
        value = b.value(env, "value", env_scope)
        plain_env.append((text(name[0]), value[0] if value is not None else V("")))
    b.listed("--set-env-vars", plain_env, at or header, "env")
    b.listed("--set-secrets", secret_env, at or header, "env.value_source")


def _image(b: Builder, container: HclBlock | None, scope: Scope) -> None:
    b.flag("--image", container, "image", "image", scope)
    for flag, name in (("--command", "command"), ("--args", "args")):
        found = b.value(container, name, scope)
        if found is None:
            continue
        v, attribute = found
        if v.known and isinstance(v.data, list):
            parts = [text(x) if x.known else None for x in v.data]
            if None in parts:
                continue
            b.flags.append(Flag(flag, word(v, attribute, scope, ",".join(parts)), argument_at(attribute, scope), name))


def _annotation(b: Builder, metadata: HclBlock | None, scope: Scope, key: str, flag: str) -> None:
    found = b.value(metadata, "annotations", scope)
    if found is None:
        return
    v, attribute = found
    if v.known and isinstance(v.data, dict) and key in v.data:
        item = v.data[key]
        if item.known and item.data is None:
            return
        b.flags.append(Flag(flag, word(item, attribute, scope, raw=element_raw(attribute, key)),
                            argument_at(attribute, scope), f'annotations."{key}"'))


def _run_v1(b: Builder, block: HclBlock, header: Location) -> None:
    b.flag("--region", block, "location")
    b.flag("--project", block, "project")
    template, t_scope = _first(block, "template", b)
    metadata, m_scope = _first_in(b, template, "metadata", t_scope)
    _annotation(b, metadata, m_scope, "autoscaling.knative.dev/minScale", "--min-instances")
    _annotation(b, metadata, m_scope, "autoscaling.knative.dev/maxScale", "--max-instances")
    _annotation(b, metadata, m_scope, "run.googleapis.com/execution-environment", "--execution-environment")
    spec, s_scope = _first_in(b, template, "spec", t_scope)
    b.flag("--timeout", spec, "timeout_seconds", "template.spec.timeout_seconds", s_scope)
    b.flag("--concurrency", spec, "container_concurrency", "template.spec.container_concurrency", s_scope)
    b.flag("--service-account", spec, "service_account_name", "template.spec.service_account_name", s_scope)
    container, c_scope = _container(b, spec, s_scope)
    _image(b, container, c_scope)
    _limits(b, container, c_scope, "")
    _env(b, container, c_scope, header, v1=True)


def _run_v2_service(b: Builder, block: HclBlock, header: Location) -> None:
    b.flag("--region", block, "location")
    b.flag("--project", block, "project")
    template, t_scope = _first(block, "template", b)
    scaling, sc_scope = _first_in(b, template, "scaling", t_scope)
    b.flag("--min-instances", scaling, "min_instance_count", "template.scaling.min_instance_count", sc_scope)
    b.flag("--max-instances", scaling, "max_instance_count", "template.scaling.max_instance_count", sc_scope)
    b.flag("--timeout", template, "timeout", "template.timeout", t_scope)
    b.flag("--concurrency", template, "max_instance_request_concurrency",
           "template.max_instance_request_concurrency", t_scope)
    b.flag("--service-account", template, "service_account", "template.service_account", t_scope)
    env = b.value(template, "execution_environment", t_scope)
    if env is not None and env[0].known and isinstance(env[0].data, str):
        value = {"EXECUTION_ENVIRONMENT_GEN1": "gen1", "EXECUTION_ENVIRONMENT_GEN2": "gen2"}.get(env[0].data)
        if value:
            b.flags.append(Flag("--execution-environment", word(env[0], env[1], t_scope, value),
                                argument_at(env[1], t_scope), "template.execution_environment"))
    container, c_scope = _container(b, template, t_scope)
    _image(b, container, c_scope)
    _limits(b, container, c_scope, "")
    _env(b, container, c_scope, header, v1=False)


def _run_v2_job(b: Builder, block: HclBlock, header: Location) -> None:
    b.flag("--region", block, "location")
    b.flag("--project", block, "project")
    template, t_scope = _first(block, "template", b)
    b.flag("--tasks", template, "task_count", "template.task_count", t_scope)
    b.flag("--parallelism", template, "parallelism", "template.parallelism", t_scope)
    task, k_scope = _first_in(b, template, "template", t_scope)
    b.flag("--task-timeout", task, "timeout", "template.template.timeout", k_scope)
    b.flag("--max-retries", task, "max_retries", "template.template.max_retries", k_scope)
    b.flag("--service-account", task, "service_account", "template.template.service_account", k_scope)
    container, c_scope = _container(b, task, k_scope)
    _image(b, container, c_scope)
    _limits(b, container, c_scope, "")
    _env(b, container, c_scope, header, v1=False)


# -- templatefile() -------------------------------------------------------------------------------

def _templates(folders: dict[str, Folder], result: Result) -> None:
    """Files rendered by `templatefile(PATH, ...)` (PATH a literal, or `${path.module}/...`): they
    are templates, not YAML (or anything else) until Terraform renders them."""
    for folder in folders.values():
        for hcl in folder.files:
            for block in hcl.blocks:
                _walk_templates(block, folder.path, result.templates)


def _walk_templates(block: HclBlock, folder: str, found: set[str]) -> None:
    stack: list = [block]
    while stack:
        item = stack.pop()
        if isinstance(item, HclBlock):
            stack.extend(item.blocks)
            stack.extend(a.expr for a in item.attributes)
        elif isinstance(item, HclExpr):
            if item.kind == "call" and (item.value or "").endswith("templatefile") and item.items:
                path = _template_path(item.items[0], folder)
                if path is not None:
                    found.add(path)
            stack.extend(x for x in item.items if isinstance(x, HclExpr))


def _template_path(expr: HclExpr, folder: str) -> str | None:
    if expr.kind == "string":
        return join(folder, expr.value or "")
    if expr.kind == "template" and expr.items and expr.items[0].kind == "ref" and expr.items[0].value == "path" \
            and expr.items[0].items and expr.items[0].items[0].value == "module" \
            and all(i.kind == "string" for i in expr.items[1:]):
        rest = "".join(i.value or "" for i in expr.items[1:]).lstrip("/")
        return join(folder, rest)
    return None


def evaluate(files: list[HclFile]) -> Result:
    folders = folders_of(files)
    run = _Run(folders)
    for root in roots(folders):
        if run.deploys_in(root):
            run.root(root)
    _templates(folders, run.result)
    return run.result


__all__ = ["evaluate", "Result", "joined", "unknown"]
