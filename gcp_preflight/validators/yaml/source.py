"""YAML files: parse each document once into a tree of nodes that keep their line and column.

Consumers (workflows, Cloud Build, GitHub Actions) walk YamlNode trees, or turn them into plain
data with `plain()`, so every name read from YAML can point at its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

import yaml

from gcp_preflight.facts import fact
from gcp_preflight.lines import LineTable, split_lines
from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.templates import is_template

MAX_NODES = 200_000  # alias expansion ("billion laughs") stops here


@fact
@dataclass(slots=True, unsafe_hash=True)
class YamlNode:
    kind: str  # "map", "seq" or "scalar"
    line: int
    column: int
    tag: str = ""
    value: str | None = None  # scalars only: the text as written (unquoted)
    items: tuple = ()  # seq: (YamlNode, ...); map: ((key YamlNode, value YamlNode), ...)

    def get(self, key: str) -> "YamlNode | None":
        if self.kind != "map":
            return None
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def pairs(self) -> Iterator[tuple["YamlNode", "YamlNode"]]:
        return iter(self.items) if self.kind == "map" else iter(())

    def plain(self) -> Any:
        """The node as ordinary Python data (scalars typed as YAML 1.1 resolves them)."""
        if self.kind == "map":
            return {_hashable(k.plain()): v.plain() for k, v in self.items}
        if self.kind == "seq":
            return [v.plain() for v in self.items]
        return _scalar(self.tag, self.value)


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


_LOADER = yaml.SafeLoader("")


def _scalar(tag: str, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return _LOADER.construct_object(yaml.ScalarNode(tag, value))
    except Exception:  # an unknown tag (!Ref) keeps its text
        return value


@fact
@dataclass(slots=True, unsafe_hash=True)
class YamlDocument:
    path: str
    index: int  # 0 for the first document of the file
    root: YamlNode


class _Budget(Exception):
    pass


# Besides the tags and placeholders of templates.py, what no YAML file holds before it is
# rendered: Terraform directives (`%{ if x }`, `%{~ for u in users ~}`) and Maven's filtered
# values (`active: @spring.profiles.active@`).
_YAML_TEMPLATE = re.compile(r"%\{~?\s*(?:if|for|else|endif|endfor)\b|:[ \t]+@[\w.-]+@[ \t]*$", re.M)

# YAML also breaks lines at NEL, U+2028 and U+2029; everything else here does not (lines.py).
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


def _convert(node: yaml.Node, budget: list[int], table: LineTable | None) -> YamlNode:
    budget[0] -= 1
    if budget[0] < 0:
        raise _Budget
    if table is None:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
    else:  # place by character offset in the file's own numbering
        line, column = table.position(node.start_mark.index)
    if isinstance(node, yaml.MappingNode):
        items = tuple((_convert(k, budget, table), _convert(v, budget, table)) for k, v in node.value)
        return YamlNode("map", line, column, node.tag, None, items)
    if isinstance(node, yaml.SequenceNode):
        return YamlNode("seq", line, column, node.tag, None, tuple(_convert(v, budget, table) for v in node.value))
    return YamlNode("scalar", line, column, node.tag, node.value)


def json_document(path: str, text: str) -> tuple[YamlDocument | None, tuple[int, int, str] | None]:
    """A JSON file as a YamlDocument (JSON is YAML's flow style), or (line, column, why) when it
    does not parse. For the names family's sources: a file a source names is read on demand."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        return (YamlDocument(path, 0, _convert(node, [MAX_NODES], None)) if node is not None else None), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, ((mark.line + 1, mark.column + 1) if mark else (1, 1)) + (exc.problem or "invalid JSON",)
    except (yaml.YAMLError, _Budget) as exc:
        return None, (1, 1, str(exc) or f"more than {MAX_NODES} nodes")


Extractor = Callable[["YamlDocument", SourceText], Iterable[object]]
_C_LOADER = getattr(yaml, "CSafeLoader", None)


# libyaml's composer recurses in C: nesting 50,000 flow collections deep crashes the process
# (20,000 does not). Block nesting is bounded by the file size (about 3,000 levels in 5 MiB).
_C_MAX_BRACKETS = 5_000


def _by_libyaml(source: SourceText) -> list[YamlDocument] | None:
    if _C_LOADER is None or source.text.count("[") + source.text.count("{") > _C_MAX_BRACKETS:
        return None
    try:
        return _documents(source, _C_LOADER)
    except (yaml.YAMLError, _Budget):
        return None


def _documents(source: SourceText, loader) -> list[YamlDocument]:
    budget = [MAX_NODES]
    table = LineTable(source.text) if _YAML_ONLY_BREAKS.search(source.text) else None
    return [YamlDocument(source.path, index, _convert(node, budget, table))
            for index, node in enumerate(yaml.compose_all(source.text, Loader=loader)) if node is not None]


class YamlValidator:
    """Parses each YAML file once and hands every document to the families' extractors (wired
    up in validators/__init__.py), so this reader imports none of them."""

    name = "yaml"

    def __init__(self, extractors: Sequence[Extractor] = ()):
        self.extractors = tuple(extractors)

    def wants(self, path: str, head: str) -> bool:
        return path.endswith((".yaml", ".yml"))

    def read(self, source: SourceText) -> Iterable[object]:
        try:
            documents = _documents(source, yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            # PyYAML's Python scanner refuses a tab that separates within a line (`args:<TAB>[...]`),
            # which YAML allows and libyaml (pre-commit's loader, Go's yaml) reads: ask libyaml.
            documents = _by_libyaml(source) if "'\\t' that cannot start" in str(exc) else None
            if documents is not None:
                yield from self._facts(documents, source)
                return
            if is_template(source.text) or _YAML_TEMPLATE.search(source.text):
                return  # a template (Terraform, Jinja, Helm): not YAML until it is rendered
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if mark and _YAML_ONLY_BREAKS.search(source.text):
                line, column = LineTable(source.text).position(mark.index)
            what = exc.problem or exc.context or "invalid YAML"
            lines = split_lines(source.text)
            if lines and line > len(lines):  # "end of stream": point at the last line
                line, column = len(lines), len(lines[-1]) + 1
            yield problem("PF003", source.path, line, column, f"YAML syntax error: {what}")
            return
        except yaml.YAMLError as exc:
            yield problem("PF003", source.path, 1, 1, f"YAML syntax error: {exc}")
            return
        except _Budget:
            yield problem("PF003", source.path, 1, 1, f"more than {MAX_NODES} nodes (alias expansion?); not checked")
            return
        yield from self._facts(documents, source)

    def _facts(self, documents: list[YamlDocument], source: SourceText) -> Iterable[object]:
        yield from documents
        for extract in self.extractors:
            for document in documents:
                yield from extract(document, source)
