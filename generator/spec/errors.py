"""The one error type for mistakes in spec files, and the place each mistake was made."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value was written: a file and a 1-based line number (0 when unknown)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in a spec: where, in which layer and field, and what was expected."""

    location: Location
    message: str
    layer: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [str(self.location)]
        if self.layer is not None:
            parts.append(f"layer {self.layer!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        parts.append(self.message)
        return ": ".join(parts)


class SpecError(Exception):
    """Every problem found in one or more spec files, reported together."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one per line, in file and line order."""
        ordered = sorted(self.problems, key=lambda p: (p.location.path, p.location.line))
        return "\n".join(str(p) for p in ordered)
