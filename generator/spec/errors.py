"""The one error type for mistakes in spec files, the place each mistake was made, and how a
message says what it found.

Every message reads "what was expected, what was found". The rules of the format
(:mod:`generator.spec.models`) say what they expect; :func:`describe` says what was found, the same
way for every rule, and :func:`suggest` offers the nearest known name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


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


def label(text: str, limit: int = 60) -> str:
    """A name or text from a file as a message quotes it: cut short when very long."""
    return text if len(text) <= limit else text[:limit] + "…"


def describe(value: Any) -> str:
    """What a file holds where a message says "got …": in YAML's words, and short."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {label(value)!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a number of {len(str(value)):,} digits"
    return label(repr(value))


def quote(value: Any) -> str:
    """A name from a file as a message quotes it; what it is when it is not text."""
    return repr(label(value)) if isinstance(value, str) else describe(value)


#: Letters whose names start with a vowel sound ("ef", "el", "en"): ``fc`` and ``lrn`` are read
#: letter by letter, so "an fc", "an lrn".
_VOWEL_LETTERS = frozenset("aefhilmnorsx")


def article(word: str) -> str:
    """The article before ``word`` as it is read aloud: "an add", "a concat", "an fc" (a word
    without vowels is read letter by letter)."""
    if not word:
        return "a"
    spelt = not any(letter in "aeiouy" for letter in word.lower())
    return "an" if word[0].lower() in (_VOWEL_LETTERS if spelt else "aeiou") else "a"


def suggest(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the candidate nearest ``word`` (never ``word`` itself), or
    ``"; did you mean 'x', 'y' or 'z'?"`` when several are as near (up to five); nothing when
    none is near."""
    others = sorted({candidate for candidate in candidates if candidate != word})
    close = difflib.get_close_matches(word, others, n=5, cutoff=0.6)
    if not close:
        return ""

    def nearness(candidate: str) -> float:
        return difflib.SequenceMatcher(None, word, candidate).ratio()

    nearest = [repr(c) for c in sorted(c for c in close if nearness(c) == nearness(close[0]))]
    return (
        "; did you mean " + " or ".join(filter(None, (", ".join(nearest[:-1]), nearest[-1]))) + "?"
    )
