"""The contributing page: written from the schema, with the loader's real messages."""

from __future__ import annotations

import re

import pytest

from generator.analysis import examples
from generator.analysis.model import build_site_model
from generator.render import contributing
from generator.spec import schema
from generator.spec.models import LAYER_MODELS, Quantity, Rounding


@pytest.fixture(scope="module")
def page() -> str:
    return contributing.contributing_page(build_site_model([]).examples)


def test_every_field_of_the_schema_is_in_the_reference(page: str) -> None:
    spec_schema = schema.spec_schema()
    reference = page[page.index("## Reference: every field") : page.index("### Rounding values")]
    rows = set(re.findall(r'^\| <span id="[a-z-]+"></span>\*\*([a-z_]+)\*\* \|', reference, re.M))
    names = set(spec_schema["properties"])
    for definition in (
        "Source",
        "Stated",
        "Compared",
        "Sides",
        "Insert",
        *(m.__name__ for m in LAYER_MODELS),
    ):
        names |= set(spec_schema["$defs"][definition]["properties"])
    assert names == rows


def test_each_field_shows_its_meaning_type_default_and_an_example(page: str) -> None:
    row = next(line for line in page.splitlines() if "**stride** | a whole" in line)
    assert "| `[1, 1]` |" in row
    assert "The step between windows" in row
    assert "Example: `stride: 4`, `stride: [2, 1]`" in row
    padding = next(line for line in page.splitlines() if "**padding** |" in line)
    assert "[a mapping of sides](#sides)" in padding
    assert "`padding: same`" in padding


def test_every_layer_kind_and_value_is_listed(page: str) -> None:
    for kind in contributing.layer_kinds():
        assert f"`{kind}`" in page
    for enum in (Rounding, Quantity):
        for member in enum:
            assert f"| `{member.value}` |" in page


def test_the_error_messages_are_the_loaders(page: str) -> None:
    path = f"docs/architectures/{contributing.EXAMPLE_NAME}.yml"
    assert (
        f"{path}:22: layer 'conv1': field 'kernal': unknown field; did you mean 'kernel'?" in page
    )
    assert "kernel spans 11 pixels but the padded input is only 3 (3 + 0 + 0)" in page
    assert "no source named 'cs231' in 'sources'; did you mean 'cs231n'?" in page
    assert "/tmp" not in page


def test_the_worked_example_audits_clean(page: str) -> None:
    checks = contributing.example_checks(build_site_model([]).examples)
    assert [verdict for *_, verdict in checks] == ["matches"] * 3
    assert "| conv1 neurons | 290,400 | 290,400 | **matches** |" in page


def test_grouped_convolutions_and_what_counts_are_worked_out(page: str) -> None:
    """The depthwise layer: 64 kernels of 1 channel (64 / 64 groups) × 3 × 3, no bias; each of
    its 64 × 56 × 56 outputs one 3 × 3 kernel's products. The batch norm: a scale and a shift
    per channel, and no multiply-accumulate."""
    assert (
        f"| `depthwise` | conv 3×3 p1 g64 | 64×56×56 | {64 * 1 * 3 * 3:,} | {64 * 56 * 56 * 9:,} |"
        in page
    )
    assert f"| `bn1` | batch_norm | 64×56×56 | {2 * 64:,} | 0 |" in page
    assert "the\n`conv` and `fc` layers count them" in page
    assert "depthwise" in page and "`groups`" in page


def test_a_forgotten_inputs_is_shown_with_the_loaders_warning(page: str) -> None:
    path = f"docs/architectures/{examples.BRANCHES_NAME}.yml"
    line = examples.BRANCHES.splitlines().index(
        next(x for x in examples.BRANCHES.splitlines() if "name: shortcut" in x)
    )
    assert (
        f"warning: {path}:{line + 1}: layer 'shortcut': it has no 'inputs', so it reads the layer "
        "before it, 'bn2', which 'add' also reads" in page
    )
    assert "`inputs: [input]`" in page


def test_the_page_is_the_same_at_every_build(page: str) -> None:
    assert contributing.contributing_page(build_site_model([]).examples) == page


def test_descriptions_become_safe_markdown() -> None:
    assert contributing.describe("a <b>bold</b> `x<y>` [link](javascript:x)") == (
        "a &lt;b&gt;bold&lt;/b&gt; `x<y>` &#91;link&#93;(javascript:x)"
    )
    with pytest.raises(ValueError, match="inline code"):
        contributing.code("a | b")
    assert contributing.fenced("x ``` y") == "````\nx ``` y\n````"


def test_the_field_index_links_every_field_to_its_row(page: str) -> None:
    """A contributor finds a field by its name: the index lists each once, linked to every row
    of that name, and each row has the id the link names."""
    start = page.index('<div class="field-index"')
    index = page[start : page.index("</div>", start)]
    names = re.findall(r"^- `([a-z_]+)`:", index, flags=re.M)
    assert names == sorted(set(names))
    links = re.findall(r"\]\(#([a-z-]+)\)", index)
    ids = set(re.findall(r'<span id="([a-z-]+)"></span>', page))
    assert links and set(links) == ids
    assert (
        "- `stride`: [conv](#layer-conv-stride), [max_pool, avg_pool](#layer-max-pool-stride)"
        in index
    )


def test_the_fields_every_layer_has_are_listed_once(page: str) -> None:
    assert page.count("**note** |") == 1
    assert page.count("**inputs** |") == 1
    folded = [s for s in contributing.reference(schema.spec_schema()) if s.collapsed and s.rows]
    assert page.count('<details class="spec-fields" markdown>') == len(folded) > 5
