"""Layer names from a model file's names: the spec's pattern, unique, and recognisably the same.

A spec's layer names match :data:`generator.spec.models.NAME_PATTERN` (a letter, then letters,
digits, ``_``, ``.`` and ``-``, at most 40 characters). Model files use more: Caffe's
``conv1/7x7_s2``, PyTorch's ``/layers.0/Conv``. The hand-written specs write Caffe's ``/`` as ``.``,
and so does the importer; anything else outside the pattern becomes ``_``.
"""

from __future__ import annotations

import re

from generator.spec.models import NAME_PATTERN

#: The longest name the spec format accepts.
MAX_LENGTH = 40
_NAME = re.compile(NAME_PATTERN)
_OUTSIDE = re.compile(r"[^A-Za-z0-9_.-]")
#: Names a layer may not take: ``input`` means the network's input.
RESERVED = frozenset({"input"})


def sanitise(text: str, fallback: str) -> str:
    """``text`` as a layer name: ``/`` → ``.``, other characters outside the pattern → ``_``.

    A name that does not start with a letter gets ``fallback`` (a letter-led word, such as the
    operator's name) in front; an empty one is ``fallback`` alone. Too long a name keeps its end,
    which in a scoped name (``features.3.conv``) is the most specific part.
    """
    name = _OUTSIDE.sub("_", text.replace("/", ".")).strip(".")
    name = re.sub(r"\.{2,}", ".", name)
    if not name:
        name = fallback
    elif not name[0].isalpha():
        name = f"{fallback}_{name}"
    if len(name) > MAX_LENGTH:
        name = name[-MAX_LENGTH:].lstrip("0123456789_.-") or fallback
    assert _NAME.match(name), name
    return name


class Namer:
    """Hands out unique layer names: a taken one gets ``_2``, ``_3``… (shortened to fit)."""

    def __init__(self) -> None:
        self._taken: set[str] = set(RESERVED)

    def unique(self, name: str) -> str:
        """``name``, or the first of ``name_2``, ``name_3``… that is free; then taken."""
        candidate, number = name, 1
        while candidate in self._taken:
            number += 1
            suffix = f"_{number}"
            candidate = name[: MAX_LENGTH - len(suffix)] + suffix
        self._taken.add(candidate)
        return candidate
