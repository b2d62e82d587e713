"""What `mkdocs serve` shows while a spec does not load: a banner on every page, and the spec's
own page in place of the one it cannot build, so that a browser reloading that page finds the
located problems rather than a 404. `mkdocs build` never shows these: it stops on the first
broken spec."""

from __future__ import annotations

from collections.abc import Sequence

from generator.render import markup
from generator.spec.errors import Problem


def _items(problems: Sequence[Problem]) -> list[str]:
    ordered = sorted(problems, key=lambda p: (p.location.path, p.location.line))
    return [f"    - {markup.inline(str(problem))}" for problem in ordered]


def banner(problems: Sequence[Problem]) -> str:
    """A warning at the top of every page while ``mkdocs serve`` runs with a broken spec."""
    lines = [f'!!! failure "{len(problems)} problem(s) in the architecture specs"', ""]
    lines.append(
        "    The page of each spec below shows its problems until it is fixed; save the file "
        "to rebuild."
    )
    lines.append("")
    lines.extend(_items(problems))
    return "\n".join(lines) + "\n\n"


def failed_page(name: str, problems: Sequence[Problem]) -> str:
    """The page of spec ``name`` while it does not load: the problems that stop it, each where
    it was found (the spec's own, or those of a spec it extends when it has none of its own)."""
    lines = [
        f"# {markup.inline(name)}: this spec does not load",
        "",
        '!!! failure "Not built"',
        "",
        "    This page is built from the spec file once it loads. What stops it:",
        "",
        *_items(problems),
        "",
        "Fix the file and save it: `mkdocs serve` rebuilds this page. "
        "`mkdocs build --strict` fails until then.",
        "",
    ]
    return "\n".join(lines)
