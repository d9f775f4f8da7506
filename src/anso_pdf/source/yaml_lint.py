"""Find the YAML mistakes people make, line by line, before the parser: say each in plain words at its own line,
and hand the parser a repaired copy (same lines) so that one mistake does not hide the next.

What is found: stray characters (Word's Shift+Enter U+000B, U+2028/U+2029/U+0085, NUL and other controls), tabs,
a value starting with `#` (a comment), with `*`, `&`, `!`, `%`, `@` or a backquote, with `[` or `{` followed by more
text, curly or mismatched quotes, an unquoted `: ` inside a value, a missing space after a key's `:`, and
indentation that lines up with nothing above it. Indentation findings are kept only when the parser agrees that
the file is broken (yaml_tree.parse_yaml), so a valid file is never refused by a guess made here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from anso_pdf.diagnostics import Diagnostic, Severity, Span

# stray characters: (what it is, severity). The parser would refuse most of them ("unacceptable character") or,
# for U+0085/U+2028/U+2029, count them as line ends, which moved every later line number.
_SPACE_LIKE = {
    "\x0b": "a line break from Word (Shift+Enter, U+000B)",
    "\x0c": "a page break character (U+000C)",
    "\x85": "an invisible line break (U+0085)",
    "\u2028": "an invisible line separator (U+2028)",
    "\u2029": "an invisible paragraph separator (U+2029)",
}
_KEY = re.compile(r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\[\]{},:&*!|>%@`-][^:#]*?|-[^\s:][^:#]*?):(?=\s|$)""")
_NO_SPACE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<value>[^\s/].*)$")
_BLOCK = re.compile(r"[|>][0-9+-]*[0-9+-]*\s*(#.*)?$")
_CURLY_OPEN = "\u201c\u2018\u201e\u00ab\u201a\u201d\u2019"
_QUOTE_PAIRS = {'"': '"', "'": "'"}
MAX_REPORTED = 50  # beyond this many, the rest are counted, not shown one by one


@dataclass
class Level:
    column: int  # 0-based column of the key, or of the '-' of a list
    kind: str  # "map" or "seq"
    line: int  # 1-based line where this level's first entry is
    name: str  # the key, for messages


@dataclass
class Lint:
    """The findings, and the text the parser should read: the same lines, each mistake found here repaired."""

    text: str
    found: list[Diagnostic] = field(default_factory=list)
    indentation: list[Diagnostic] = field(default_factory=list)  # kept only if the parser fails without them
    unrepaired: set[int] = field(default_factory=set)  # lines whose mistake could not be repaired here
    text_without_indentation: str = ""  # the repaired text, indentation left as written


def normalise_newlines(text: str) -> str:
    """Lines end at LF; CRLF and a lone CR (old Mac files) count as one line end, as the parser counts them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _quoted(text: str) -> str:
    """`text` as a double-quoted YAML value (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _shown(key: str, value: str) -> str:
    """`key: "value"` for a hint, shortened when long."""
    if len(value) > 60:
        value = value[:40].rstrip() + " \u2026 " + value[-12:].lstrip()
    return f"{key}: {_quoted(value)}"


def _split_comment(value: str) -> tuple[str, str]:
    """A plain value and its comment: a comment starts at ' #'."""
    m = re.search(r"\s#", value)
    if m is None:
        return value.rstrip(), value[len(value.rstrip()):]
    return value[: m.start()].rstrip(), value[len(value[: m.start()].rstrip()):]


def _quote_end(value: str, quote: str) -> int:
    """Index just after the closing quote of a quoted value starting at value[0], or -1 if not on this line."""
    i = 1
    while i < len(value):
        ch = value[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and value[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1


def _brackets(text: str, *, comments: bool) -> Iterator[tuple[int, int]]:
    """(index, +1 or -1) for each bracket that opens or closes a flow list or mapping, outside quotes; with
    `comments`, a '#' at the start or after a space ends the scan."""
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'" and (i == 0 or text[i - 1] in " ,[{:"):
            quote = ch
        elif comments and ch == "#" and (i == 0 or text[i - 1] == " "):
            return
        elif ch in "[{":
            yield i, 1
        elif ch in "]}":
            yield i, -1
        i += 1


def _flow_end(value: str) -> int:
    """Index just after the bracket that closes the flow list or mapping at value[0], or -1."""
    depth = 0
    for i, step in _brackets(value, comments=False):
        depth += step
        if step < 0 and depth == 0:
            return i + 1
    return -1


def _label(level: Level) -> str:
    return "the '- '" if level.kind == "seq" else f"'{level.name}'"


class _Scanner:
    def __init__(self, text: str, file: str, known_keys: frozenset[str]) -> None:
        self.file = file
        self.known = known_keys
        self.lines = text.split("\n")
        self.out = Lint("")
        self.stack: list[Level] = []
        self.opened: Level | None = None  # the level whose value is still to come (`key:` with nothing after)
        self.pending_hash: tuple[int, str, int] | None = None  # (line, key, column) of `key: #...`
        self.fixed_indent: dict[int, int] = {}  # line -> indentation the parser is given instead
        self.last_wrong: tuple[int, int, int] | None = None  # (line, written, expected) of the last indentation finding

    def span(self, line: int, column: int) -> Span:
        return Span(self.file, line, column + 1)

    def error(self, line: int, column: int, message: str, hint: str | None = None, also: Span | None = None) -> None:
        self.out.found.append(Diagnostic(Severity.ERROR, self.span(line, column), message, hint, also))

    def warning(self, line: int, column: int, message: str, hint: str | None = None) -> None:
        self.out.found.append(Diagnostic(Severity.WARNING, self.span(line, column), message, hint))

    # --- characters ---------------------------------------------------------------------------------------

    def characters(self) -> None:
        for n, line in enumerate(self.lines, start=1):
            if line.isprintable() and "\t" not in line:
                continue
            chars = list(line)
            lead = len(line) - len(line.lstrip(" \t"))
            for i, ch in enumerate(line):
                if ch == "\t" and i >= lead:
                    chars[i] = " "  # a tab between words or after a colon: a space (the parser refuses it there)
                elif ch in _SPACE_LIKE:
                    self.warning(n, i, f"{_SPACE_LIKE[ch]} inside the text; it is read as a space",
                                 "to start a new paragraph, leave an empty line in a `|` block")
                    chars[i] = " "
                elif ch == "\0":
                    self.error(n, i, "a NUL character (U+0000): this part of the file is not text",
                               "the file may have been saved in another format; save it again as UTF-8 text, or type "
                               "this line again")
                    chars[i] = " "
                elif ch != "\t" and unicodedata.category(ch) == "Cc":
                    self.error(n, i, f"an invisible control character (U+{ord(ch):04X})",
                               "it often comes from pasting; type this part of the line again")
                    chars[i] = " "
            self.lines[n - 1] = "".join(chars)

    # --- structure ----------------------------------------------------------------------------------------

    def scan(self) -> Lint:
        self.characters()
        n = 0
        while n < len(self.lines):
            n = self.line(n)
        self._settle_hash(None)
        self.out.text = "\n".join(self.repaired(indentation=True))
        self.out.text_without_indentation = "\n".join(self.repaired(indentation=False))
        return self.out

    def repaired(self, *, indentation: bool) -> list[str]:
        if not indentation:
            return list(self.lines)
        out = list(self.lines)
        for index, column in self.fixed_indent.items():
            line = out[index - 1]
            out[index - 1] = " " * column + line.lstrip(" \t")
        return out

    def line(self, index: int) -> int:
        """Read the line at `index` (0-based); return the index of the next line to read."""
        number = index + 1
        raw = self.lines[index]
        stripped = raw.lstrip(" \t")
        if not stripped or stripped.startswith("#") or raw.startswith(("---", "...", "%")):
            return index + 1
        lead = raw[: len(raw) - len(stripped)]
        if "\t" in lead:
            self.error(number, lead.index("\t"), "a tab in the indentation",
                       "YAML reads only spaces as indentation: indent this line with spaces, like the lines around it")
            self.out.unrepaired.discard(number)
            indent = len(lead.replace("\t", "  "))
            self.lines[index] = " " * indent + stripped
            self._tab_line = number
            self._tab_lead = lead
        else:
            indent = len(lead)
        rest = stripped
        column = indent
        dashes: list[int] = []
        while rest == "-" or rest.startswith("- "):
            dashes.append(column)
            after = rest[1:]
            gap = len(after) - len(after.lstrip(" "))
            column += 1 + gap
            rest = after.lstrip(" ")
        self._settle_hash(indent)
        first_column = dashes[0] if dashes else indent
        key = _KEY.match(rest)
        if not dashes and key is None:
            missing = _NO_SPACE.match(rest)
            if missing and missing["key"] in self.known:
                self.error(number, column + len(missing["key"]), f"no space after the ':' of '{missing['key']}'",
                           f"write a space after the colon: {missing['key']}: {missing['value'].strip()}")
                self.lines[index] = raw[: len(raw) - len(rest)] + f"{missing['key']}: {missing['value']}"
                rest = f"{missing['key']}: {missing['value']}"
                key = _KEY.match(rest)
        if not dashes and key is None:
            word = rest.split(" ", 1)[0]
            if word in self.known and " " in rest and any(lv.kind == "map" and lv.column == indent for lv in self.stack):
                # `issue Issue 7` where the keys are: not text going on (that would be indented more)
                self.error(number, indent + len(word), f"no ':' after '{word}'",
                           f"write a colon after the key: {word}: {rest.split(' ', 1)[1].strip()}")
                self.lines[index] = raw[: len(raw) - len(rest)] + word + ":" + rest[len(word):]
                return self.line(index)
            # a line of text under a key: the continuation of a value, unless it stands where only keys can
            return index + 1
        self.shift = 0
        self.place(number, first_column, "seq" if dashes else "map", "- " if dashes else key["key"] if key else "-")
        shift = self.shift  # the parser is given this line moved by `shift` columns (lined up, or a tab as spaces)
        for extra in dashes[1:]:
            self.stack.append(Level(extra + shift, "seq", number, "- "))
        if key is None:  # `- value` or `-` alone
            value = rest
            name = "-"
            value_column = column
        else:
            name = key["key"].strip("\"'")
            if dashes:
                self.stack.append(Level(column + shift, "map", number, name))
            value = rest[key.end():]
            value_column = column + key.end() + (len(value) - len(value.lstrip(" ")))
            value = value.lstrip(" ")
        if not value:
            opener = Level((column if key is not None else first_column) + shift, "map" if key is not None else "seq",
                           number, name)
            self.opened = opener
            return index + 1
        self.opened = None
        return self.value(index, name, value, value_column, column if key is not None else first_column)

    def place(self, number: int, column: int, kind: str, name: str) -> None:
        """Check where a line's first key or '-' stands against the levels open above it."""
        opened, self.opened = self.opened, None
        if getattr(self, "_tab_line", None) == number and self.stack:
            # a tab was taken for two spaces: line it up with the nearest open level of its kind instead
            same = [lv for lv in self.stack if lv.kind == kind] or self.stack
            lead = self._tab_lead
            readings = {len(lead.replace("\t", " " * width)) for width in (2, 4, 8)}  # a tab is 2, 4 or 8 spaces
            exact = [lv for lv in same if lv.column in readings]
            level = exact[-1] if exact else min(reversed(same), key=lambda lv: abs(lv.column - column))
            while self.stack and self.stack[-1] is not level:
                self.stack.pop()
            self.fixed_indent[number] = level.column
            self.shift = level.column - column
            if level.kind != kind:
                self.stack.append(Level(level.column, kind, number, name))
            return
        if opened is not None and (column > opened.column
                                   or (column == opened.column and kind == "seq" and opened.kind == "map")):
            self.stack.append(Level(column, kind, number, name))
            return
        deeper = None
        while self.stack and self.stack[-1].column > column:
            deeper = self.stack.pop()
        if (len(self.stack) > 1 and kind == "map" and self.stack[-1].kind == "seq" and self.stack[-1].column == column
                and self.stack[-2].kind == "map" and self.stack[-2].column == column):
            self.stack.pop()  # `key:` then `- item` at the key's own column: the list ends at the next key
        if self.stack and self.stack[-1].column == column:
            top = self.stack[-1]
            if top.kind == "seq" and kind == "map":
                self.indentation(number, column, f"'{name}' stands where the list above has its '- ' entries",
                                 f"if '{name}' starts a new entry, write '- ' before it; if it belongs to the entry "
                                 f"above, indent it like that entry's keys", top)
                # read on as if the '- ' were there, so the entry's other keys are not each reported
                self.stack.append(Level(column + 2, "map", number, name))
            elif top.kind == "map" and kind == "seq" and opened is None:
                self.indentation(number, column, "a list entry ('- ') among keys",
                                 "indent the list under the key it belongs to, or write that key before it", top)
            return
        if not self.stack:
            self.stack.append(Level(column, kind, number, name))
            return
        top = self.stack[-1]
        if column > top.column and deeper is None:
            sibling = top
            what = f"'{name}'" if name != "- " else "this '- '"
            extra = column - sibling.column
            self.indentation(
                number, column,
                f"{what} is indented {extra} space{'s' if extra != 1 else ''} more than {_label(sibling)} on line {sibling.line}",
                f"keys of the same entry start in the same column: start {what} in column {sibling.column + 1}, "
                f"under {_label(sibling)}",
                sibling, expected=sibling.column)
            return
        # between two levels: lines up neither with the keys it left nor with those it returns to
        meant = deeper if deeper is not None else top
        what = f"'{name}'" if name != "- " else "this '- '"
        self.indentation(
            number, column,
            f"{what} does not line up with the lines above: {_label(meant)} on line {meant.line} starts in column "
            f"{meant.column + 1}, this line in column {column + 1}",
            f"if {what} belongs with {_label(meant)}, start it in column {meant.column + 1}"
            + (f"; if it belongs with {_label(top)} (line {top.line}), in column {top.column + 1}" if top.kind == kind else ""),
            meant, expected=meant.column)
        self.stack.append(Level(meant.column, kind, number, name))

    def indentation(self, number: int, column: int, message: str, hint: str, reference: Level,
                    expected: int | None = None) -> None:
        if getattr(self, "_tab_line", None) == number:  # already reported as a tab; only repaired here
            if expected is not None:
                self.fixed_indent[number] = expected
                self.shift = expected - column
            return
        if expected is not None:
            self.fixed_indent[number] = expected
            self.shift = expected - column
            last = self.last_wrong
            self.last_wrong = (number, column, expected)
            if last is not None and last[1:] == (column, expected):  # the same shift again: one message says it
                return
        else:
            self.out.unrepaired.add(number)
        self.out.indentation.append(Diagnostic(Severity.ERROR, self.span(number, column), message, hint,
                                               Span(self.file, reference.line, reference.column + 1)))

    def _settle_hash(self, next_indent: int | None) -> None:
        """`key: #...` is a missing value unless the next line holds the key's nested keys (a comment, then)."""
        if self.pending_hash is None:
            return
        number, name, key_column = self.pending_hash
        self.pending_hash = None
        if next_indent is not None and next_indent > key_column:
            return
        line = self.lines[number - 1]
        hash_at = line.index("#", key_column + len(name))
        value = line[hash_at:].rstrip()
        self.error(number, hash_at, f"'#' starts a comment in YAML, so '{name}' has no value here",
                   f"put the value in quotes: {_shown(name, value)}")
        self.lines[number - 1] = line[:hash_at] + _quoted(value)

    def value(self, index: int, name: str, value: str, column: int, key_column: int) -> int:
        """Look at a key's value on its line; return the index of the next line to read."""
        number = index + 1
        line = self.lines[index]
        head = value[0]

        def requote(text: str, message: str, hint_value: str | None = None) -> None:
            self.error(number, column, message, f"put the value in quotes: {_shown(name, hint_value or text)}"
                       if name != "-" else f"put the value in quotes: - {_quoted(hint_value or text)}")
            self.lines[index] = line[:column] + _quoted(text) + line[column + len(text):]

        if head == "#":
            if value[1:2] not in ("", " ", "#", "\t"):  # `#17468C`, `#1 glacier`: a value; `# note`: a comment
                self.pending_hash = (number, name, key_column)
            return index + 1
        if _BLOCK.match(value):
            return self.block(index, key_column)
        if head in _QUOTE_PAIRS:
            end = _quote_end(value, head)
            if end > 0:
                return index + 1
            after = self.quoted(index, head, column, key_column)
            if after > index + 1 and index + 1 not in self.out.unrepaired:
                return after  # closed on a later line: a value over several lines
            body, _ = _split_comment(value)
            closing = body[-1:] if len(body) > 1 else ""
            if closing and closing in "\"'\u201d\u2019" and closing != head:
                self.out.unrepaired.discard(index + 1)
                self.error(number, column, f"the value starts with {head} but ends with {closing}",
                           f"begin and end it with the same straight quote: {name}: {head}{body[1:-1]}{head}")
                self.lines[index] = line[:column] + _quoted(body[1:-1]) + line[column + len(body):]
                return index + 1
            return after
        if head in _CURLY_OPEN:
            text, _ = _split_comment(value)
            if ": " in text or text.endswith(":"):
                requote(text, f"curly quotes {head}\u2026 do not quote a value in YAML, so the ': ' inside it starts a new key",
                        text)
            return index + 1
        if head in "[{":
            end = _flow_end(value)
            if end < 0:
                return self.flow(index, column)
            trailing, _ = _split_comment(value[end:])
            if re.match(r"\s*[^\s\]},#]", trailing):
                text, _ = _split_comment(value)
                requote(text, f"a value starting with '{head}' is read as a {'list' if head == '[' else 'mapping'}, "
                        f"and the text after '{value[end - 1]}' cannot follow it")
            return index + 1
        if head in "*&!%@`":
            text, _ = _split_comment(value)
            real = re.match(r"[*&][A-Za-z0-9_-]+(\s|$)", text)  # what the parser reads as an alias or anchor
            if real or value.startswith("!!"):
                return index + 1  # a real alias, anchor or tag: refused by the parser with its own message
            meaning = {"*": "a reference to another value", "&": "a name for this value", "!": "a type tag",
                       "%": "a directive", "@": "reserved", "`": "reserved"}[head]
            requote(text, f"a value cannot start with '{head}' unless it is in quotes (YAML reads '{head}' as {meaning})")
            return index + 1
        text, _ = _split_comment(value)
        if ": " in text or text.endswith(":"):
            requote(text, f"the ': ' inside the value of '{name}' would start a new key")
        return index + 1

    def block(self, index: int, key_column: int) -> int:
        """Skip a `|` or `>` block: its lines are indented more than its key, or empty."""
        parent = key_column
        if self.stack and self.stack[-1].column <= key_column:
            parent = self.stack[-1].column
        n = index + 1
        while n < len(self.lines):
            line = self.lines[n]
            if line.strip() and len(line) - len(line.lstrip(" ")) <= parent:
                break
            n += 1
        return n

    def quoted(self, index: int, quote: str, column: int, key_column: int = -1) -> int:
        """Skip the lines of a quoted value that goes on over several lines (each line read once). A line back at
        the key's indentation or less ends the search: the quote was not closed."""
        limit = min(len(self.lines), index + 200)
        for n in range(index + 1, limit):
            line = self.lines[n]
            if line.strip() and len(line) - len(line.lstrip(" ")) <= key_column:
                self.out.unrepaired.add(index + 1)
                return index + 1  # the lines after it are read as they stand
            if _quote_end(quote + line, quote) > 0:
                return n + 1
        self.out.unrepaired.add(index + 1)
        return limit  # never closed nearby: the parser says where it opens

    def flow(self, index: int, column: int) -> int:
        """Skip the lines of a [list] or {mapping} written over several lines (each line read once)."""
        depth = _flow_depth(self.lines[index][column:])
        limit = min(len(self.lines), index + 200)
        for n in range(index + 1, limit):
            depth += _flow_depth(self.lines[n])
            if depth <= 0:
                return n + 1
        return limit


def _flow_depth(text: str) -> int:
    """Brackets opened minus brackets closed on a line, outside quotes."""
    return sum(step for _, step in _brackets(text, comments=True))


def lint(text: str, file: str, known_keys: frozenset[str] = frozenset()) -> Lint:
    """Every mistake found line by line, and the repaired text (same number of lines) for the parser."""
    scanner = _Scanner(normalise_newlines(text), file, known_keys)
    found = scanner.scan()
    found.found = found.found[:MAX_REPORTED]
    found.indentation = found.indentation[:MAX_REPORTED]
    return found
