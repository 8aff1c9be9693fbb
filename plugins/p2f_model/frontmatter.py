"""Split a content file into its YAML header and Markdown body, remembering line numbers.

Every value of the header is read as YAML *without* the YAML 1.1 date and sexagesimal magic
(``2026-07-14`` stays a string for the model to parse, ``18:00`` stays ``"18:00"``), so a
reporter's value reaches the model as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader where dates and times stay text, for the model to parse with good errors."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp",)
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# ints without the sexagesimal form (18:00 would become 1080)
_INT = re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"
)
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
for _first, _resolvers in _Loader.yaml_implicit_resolvers.items():
    _Loader.yaml_implicit_resolvers[_first] = [
        (
            tag,
            _INT
            if tag == "tag:yaml.org,2002:int"
            else _FLOAT
            if tag == "tag:yaml.org,2002:float"
            else rx,
        )
        for tag, rx in _resolvers
    ]


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Parsed:
    fields: dict[str, Any]
    lines: dict[str, int]  # "geo.lat", "images[0].alt" -> 1-based line in the file
    body: str
    body_line: int  # line of the body's first line in the file


def parse(text: str) -> Parsed:
    """Parse ``---\\nYAML\\n---\\nbody``. Raises ``FrontMatterError`` with the file line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            1, 'the file must start with a "---" line, then the fields, then "---"'
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise FrontMatterError(
            1, 'the header is not closed: add a "---" line after the fields'
        ) from None
    header = "\n".join(lines[1:end])
    try:
        loader = _Loader(header)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 2) if mark is not None else 1
        raise FrontMatterError(line, f"the header is not valid YAML: {error.problem}") from None
    if not isinstance(data, dict):
        raise FrontMatterError(2, "the header must be a list of `field: value` lines")
    positions: dict[str, int] = {}
    if node is not None:
        _record_lines(node, "", positions)
    return Parsed(
        fields=data,
        lines=positions,
        body="\n".join(lines[end + 1 :]),
        body_line=end + 2,
    )


def _record_lines(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    # +2: the header starts on the file's second line, and marks are 0-based.
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            out[path] = key.start_mark.line + 2
            _record_lines(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            path = f"{prefix}[{index}]"
            out[path] = value.start_mark.line + 2
            _record_lines(value, path, out)


def line_of(lines: dict[str, int], field: str, default: int = 1) -> int:
    """The line of ``field``, or of its nearest parent that has one."""
    path = field
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return default
