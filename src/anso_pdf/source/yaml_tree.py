"""Turn the text of an issue file into a located YAML tree: every node knows its line and column.

Scalars stay strings (no YAML 1.1 guessing of booleans, numbers or dates); the model decides what a
value means. Anchors, aliases, tags, duplicate keys, deep nesting and huge files are refused here,
before anything is built, so hostile input costs bounded time and memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from anso_pdf.diagnostics import Diagnostics, IssueError, Span

MAX_BYTES = 1_000_000
MAX_DEPTH = 40


@dataclass(frozen=True, slots=True)
class Scalar:
    value: str
    span: Span
    quoted: bool = False  # written in quotes or as a block; plain scalars may be null/true/...
    block: bool = False  # a `|` or `>` block: its text starts on the line after `span`

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.value in ("", "~", "null", "Null", "NULL")


@dataclass(frozen=True, slots=True)
class Sequence:
    items: list[Node]
    span: Span


@dataclass(frozen=True, slots=True)
class Mapping:
    entries: list[tuple[Scalar, Node]]
    span: Span
    keys: dict[str, Scalar] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        for k, v in self.entries:
            if k.value == key:
                return v
        return None


Node = Scalar | Sequence | Mapping


class _StrictLoader(yaml.SafeLoader):
    """The pure-Python safe loader, refusing anchors, aliases, tags and deep nesting while composing."""

    depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise ComposerError(None, None, "aliases (*name) are not allowed in issue files", event.start_mark)
        if getattr(event, "anchor", None):
            raise ComposerError(None, None, "anchors (&name) are not allowed in issue files", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and not (isinstance(event, yaml.ScalarEvent) and tag == "tag:yaml.org,2002:str"):
            raise ComposerError(None, None, f"YAML tags ({tag}) are not allowed in issue files", event.start_mark)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _span(file: str, mark: yaml.Mark) -> Span:
    return Span(file, mark.line + 1, mark.column + 1)


def parse_yaml(text: str, file: str) -> Node:
    """Parse issue-file text into a located tree, or raise IssueError with every problem found."""
    start = Span(file, 1, 1)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise IssueError(
            [_err(start, f"the file is larger than {MAX_BYTES // 1000} kB; an issue file is a few kB")]
        )
    try:
        loader = _StrictLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "YAML syntax error"
        context = f" ({exc.context})" if exc.context else ""
        if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            context = f" ({exc.context} that starts at line {exc.context_mark.line + 1})" if exc.context else ""
            if "end of stream" in problem:  # an unclosed quote or bracket: the end of the file says nothing
                mark = exc.context_mark
                context = f" ({exc.context}, which is never closed)" if exc.context else ""
        where = _span(file, mark) if mark else start
        raise IssueError([_err(where, f"{problem}{context}", _yaml_hint(problem))]) from None
    except yaml.YAMLError as exc:
        raise IssueError([_err(start, f"not readable as YAML: {exc}")]) from None
    except RecursionError:
        raise IssueError([_err(start, "nesting is too deep")]) from None
    if root is None:
        raise IssueError([_err(start, "the file is empty", "start from `anso-pdf new FILE.yaml`")])
    diags = Diagnostics()
    tree = _convert(root, file, diags)
    diags.raise_if_errors()
    return tree


def _yaml_hint(problem: str) -> str | None:
    if "tab" in problem or "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if "end of stream" in problem:
        return "close the quote or bracket that starts here"
    if "mapping values are not allowed" in problem:
        return "a text containing ': ' must be quoted, or written as a block after `|`"
    if "found character" in problem and "cannot start any token" in problem:
        return "quote the value, e.g. title: \"@home\""
    return None


def _err(span: Span, message: str, hint: str | None = None):  # type: ignore[no-untyped-def]
    from anso_pdf.diagnostics import Diagnostic, Severity

    return Diagnostic(Severity.ERROR, span, message, hint)


def _convert(node: yaml.Node, file: str, diags: Diagnostics) -> Node:
    span = _span(file, node.start_mark)
    if isinstance(node, ScalarNode):
        style = node.style or ""
        return Scalar(node.value, span, quoted=style != "", block=style in ("|", ">"))
    if isinstance(node, SequenceNode):
        return Sequence([_convert(n, file, diags) for n in node.value], span)
    assert isinstance(node, MappingNode)
    entries: list[tuple[Scalar, Node]] = []
    keys: dict[str, Scalar] = {}
    for key_node, value_node in node.value:
        key_span = _span(file, key_node.start_mark)
        if not isinstance(key_node, ScalarNode):
            diags.error(key_span, "a key must be a plain word", "write `key: value`")
            continue
        if key_node.value == "<<":
            diags.error(key_span, "merge keys (<<) are not allowed in issue files")
            continue
        if key_node.value in keys:
            first = keys[key_node.value].span
            diags.error(
                key_span,
                f"duplicate key '{key_node.value}' (first at line {first.line})",
                "keep one of them; YAML would silently use only the last",
            )
            continue
        key = Scalar(key_node.value, key_span)
        keys[key.value] = key
        entries.append((key, _convert(value_node, file, diags)))
    return Mapping(entries, span, keys)
