"""Turn the text of an issue file into a located YAML tree: every node knows its line and column.

Scalars stay strings (no YAML 1.1 guessing of booleans, numbers or dates); the model decides what a
value means. Anchors, aliases, tags, duplicate keys, deep nesting and huge files are refused here,
before anything is built, so hostile input costs bounded time and memory.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from anso_pdf.diagnostics import Diagnostic, Diagnostics, IssueError, Severity, Span
from anso_pdf.source.yaml_lint import lint

MAX_BYTES = 1_000_000
MAX_DEPTH = 40


@dataclass(frozen=True, slots=True)
class Scalar:
    value: str
    span: Span
    quoted: bool = False  # written in quotes or as a block; plain scalars may be null/true/...
    block: bool = False  # a `|` or `>` block: its text starts on the line after `span`
    # the 1-based column where the text of the value starts: on each line of a block, or on the only line of a
    # one-line value (after its opening quote); None when that cannot be told (a value folded over several lines)
    text_column: int | None = None

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


def _span(file: str, mark: yaml.Mark, offset: int = 0) -> Span:
    return Span(file, offset + mark.line + 1, mark.column + 1)


def _known_keys() -> frozenset[str]:
    """Every key of the issue format, so that `date:2019-09-04` can be told apart from text holding a colon."""
    from anso_pdf.model import schema

    keys: set[str] = set()
    stack = [schema.ISSUE]
    while stack:
        table = stack.pop()
        for f in table.fields:
            keys.add(f.key)
            if f.table is not None:
                stack.append(f.table)
    return frozenset(keys)


def parse_yaml(text: str, file: str, diags: Diagnostics | None = None) -> Node:
    """Parse issue-file text into a located tree, or raise IssueError with every problem found.

    Mistakes are looked for line by line first (source/yaml_lint.py) and repaired in the copy the parser reads,
    so each is reported at its own line and one does not hide the next. When the file still cannot be read, each
    top-level key and each entry of a top-level list is read on its own, so that every part with a mistake is
    reported in one run. With `diags`, warnings and the errors that leave the file readable go there and the tree
    is returned (the model then adds its own findings); without it, any error raises."""
    start = Span(file, 1, 1)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise IssueError(
            [_err(start, f"the file is larger than {MAX_BYTES // 1000} kB; an issue file is a few kB")]
        )
    found = lint(text, file, _known_keys())
    root, problem = _compose(found.text, file)
    indentation = found.indentation
    if problem is None and indentation:
        # the parser reads the indentation as written: what the line-by-line look took for a mistake is not one
        as_written, problem_as_written = _compose(found.text_without_indentation, file)
        if problem_as_written is None:
            root, indentation = as_written, []
    findings = Diagnostics()
    findings.extend(found.found + indentation)
    if problem is not None:
        located = {d.span.line for d in findings.errors if d.span}
        repeated: dict[int, list[int]] = {}
        failing = 0
        lines = found.text.split("\n")
        for part, (first, last), pieces in _readable_parts(found.text):
            part_root, part_problem = _compose(part, file, offset=first)
            if part_root is not None:  # readable: its keys are checked (a missing '- ' shows as a repeated key)
                keys = Diagnostics()
                _convert(part_root, file, keys, offset=first)
                findings.items += keys.errors
            if part_problem is None or part_problem.span is None:
                continue
            if len(pieces) > 1:
                for a, b in pieces:
                    sub_root, sub_problem = _compose("\n".join(lines[a:b]), file, offset=a)
                    if sub_root is not None:
                        keys = Diagnostics()
                        _convert(sub_root, file, keys, offset=a)
                        findings.items += keys.errors
                    if sub_problem is None or sub_problem.span is None:
                        continue
                    failing += 1
                    _add_problem(findings, located, repeated, sub_problem, a, b)
                    if failing >= MAX_FAILING_PARTS:
                        break
            else:
                failing += 1
                _add_problem(findings, located, repeated, part_problem, first, last)
            if failing >= MAX_FAILING_PARTS:
                break
        for i, more in repeated.items():
            d = findings.items[i]
            also = ", ".join(map(str, more[:10])) + (", ..." if len(more) > 10 else "")
            findings.items[i] = dataclasses.replace(d, hint=f"{d.hint + '; ' if d.hint else ''}the same on line"
                                                    f"{'s' if len(more) > 1 else ''} {also}")
        if not findings.errors:
            findings.items.append(problem)
        raise IssueError(findings.errors, findings.warnings)
    if root is None:
        raise IssueError([_err(start, "the file is empty", "start from `anso-pdf new FILE.yaml`")])
    target = diags if diags is not None else Diagnostics()
    target.extend(findings)
    tree = _convert(root, file, target)
    if diags is None:
        target.raise_if_errors()
    return tree


def _compose(text: str, file: str, offset: int = 0) -> tuple[yaml.Node | None, Diagnostic | None]:
    """The parser's node tree of `text`, or its first problem in plain words. `offset`: lines before `text`."""
    try:
        loader = _StrictLoader(text)
        try:
            return loader.get_single_node(), None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return None, _explain(exc, text.split("\n"), file, offset)
    except yaml.YAMLError as exc:
        return None, _err(Span(file, offset + 1, 1), f"not readable as YAML: {exc}")
    except RecursionError:
        return None, _err(Span(file, offset + 1, 1), "nesting is too deep")


MAX_FAILING_PARTS = 50  # a file broken everywhere is not read part by part to its end


def _add_problem(findings: Diagnostics, located: set[int], repeated: dict[int, list[int]], problem: Diagnostic,
                 first: int, last: int) -> None:
    """Add a part's problem unless its mistake is already said at its own line, or the same one was (then the
    first names this line too)."""
    if any(first < line <= last + 1 for line in located):
        return  # the line-by-line look said it at its own line; the parser's complaint is a consequence
    same = next((i for i, d in enumerate(findings.items) if d.message == problem.message), None)
    if same is None:
        findings.items.append(problem)
    elif problem.span is not None:
        repeated.setdefault(same, []).append(problem.span.line)


def _readable_parts(text: str) -> list[tuple[str, tuple[int, int], list[tuple[int, int]]]]:
    """The parts of `_parts`, several together up to a few hundred lines (one parser run for a readable stretch),
    each group with the parts it holds."""
    groups: list[tuple[str, tuple[int, int], list[tuple[int, int]]]] = []
    lines = text.split("\n")
    current: list[tuple[int, int]] = []
    for _part, (a, b) in _parts(text):
        current.append((a, b))
        if b - current[0][0] >= 400:
            groups.append(("\n".join(lines[current[0][0]:b]), (current[0][0], b), current))
            current = []
    if current:
        groups.append(("\n".join(lines[current[0][0]:current[-1][1]]), (current[0][0], current[-1][1]), current))
    return groups


def _parts(text: str) -> list[tuple[str, tuple[int, int]]]:
    """The file cut where it can be read alone: each top-level key, and each entry of a top-level key's list.
    Each part with the number of lines before it and its last line (1-based)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line[:1] not in ("", " ", "#", "\t") and not line.startswith(("---", "..."))]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)  # what comes before the first top-level key (comments, or lines indented by mistake)
    cuts: list[int] = []
    for a, b in zip(starts, [*starts[1:], len(lines)][: len(starts)], strict=True):  # no start: no part
        cuts.append(a)
        items = [i for i in range(a + 1, b) if lines[i].lstrip(" ").startswith("- ") or lines[i].strip() == "-"]
        if items:
            column = len(lines[items[0]]) - len(lines[items[0]].lstrip(" "))
            cuts += [i for i in items if len(lines[i]) - len(lines[i].lstrip(" ")) == column]
    cuts.append(len(lines))
    return [("\n".join(lines[a:b]), (a, b)) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _explain(exc: yaml.MarkedYAMLError, lines: list[str], file: str, offset: int) -> Diagnostic:
    """The parser's complaint in words a person who never read the YAML specification can act on."""
    problem = exc.problem or "YAML syntax error"
    mark = exc.problem_mark or exc.context_mark
    context_mark = exc.context_mark

    def at(m: yaml.Mark | None) -> Span:
        return Span(file, offset + m.line + 1, m.column + 1) if m is not None else Span(file, offset + 1, 1)

    def text_of(m: yaml.Mark | None) -> str:
        return lines[m.line] if m is not None and m.line < len(lines) else ""

    if "not allowed in issue files" in problem and ("alias" in problem or "anchor" in problem):
        sign = "*" if "alias" in problem else "&"
        return _err(at(mark), problem, f"write the value out in full; if the '{sign}' is part of a text, put the whole "
                                       "text in quotes")
    if "not allowed in issue files" in problem or "nesting deeper" in problem:
        return _err(at(mark), problem)  # our own refusals (tags, depth) are already plain
    if "end of stream" in problem and context_mark is not None:
        quote = text_of(context_mark)[context_mark.column:context_mark.column + 1]
        if quote in "\"'":
            return _err(at(context_mark), f"the quote {quote} that starts here is never closed",
                        f"close the quote: end the value with {quote} on this line (to print a quote inside it, use "
                        f"the other kind, or curly quotes)")
        return _err(at(context_mark), "the list or mapping that starts here is never closed",
                    "close it with ] or }, or put the whole value in quotes if the brackets are part of the text")
    if "could not find expected ':'" in problem and context_mark is not None:
        return _err(at(context_mark), "this line has no ':' after its key",
                    "write `key: value`; if the line goes on with the text of the line above, indent it more than "
                    "that line's key")
    if "mapping values are not allowed" in problem:
        return _err(at(mark), "a ': ' here would start a key where none can start",
                    "if it is part of a text, put the whole text in quotes; if it is a key, line it up with the keys "
                    "above it")
    if "unknown escape character" in problem or "expected escape sequence" in problem:
        return _err(at(mark), "a backslash in a \"double-quoted\" value starts an escape YAML does not know",
                    "write the backslash twice (\\\\), or put the value in 'single quotes'")
    if "expected <block end>" in problem or "expected <block mapping start>" in problem or \
            "did not find expected key" in problem or "did not find expected '-'" in problem:
        return _err(at(mark), "this line does not line up with the lines above it",
                    "keys of the same entry start in the same column, and list entries ('- ') too; indent with spaces",
                    also=at(context_mark) if context_mark is not None else None)
    if "found character" in problem and "cannot start any token" in problem:
        return _err(at(mark), "a value cannot start with this character unless it is in quotes",
                    "put the value in quotes, e.g. title: \"@home\"")
    if "while scanning" in (exc.context or "") and "expected ',' or" in problem or "expected ',' or" in problem:
        return _err(at(context_mark or mark), "the list or mapping in brackets that starts here is not closed properly",
                    "if the brackets are part of the text, put the whole value in quotes")
    if "tab" in problem:
        return _err(at(mark), "a tab where YAML wants spaces", "indent with spaces, not tabs")
    return _err(at(mark), f"this line is not valid YAML ({problem})",
                "compare its indentation, colons and quotes with the lines around it")


def _err(span: Span, message: str, hint: str | None = None, also: Span | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, span, message, hint, also)


def _text_column(node: ScalarNode) -> int | None:
    """Where the value's text starts (Scalar.text_column), read from the parser's marks."""
    start, end = node.start_mark, node.end_mark
    if node.style in ("|", ">"):
        buffer = getattr(start, "buffer", None)
        if not isinstance(buffer, str):
            return None
        line_start = buffer.find("\n", start.pointer) + 1
        while 0 < line_start < len(buffer):  # the first line with text sets the block's indentation
            line_end = buffer.find("\n", line_start)
            line = buffer[line_start : line_end if line_end >= 0 else len(buffer)].rstrip("\r\0")
            if line.strip():
                return len(line) - len(line.lstrip(" ")) + 1
            line_start = line_end + 1 if line_end >= 0 else 0
        return None
    if start.line != end.line:
        return None
    return start.column + (2 if node.style in ("'", '"') else 1)


def _convert(node: yaml.Node, file: str, diags: Diagnostics, in_list: bool = False, offset: int = 0) -> Node:
    span = _span(file, node.start_mark, offset)
    if isinstance(node, ScalarNode):
        style = node.style or ""
        return Scalar(node.value, span, quoted=style != "", block=style in ("|", ">"), text_column=_text_column(node))
    if isinstance(node, SequenceNode):
        return Sequence([_convert(n, file, diags, in_list=True, offset=offset) for n in node.value], span)
    assert isinstance(node, MappingNode)
    entries: list[tuple[Scalar, Node]] = []
    keys: dict[str, Scalar] = {}
    first_key = ""
    since_new_entry: set[str] | None = None  # keys after a missing '- ', so that one mistake gives one message
    for key_node, value_node in node.value:
        key_span = _span(file, key_node.start_mark, offset)
        if not isinstance(key_node, ScalarNode):
            diags.error(key_span, "a key must be a plain word", "write `key: value`")
            continue
        name = key_node.value
        first_key = first_key or name
        if name == "<<":
            diags.error(key_span, "merge keys (<<) are not allowed in issue files")
            continue
        if since_new_entry is not None and name not in since_new_entry:
            since_new_entry.add(name)
            continue  # part of the entry whose '- ' is missing: said once already
        if name in keys:
            first = keys[name].span
            if in_list and name == first_key:
                # `- date: ...` then `date: ...` at the keys' column: a new entry written without its '- '
                diags.error(
                    key_span,
                    f"'{name}' is written a second time in one entry (first at line {first.line}): "
                    "a new entry seems to start here without its '- '",
                    f"write '- ' before '{name}' (two columns to the left, where the '- ' of line {first.line} is), so "
                    "that both entries are kept",
                    also=first,
                )
                since_new_entry = {name}
                continue
            diags.error(
                key_span,
                f"duplicate key '{name}' (first at line {first.line}): YAML would read only one of the two",
                f"join the two '{name}' values into one, or if this belongs to another entry, move it there",
                also=first,
            )
            continue
        key = Scalar(name, key_span)
        keys[key.value] = key
        entries.append((key, _convert(value_node, file, diags, offset=offset)))
    return Mapping(entries, span, keys)
