"""Terraform files as facts: each `.tf` / `.tfvars` file parsed once into a small tree that keeps
the place of every value (cached with the file), and what the evaluation of the modules makes of
them (validators/terraform/evaluate.py): the deploy commands, and the folders archived for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.facts import fact


@fact
@dataclass(slots=True, unsafe_hash=True)
class HclExpr:
    """One expression. `kind` says how to read `value` and `items`:

    - "string": `value` the decoded text; `exact` when that text is written verbatim between
      `column` and `end_column` (no escapes), so a fix can edit it in place;
    - "number" / "bool": `value` as written; "null";
    - "template": `items` the parts in order ("string" parts and expressions; a `%{...}`
      directive is an "unknown" part);
    - "ref": `value` the root name (`var`, `local`, `each`, `google_storage_bucket_object`, ...),
      `items` the steps: "attr" (`value` the name), "index" (`items` the key), "splat";
    - "call": `value` the function name, `items` the arguments, `tag` "..." when the last one is
      expanded;
    - "tuple": `items` the elements; "object": `items` "pair"s of (key, value);
    - "cond": `items` (condition, then, else); "binary": `value` the operator, `items` (a, b);
      "unary": `value` the operator, `items` (a,);
    - "for": `value` "tuple" or "object", `tag` the names ("k,v" or "v"), `items` (collection,
      key or None, value, condition or None), `exact` for a grouping `...`;
    - "unknown": `value` why it is not read.

    Places are 1-based lines and character columns; `end_line`/`end_column` end the expression.
    """

    kind: str
    line: int
    column: int
    end_line: int
    end_column: int
    value: str | None = None
    items: tuple = ()
    tag: str = ""
    exact: bool = False


@fact
@dataclass(slots=True, unsafe_hash=True)
class HclAttribute:
    name: str
    line: int
    column: int
    expr: HclExpr
    raw: str  # the expression as written (cut at 200 characters), for messages


@fact
@dataclass(slots=True, unsafe_hash=True)
class HclBlock:
    type: str
    labels: tuple[str, ...]
    line: int
    column: int
    end_line: int
    attributes: tuple[HclAttribute, ...] = ()
    blocks: tuple["HclBlock", ...] = ()

    def attribute(self, name: str) -> HclAttribute | None:
        for a in self.attributes:
            if a.name == name:
                return a
        return None

    def children(self, type_: str) -> tuple["HclBlock", ...]:
        return tuple(b for b in self.blocks if b.type == type_)


@fact
@dataclass(slots=True, unsafe_hash=True)
class HclFile:
    """A `.tf` file's top-level blocks, or a `.tfvars` file's attributes."""

    path: str
    blocks: tuple[HclBlock, ...] = ()
    attributes: tuple[HclAttribute, ...] = ()


@fact
@dataclass(slots=True, unsafe_hash=True)
class ArchivedSource:
    """The folder a Terraform function uploads, through `data "archive_file"` (`source_dir`,
    `excludes`), the `google_storage_bucket_object` that uploads the zip, and the function that
    names that object. `sequence` is the DeployCommand's in `path`; the packaging family builds
    the unit from the folder minus `excludes` (paths relative to the folder)."""

    path: str
    sequence: int
    folder: str
    excludes: tuple[str, ...] = ()
