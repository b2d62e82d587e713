"""The hypothesis finder: what a stated number could count, and when nothing explains it.

The paper's Figure 2 caption gives conv1 253,440 neurons, but the spec computes 96 × 55 × 55 =
290,400 (cuda-convnet rounds (224 − 11) / 4 + 1 = 54.25 up to 55). The finder only keeps
explanations that reproduce a number exactly, ranked by how few assumptions they change.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from generator.analysis.hypotheses import Cause, Hypothesis, explain, plain_value
from generator.core.results import Analysis
from generator.spec.models import Quantity
from tests.helpers import run_cli

PAPER = "alexnet-2012"


def explain_json(*args: str) -> dict[str, Any]:
    result = run_cli("explain", *args, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def expressions(found: tuple[Hypothesis, ...]) -> list[str]:
    return [h.expression for h in found]


def test_253440_is_figure_2s_towers_with_48_written_for_55() -> None:
    """Figure 2 draws conv1 as two towers of 48 maps of 55 × 55: 2 × 48 × 55 × 55 = 290,400.

    Write one 55 as the 48 beside it and the product is 2 × 48 × 48 × 55 = 253,440, the caption's
    number exactly: one slip of the pen, no other assumption changed.
    """
    data = explain_json("253440", "--arch", PAPER, "--layer", "conv1")
    top = [h["expression"] for h in data["hypotheses"][:3]]
    assert "2 × 48 × 48 × 55" in top
    slip = next(h for h in data["hypotheses"] if h["expression"] == "2 × 48 × 48 × 55")
    assert slip["factors"] == [2, 48, 48, 55]
    assert len(slip["changes"]) == 1


def test_the_copied_48_ranks_before_a_48_from_elsewhere(analyses: dict[str, Analysis]) -> None:
    """96 × 48 × 55 is the same product, but 48 does not appear in 96 × 55 × 55: a slip that
    repeats a number standing in the product is the likelier one."""
    found = explain(analyses[PAPER], 253_440, "conv1")
    assert expressions(found)[:2] == ["2 × 48 × 48 × 55", "96 × 48 × 55"]
    assert all(h.cause is Cause.SLIP for h in found[:2])


def test_290400_is_the_plain_computation(analyses: dict[str, Analysis]) -> None:
    """96 channels × 55 × 55 positions = 290,400, changing nothing."""
    found = explain(analyses[PAPER], 290_400, "conv1")
    assert found[0].expression == "96 × 55 × 55"
    assert found[0].changes == ()
    assert found[0].cause is Cause.PLAIN


def test_conv2s_186624_is_the_plain_computation(analyses: dict[str, Analysis]) -> None:
    """The caption's conv2 number is 256 × 27 × 27 = 186,624, exactly as computed."""
    found = explain(analyses[PAPER], 186_624, "conv2")
    assert found[0].expression == "256 × 27 × 27"
    assert found[0].changes == ()


def test_a_made_up_number_gets_no_hypothesis(analyses: dict[str, Analysis]) -> None:
    """123,457 is prime: no product of the spec's sizes makes it, and nothing is forced."""
    assert explain(analyses[PAPER], 123_457, "conv1") == ()


def test_the_slides_630_million_connections_stay_unexplained(
    analyses: dict[str, Analysis],
) -> None:
    """The network has 724,406,816 multiply-accumulates; no hypothesis gives 630,000,000."""
    assert explain(analyses[PAPER], 630_000_000, None, Quantity.MACS) == ()


def test_the_abstracts_650000_neurons_is_not_reproduced_exactly(
    analyses: dict[str, Analysis],
) -> None:
    """659,272 computed; 650,000 is a round figure and no exact hypothesis makes it."""
    assert plain_value(analyses[PAPER], None, Quantity.NEURONS) == 659_272
    assert explain(analyses[PAPER], 650_000) == ()


@pytest.mark.parametrize(
    ("number", "layer", "quantity", "expression", "cause"),
    [
        # One tower of two: 48 × 55 × 55 = 145,200.
        (145_200, "conv1", Quantity.NEURONS, "48 × 55 × 55", Cause.TOWERS),
        # Counted after pool1: 96 × 27 × 27 = 69,984.
        (69_984, "conv1", Quantity.NEURONS, "96 × 27 × 27", Cause.NEIGHBOUR),
        # Rounded down as PyTorch does: ⌊54.25⌋ = 54, 96 × 54 × 54 = 279,936.
        (279_936, "conv1", Quantity.NEURONS, "96 × 54 × 54", Cause.GEOMETRY),
        # A 232-pixel input: (232 − 11) / 4 + 1 = 56.25 → 57, and 96 × 57 × 57 = 311,904.
        (311_904, "conv1", Quantity.NEURONS, "96 × 57 × 57", Cause.GEOMETRY),
        # 96 kernels of 3 × 11 × 11 weights, without their biases: 96 × 3 × 11 × 11 = 34,848.
        (34_848, "conv1", Quantity.PARAMS, "96 × 3 × 11 × 11", Cause.BIASES),
    ],
)
def test_one_changed_assumption(
    analyses: dict[str, Analysis],
    number: int,
    layer: str,
    quantity: Quantity,
    expression: str,
    cause: Cause,
) -> None:
    """Each cause on its own: the best hypothesis changes exactly one assumption."""
    best = explain(analyses[PAPER], number, layer, quantity)[0]
    assert (best.expression, best.cause, len(best.changes)) == (expression, cause, 1)


def test_a_transposition_of_a_computed_value(analyses: dict[str, Analysis]) -> None:
    """209,400 is 290,400 with its second and third digits swapped."""
    (found,) = explain(analyses[PAPER], 209_400, "conv1")
    assert found.cause is Cause.TRANSPOSITION
    assert found.expression == "96 × 55 × 55 = 290400 → 209400"
    assert found.factors == (209_400,)


def test_the_captions_numbers_summed(analyses: dict[str, Analysis]) -> None:
    """253,440 + 186,624 + 64,896 + 64,896 + 43,264 + 4096 + 4096 + 1000 = 622,312: the network
    total with the same slip in conv1's term."""
    found = explain(analyses[PAPER], 622_312)
    assert found[0].expression.startswith("2 × 48 × 48 × 55 + 186624 + ")
    assert found[0].factors == (622_312,)


@pytest.mark.parametrize(
    ("number", "layer", "quantity"),
    [
        (253_440, "conv1", Quantity.NEURONS),
        (290_400, "conv1", Quantity.NEURONS),
        (145_200, "conv1", Quantity.NEURONS),
        (186_624, "conv2", Quantity.NEURONS),
        (209_400, "conv1", Quantity.NEURONS),
        (659_272, None, Quantity.NEURONS),
        (622_312, None, Quantity.NEURONS),
        (60_954_656, None, Quantity.PARAMS),
        (34_944, "conv1", Quantity.PARAMS),
        (105_415_200, "conv1", Quantity.MACS),
    ],
)
def test_every_hypothesis_reproduces_the_number(
    analyses: dict[str, Analysis], number: int, layer: str | None, quantity: Quantity
) -> None:
    """Factors multiply to the number; fewer changes never rank below more; no repeats."""
    found = explain(analyses[PAPER], number, layer, quantity)
    assert found
    assert all(math.prod(h.factors) == number for h in found)
    changes = [len(h.changes) for h in found]
    assert changes == sorted(changes)
    assert len(set(expressions(found))) == len(found)


@pytest.mark.slow
def test_every_computed_count_is_its_own_first_hypothesis(
    analyses: dict[str, Analysis],
) -> None:
    """On every shipped spec, a layer's computed count is explained first by changing nothing.

    The input, the total, and the first and last layers that count neurons: every layer of the
    deep successors would rerun the finder a hundred times over (minutes, not seconds).
    """
    for analysis in analyses.values():
        counting = [r.name for r in analysis.layers if r.counts_as_neurons]
        for layer in ("input", None, *dict.fromkeys([counting[0], counting[-1]])):
            value = plain_value(analysis, layer, Quantity.NEURONS)
            assert explain(analysis, value, layer)[0].changes == (), (analysis.name, layer)


def test_bad_questions_raise(analyses: dict[str, Analysis]) -> None:
    with pytest.raises(KeyError):
        explain(analyses[PAPER], 1, "conv9")
    with pytest.raises(ValueError, match="negative"):
        explain(analyses[PAPER], -1, "conv1")
    with pytest.raises(ValueError, match="not a count"):
        explain(analyses[PAPER], 1, "conv1", Quantity.SHAPE)


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.slow
def test_explain_json_shape() -> None:
    """``{"number": N, "hypotheses": [{"expression", "factors", "explanation", "changes"}]}``."""
    data = explain_json("290,400", "--arch", PAPER, "--layer", "conv1")
    assert data["number"] == 290_400
    assert data["computed"] == 290_400
    first = data["hypotheses"][0]
    assert {"expression", "factors", "explanation", "changes"} <= set(first)
    assert first["expression"] == "96 × 55 × 55"
    assert first["factors"] == [96, 55, 55]
    assert first["changes"] == []
    assert isinstance(first["explanation"], str) and first["explanation"].endswith(".")


def test_explain_prints_a_ranked_list() -> None:
    result = run_cli("explain", "253440", "--arch", PAPER, "--layer", "conv1")
    assert result.returncode == 0, result.stderr
    assert "Stated by paper: “253,440–186,624–" in result.stdout
    assert "Verdict: explained. If conv1's height were written as 48 instead of 55" in result.stdout
    assert "  1. 2 × 48 × 48 × 55\n" in result.stdout


@pytest.mark.slow
def test_explain_says_when_nothing_explains_the_number() -> None:
    """The slides' 630 million connections: only the network without its fc layers, read with
    M = 1,024², gives it, a coincidence (two changes, and nothing else the slides state is
    read so)."""
    result = run_cli("explain", "630000000", "--arch", PAPER, "--quantity", "macs")
    assert result.returncode == 0, result.stderr
    assert "Verdict: unexplained." in result.stdout
    data = explain_json("630000000", "--arch", PAPER, "--quantity", "macs")
    assert (data["verdict"], data["hypotheses"]) == ("unexplained", [])
    assert data["coincidences"][0]["why"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1", "--arch", "no-such-net"), "no such spec file"),
        (("1", "--arch", PAPER, "--layer", "conv9"), "has no layer named 'conv9'"),
        (("12x", "--arch", PAPER), "expected a count such as 253440"),
        (("2.7", "--arch", PAPER), "expected a count such as 253440"),
    ],
)
def test_explain_rejects_bad_input_without_a_traceback(args: tuple[str, ...], message: str) -> None:
    result = run_cli("explain", *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
