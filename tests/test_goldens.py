"""Golden files: the page and the figure of one small spec, kept as committed files.

Any change to what the generator writes for ``tests/goldens/tiny.yml`` fails here until the
golden files are regenerated with ``pytest --update-goldens tests/test_goldens.py``; the change
then shows as a diff of ``tests/goldens/`` in review, to be read like any other change.

The spec's numbers, worked out by hand (they are what the golden page must show):

- input 4×12×12 = 576 values;
- conv1, 6 kernels of 3×3, padding 1, 2 groups: (12 + 2·1 − 3) / 1 + 1 = 12, output 6×12×12 =
  864 neurons; each kernel reads 4 / 2 = 2 channels, so 6·2·3·3 = 108 weights + 6 biases = 114
  parameters and 864 · 2·3·3 = 15,552 multiply-accumulates;
- pool1, max 3×3 stride 2: (12 − 3) / 2 + 1 = 5.5, rounded down to 5, output 6×5×5 = 150; the
  windows cover (5 − 1)·2 + 3 = 11 of the 12 pixels, so 1 is unused (the "do not tile" table);
- fc, 10 outputs of the 150 flattened values: 150·10 = 1,500 weights + 10 biases = 1,510
  parameters and 1,500 multiply-accumulates;
- totals: 864 + 10 = 874 neurons, 114 + 1,510 = 1,624 parameters (= 1,608 weights + 16 biases),
  15,552 + 1,500 = 17,052 multiply-accumulates; the spec states 1,624 parameters and pool1's
  6×5×5, both "matches" in the audit section;
- values computed (every layer's output, passthroughs included): 864 (conv1) + 864 (relu1) +
  150 (pool1) + 150 (flatten) + 10 (fc) + 10 (softmax) = 2,048.

The figure is stored indented (one value a line) so that its diff is readable; the test also
checks that the generated file is exactly that data in compact form, so its bytes are pinned too.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from generator.render import templating
from tests.helpers import GOLDENS, generated_files, load_spec

NAME = "tiny"
SPEC = GOLDENS / f"{NAME}.yml"
PAGE = GOLDENS / f"{NAME}.md"
FIGURE = GOLDENS / f"{NAME}.figure.json"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return generated_files([load_spec(SPEC)])


def compare(golden: Path, actual: str, update: bool) -> None:
    """``actual`` must equal ``golden`` byte for byte; with ``--update-goldens``, it becomes it."""
    data = actual.encode("utf-8")
    if update:
        golden.write_bytes(data)
        return
    assert golden.is_file(), f"{golden} is missing: run `pytest --update-goldens` to create it"
    expected = golden.read_bytes()
    if data == expected:
        return
    diff = "".join(
        difflib.unified_diff(
            expected.decode("utf-8").splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{golden.relative_to(GOLDENS.parent.parent)} (committed)",
            tofile=f"{golden.name} (generated now)",
        )
    )
    pytest.fail(
        f"The generated output differs from {golden.name}. If the change is intended, run\n"
        f"    pytest --update-goldens tests/test_goldens.py\n"
        f"and commit the new golden file with the change.\n\n{diff or '(differs in bytes only)'}",
        pytrace=False,
    )


def test_the_page_is_its_golden_file(files: dict[str, str], update_goldens: bool) -> None:
    """The whole Markdown page of the tiny spec: tables, formulas, audit, script and sources."""
    compare(PAGE, files[templating.page_path(NAME)], update_goldens)


def test_the_figure_is_its_golden_file(files: dict[str, str], update_goldens: bool) -> None:
    """The 3D figure's data: one box per drawn layer (input, conv1, pool1, fc) and its kernel."""
    generated = files[templating.data_path(NAME, "figure.json")]
    data = json.loads(generated)
    compact = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    assert generated == compact, "the figure is no longer compact JSON: its size on the site grows"
    compare(FIGURE, json.dumps(data, indent=1, ensure_ascii=False) + "\n", update_goldens)


def test_the_golden_page_shows_the_hand_worked_numbers() -> None:
    """The committed page itself says what the module docstring works out by hand.

    Without this, ``--update-goldens`` could bless a wrong page: the golden must still be right.
    """
    page = PAGE.read_text(encoding="utf-8")
    for row in (
        "| Input (channels × height × width) | 4×12×12 = 576 values |",
        "| Neurons (outputs of conv and fc layers) | 874 |",
        "| Parameters (weights + biases) | 1,624 = 1,608 + 16 |",
        "| Multiply-accumulates per image | 17,052 |",
        "<td><strong>conv1</strong></td> <td>conv 3×3 p1 g2</td> <td>6×12×12</td> "
        "<td>(12 + 2·1 − 3) / 1 + 1 = 12</td> <td>864</td> <td>114</td> <td>15,552</td>",
        "<td><strong>pool1</strong></td> <td>max_pool 3×3 s2</td> <td>6×5×5</td> "
        "<td>(12 − 3) / 2 + 1 = 5.5 → ⌊5.5⌋ = 5</td> <td>—</td> <td>—</td> <td>—</td>",
        "<td><strong>fc</strong></td> <td>fc</td> <td>10</td> <td></td> <td>10</td> <td>1,510</td> "
        "<td>1,500</td>",
        "| Values computed per image (all layer outputs) | 2,048 |",
        "<td><strong>Total</strong></td> <td></td> <td></td> <td></td> <td><strong>874</strong></td> "
        "<td><strong>1,624</strong></td> <td><strong>17,052</strong></td>",
        "| **pool1** | 12 | 11 | 1 | 0 |",
    ):
        assert row in page, row
    assert page.count("<strong>matches</strong></td>") == 2
