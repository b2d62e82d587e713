"""The one error type of the importers: what was found in a model file, and where.

Every problem an importer meets (a file that is missing, text that does not parse, an operator the
spec format cannot express, a model whose numbers disagree with themselves) becomes a
:class:`ModelError` whose lines read ``file:line: what`` or ``file: node 'name' (Op): what``. The
command line prints them and writes nothing; no importer lets another exception out.
"""

from __future__ import annotations

from collections.abc import Iterable


class ModelError(Exception):
    """Every problem found in one model file, one line each, reported together."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """The problems, one per line, in the order they were found."""
        return "\n".join(self.problems)


def at_line(path: str, line: int, message: str) -> str:
    """``path:line: message`` (the line left out when unknown)."""
    return f"{path}:{line}: {message}" if line else f"{path}: {message}"


def at_node(path: str, node: str, message: str) -> str:
    """``path: node: message``, for formats without lines (ONNX)."""
    return f"{path}: {node}: {message}"
