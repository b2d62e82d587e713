"""What a result depends on, so that a caller may keep it between builds: the memo protocol.

The pipeline is pure: the same specs give the same site. A long-lived caller (the MkDocs plugin,
rebuilding on every save under ``mkdocs serve``) may skip the work whose inputs did not change.
The pure functions say what each costly result depends on besides the generator's own code with
a :class:`Key`, and ask a :class:`Memo` for it; :func:`compute` (the default) always computes.
Only the caller knows where results are kept and what a spec's text was: see
:mod:`generator.edges.cache`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Key:
    """Everything a result depends on besides the generator's code and the installed packages."""

    kind: str
    """What the result is (``"own"``, ``"architecture"``, ``"schema"``...): one store per kind."""
    spec: str | None = None
    """The spec whose text (with every spec it extends) the result depends on, if any."""
    text: str = ""
    """Any other input, in full (a script to highlight)."""
    others: tuple[str, ...] = ()
    """Other specs whose texts the result depends on, beside ``spec``."""


class Memo(Protocol):
    """Gives the result of ``work``, or the same result kept from an earlier call."""

    def __call__(self, key: Key, work: Callable[[], T], /) -> T: ...


def compute(key: Key, work: Callable[[], T], /) -> T:
    """The memo that keeps nothing: every result is computed."""
    return work()
