"""Split a content file into its YAML header and Markdown body, remembering line numbers.

Every value of the header is read as YAML *without* the YAML 1.1 date and sexagesimal magic
(``2026-07-14`` stays a string for the model to parse, ``18:00`` stays ``"18:00"``), so a
reporter's value reaches the model as written.

The reader is the first thing that touches a pull request's text, so it is bounded: a file
larger than ``MAX_FILE_BYTES``, a header longer than ``MAX_HEADER_CHARS``, or with more than
``MAX_NODES`` values (aliases expanded), ``MAX_ALIASES`` aliases, ``MAX_DEPTH`` levels or a
value of ``MAX_VALUE_CHARS`` characters is refused with a ``FrontMatterError`` before anything
is built from it, and so is a control character (NUL, ESC...) in the header. Whatever the
text, ``parse`` returns or raises ``FrontMatterError``; it never runs out of memory or time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


# Limits of one content file. Real items are a few kilobytes with under 200 header values.
MAX_FILE_BYTES = 1_000_000
MAX_HEADER_CHARS = 50_000  # YAML is parsed whole before it can be measured: keep it small
MAX_NODES = 5_000  # keys and values in the header, counted with aliases expanded
MAX_ALIASES = 20  # "*name" references; reporters never need them, CMSes never write them
MAX_DEPTH = 20  # nesting of lists and mappings
MAX_VALUE_CHARS = 10_000  # one header value (the body is not in the header)

# C0 control characters except tab, newline and carriage return, and DEL: invisible, and
# NUL truncates text in C programs (search index, PDF, a kiosk's WebView).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_INDEXES = re.compile(r"(\[\d+\])+$")
_KEY = re.compile(r"^\s*-?\s*([A-Za-z_][A-Za-z0-9_-]*)\s*:")


class FrontMatterError(ValueError):
    """The file cannot be read as an item; ``line`` (1-based) and ``field`` say where."""

    def __init__(self, line: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field


def control_message(char: str) -> str:
    """What to tell a reporter about an invisible control character."""
    name = _CONTROL_NAMES.get(char, "")
    return (
        f"contains the invisible control character U+{ord(char):04X}{name} "
        "(often pasted from another program); delete it"
    )


_CONTROL_NAMES = {"\x00": " (NUL)", "\x1b": " (ESC)", "\x08": " (backspace)", "\x7f": " (DEL)"}


@dataclass(frozen=True)
class Parsed:
    fields: dict[str, Any]
    lines: dict[str, int]  # "geo.lat", "images[0].alt" -> 1-based line in the file
    body: str
    body_line: int  # line of the body's first line in the file


def parse(text: str) -> Parsed:
    """Parse ``---\\nYAML\\n---\\nbody``. Raises ``FrontMatterError`` with the file line."""
    if len(text) > MAX_FILE_BYTES:
        raise FrontMatterError(
            1,
            f"the file holds {len(text):,} characters, more than the {MAX_FILE_BYTES:,} "
            "a content file may hold; shorten the text or split it into several items",
            "file",
        )
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
    _check_characters(lines[1:end])
    header = "\n".join(lines[1:end])
    if len(header) > MAX_HEADER_CHARS:
        raise FrontMatterError(
            2,
            f"the header holds {len(header):,} characters, more than {MAX_HEADER_CHARS:,}; "
            "put long text in the body",
        )
    try:
        loader = _Loader(header)
        try:
            node = loader.get_single_node()
            positions = _measure(node) if node is not None else {}
            data = loader.construct_document(node) if node is not None else {}
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 2) if mark is not None else 1
        raise FrontMatterError(line, f"the header is not valid YAML: {error.problem}") from None
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not accept
        position = getattr(error, "position", 0) or 0
        line = header.count("\n", 0, position) + 2
        raise FrontMatterError(
            line, f"the header is not valid YAML: {error}".split("\n")[0]
        ) from None
    if not isinstance(data, dict):
        raise FrontMatterError(2, "the header must be a list of `field: value` lines")
    return Parsed(
        fields=data,
        lines=positions,
        body="\n".join(lines[end + 1 :]),
        body_line=end + 2,
    )


def _check_characters(header_lines: list[str]) -> None:
    """Control characters and lone surrogates in the raw header, before YAML sees them."""
    for number, line in enumerate(header_lines, start=2):
        bad = CONTROL.search(line) or _SURROGATE.search(line)
        if bad:
            key = _KEY.match(line)
            message = (
                control_message(bad.group(0))
                if CONTROL.match(bad.group(0))
                else "contains a broken character (a lone UTF-16 surrogate); retype it"
            )
            raise FrontMatterError(number, message, key.group(1) if key else "")


def _measure(root: yaml.Node) -> dict[str, int]:
    """Check the header's size limits and find each field's line, without recursion.

    Runs on the composed nodes, before any Python value is built: an alias is one node
    object reached twice, so counting visits with aliases expanded bounds what the
    constructor and the model will later build ("billion laughs" stops here).
    """
    positions: dict[str, int] = {}
    seen: set[int] = set()
    aliases = 0
    count = 0
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        count += 1
        # +2: the header starts on the file's second line, and marks are 0-based.
        line = node.start_mark.line + 2
        if id(node) in seen:
            aliases += 1
            if aliases > MAX_ALIASES:
                # the node's own mark is where its anchor was defined: point at the field
                # that refers to it instead
                field = _INDEXES.sub("", path)
                raise FrontMatterError(
                    positions.get(field, line),
                    f"the header uses more than {MAX_ALIASES} YAML aliases (*name); "
                    "write each value out instead",
                    path,
                )
        seen.add(id(node))
        if count > MAX_NODES:
            raise FrontMatterError(
                line,
                f"the header holds more than {MAX_NODES:,} values (YAML aliases expanded); "
                "keep the header short and put long text in the body",
                path,
            )
        if depth > MAX_DEPTH:
            raise FrontMatterError(
                line, f"the header nests lists and fields more than {MAX_DEPTH} levels deep", path
            )
        if isinstance(node, yaml.ScalarNode):
            _check_scalar(node.value, line, path)
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                child = f"{path}.{name}" if path else name
                positions.setdefault(child, key.start_mark.line + 2)
                stack.append((value, child, depth + 1))
                stack.append((key, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index in reversed(range(len(node.value))):
                child = f"{path}[{index}]"
                positions.setdefault(child, node.value[index].start_mark.line + 2)
                stack.append((node.value[index], child, depth + 1))
    return positions


def _check_scalar(value: str, line: int, path: str) -> None:
    if len(value) > MAX_VALUE_CHARS:
        raise FrontMatterError(
            line,
            f"the value holds {len(value):,} characters, more than {MAX_VALUE_CHARS:,}; "
            "put long text in the body",
            path,
        )
    bad = CONTROL.search(value)  # "\0" and "\e" escapes in quoted YAML strings
    if bad:
        raise FrontMatterError(line, control_message(bad.group(0)), path)


def line_of(lines: Mapping[str, int], field: str, default: int = 1) -> int:
    """The line of ``field``, or of its nearest parent that has one."""
    path = field
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return default
