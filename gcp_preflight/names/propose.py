"""What `preflight init` proposes for `[tool.gcp-preflight.names]`: the sources found in the
repository and the contracts that hold between them, as a commented TOML snippet."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict

from gcp_preflight.names import auto
from gcp_preflight.names.check import python_index
from gcp_preflight.names.resolve import PythonIndex, shape
from gcp_preflight.names.sources import Instance, binding_instance
from gcp_preflight.validators.yaml_source import YamlDocument


def _glob_for(paths: list[str]) -> str:
    """One path, or `**/` and the path tail all copies share."""
    if len(paths) == 1:
        return paths[0]
    split = [p.split("/") for p in paths]
    tail: list[str] = []
    for parts in zip(*(reversed(s) for s in split)):
        if len(set(parts)) != 1:
            break
        tail.insert(0, parts[0])
    return "**/" + "/".join(tail)


def _key(symbol: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", symbol.split(".")[-1]).lower()


def _source(prefix: str, name: str, fields: dict[str, str], comment: str) -> list[str]:
    lines = [f"# {comment}", f"[{prefix}names.sources.{name}]"]
    lines += [f'{k} = "{v}"' for k, v in fields.items()]
    return lines + [""]


def _contract(prefix: str, kind: str, source: str, target: str, why: str) -> list[str]:
    return [f"# {why}", f"[[{prefix}names.contracts]]", f'kind = "{kind}"', f'source = "{source}"',
            f'target = "{target}"', ""]


def _class_maps(index: PythonIndex) -> list[tuple[str, list[str], str]]:
    """(symbol, files, base class) for dicts keyed by names of project classes that share a base."""
    found = []
    for symbol, bindings in sorted(index.by_symbol.items()):
        keep = [b for b in bindings if not auto.TEST_FILE.search(b.path) and shape(index, b) == "dict"]
        if not keep:
            continue
        keys = binding_instance(index, keep[0], symbol).texts
        bases = [c.bases[0].split(".")[-1] for k in sorted(keys) for c in index.classes_by_name.get(k, []) if c.bases]
        if bases:
            base = max(set(bases), key=bases.count)
            found.append((symbol, sorted(b.path for b in keep), base))
    return found


def propose_names_config(project, prefix: str = "tool.gcp-preflight.") -> str:
    """A TOML snippet for the names section. `prefix` is "" for a preflight.toml."""
    index = project.memo(python_index)
    declared = auto.declared_instances(project.facts(YamlDocument))
    names = set().union(*(d.texts for d in declared)) if declared else set()
    out = [f"# [{prefix}names]: name consistency contracts, proposed by `preflight init`.",
           "# With no contracts, gcp-preflight already checks Python lists named *processor* against",
           "# the processor_name values in YAML; contracts below make that explicit (and replace it)."]
    if not declared:
        out += ["# No YAML file declares processor_name values: nothing to propose.",
                "# Describe your own name sources and contracts (see `preflight rule PF101`)."]
        return "\n".join(out) + "\n"
    out.append("")
    paths = sorted({d.path for d in declared if d.path})
    out += _source(prefix, "declared", {"yaml": _glob_for(paths) if len(paths) > 1 else paths[0],
                                        "select": auto.DECLARED_SELECTOR},
                   f"{len(names)} processor names declared in {', '.join(paths)}")
    groups: dict[str, list[Instance]] = defaultdict(list)
    for inst in auto.candidate_instances(index, names):
        groups[inst.label].append(inst)
    chosen: dict[str, tuple[str, list[Instance]]] = {}
    for symbol, insts in sorted(groups.items()):
        by_file: dict[bool, list[Instance]] = defaultdict(list)
        for inst in insts:  # fallback copies in main.py are a source of their own
            by_file[posixpath.basename(inst.path or "") == "main.py"].append(inst)
        for is_main, part in sorted(by_file.items()):
            name = _key(symbol) + ("_fallback" if is_main else "")
            chosen[name] = (symbol, part)
            files = sorted(i.path for i in part if i.path)
            copies = f" ({len(files)} copies)" if len(files) > 1 else ""
            out += _source(prefix, name, {"python": _glob_for(files), "symbol": symbol},
                           f"{symbol}: {len(part[0].items)} names{copies}")
    contracts: list[str] = []
    for name, (symbol, _) in chosen.items():
        contracts += _contract(prefix, "subset", name, "declared", f"every name in {symbol} is a declared processor")
    for name, (symbol, insts) in chosen.items():
        if name.endswith("_fallback") and name[: -len("_fallback")] in chosen:
            contracts += _contract(prefix, "equal", name, name[: -len("_fallback")],
                                   f"the fallback copy of {symbol} in main.py mirrors the config")
    for name in chosen:
        if "required" in name:
            for other in chosen:
                if "expected" in other and other.replace("expected", "required") == name:
                    contracts += _contract(prefix, "subset", name, other, "required processors are expected ones")
                if "optional" in other and other.replace("optional", "required") == name:
                    contracts += _contract(prefix, "disjoint", name, other, "a processor is required or optional, not both")
    for symbol, files, base in _class_maps(index):
        key = _key(symbol)
        out += _source(prefix, key, {"python": _glob_for(files), "symbol": symbol},
                       f"{symbol}: keyed by names of {base} subclasses")
        out += _source(prefix, f"{_key(base)}_classes", {"classes": base}, f"subclasses of {base}, across modules")
        contracts += _contract(prefix, "subset", key, f"{_key(base)}_classes", f"every key of {symbol} is a real class")
        contracts += _contract(prefix, "keys-cover", f"{_key(base)}_classes", key,
                               f"every {base} subclass has an entry in {symbol}")
        values = binding_instance(index, index.bindings[(files[0], symbol)], symbol, "values").texts
        if values & names:
            out += _source(prefix, f"{key}_values", {"python": _glob_for(files), "symbol": symbol, "part": "values"},
                           f"the values of {symbol}: processor names")
            contracts += _contract(prefix, "subset", f"{key}_values", "declared",
                                   f"every value of {symbol} is a declared processor")
    return "\n".join(out + contracts).rstrip("\n") + "\n"
