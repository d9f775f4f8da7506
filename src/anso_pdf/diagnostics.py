"""Turn problems found anywhere in the pipeline into located, sortable messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A place in an issue file: 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    span: Span | None
    message: str
    hint: str | None = None
    also: Span | None = None  # another line worth showing: where the mistake really is, or what it belongs to

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        text = f"{where}{self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is None:
            return ("", 0, 0, self.message)
        return (self.span.file, self.span.line, self.span.column, self.message)


@dataclass
class Diagnostics:
    """Collects diagnostics so that every problem is reported in one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, span: Span | None, message: str, hint: str | None = None, *, also: Span | None = None) -> None:
        self.items.append(Diagnostic(Severity.ERROR, span, message, hint, also))

    def warning(self, span: Span | None, message: str, hint: str | None = None, *, also: Span | None = None) -> None:
        self.items.append(Diagnostic(Severity.WARNING, span, message, hint, also))

    def extend(self, other: Diagnostics | list[Diagnostic]) -> None:
        self.items.extend(other.items if isinstance(other, Diagnostics) else other)

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted((d for d in self.items if d.severity is Severity.ERROR), key=Diagnostic.sort_key)

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted((d for d in self.items if d.severity is Severity.WARNING), key=Diagnostic.sort_key)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise IssueError(self.errors, self.warnings)


class IssueError(Exception):
    """The issue file cannot be rendered; carries every error found (and the warnings so far)."""

    def __init__(self, errors: list[Diagnostic], warnings: list[Diagnostic] | None = None) -> None:
        self.errors = sorted(errors, key=Diagnostic.sort_key)
        self.warnings = warnings or []
        super().__init__("\n".join(str(d) for d in self.errors))
