"""The load test's think time (benchmarks/think.py): the bounds between which a simulated user waits."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from think import think_range, think_text


@pytest.mark.parametrize(
    ("text", "bounds"),
    [("2-8", (2.0, 8.0)), (" 0.5 - 1.5 ", (0.5, 1.5)), ("5", (2.5, 7.5)), ("0", (0.0, 0.0)), ("3-3", (3.0, 3.0))],
)
def test_bounds(text: str, bounds: tuple[float, float]) -> None:
    assert think_range(text) == bounds


@pytest.mark.parametrize("text", ["8-2", "-1", "2-", "a", "", "1-900"])
def test_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"think time|could not convert"):
        think_range(text)


def test_text() -> None:
    assert think_text("0") == "none"
    assert think_text("2-8") == "2–8 s"
    assert think_text("5") == "2.5–7.5 s"


def test_the_options_of_the_load_test() -> None:
    """`--think` is checked, and the steps without think time that give the throughput ratio are 1 and 10 users."""
    import load

    args = load.parse([])
    assert args.think == "2-8"
    assert args.saturation_list == [1, 10]
    assert load.parse(["--think", "0", "--saturation-steps", ""]).saturation_list == []
    with pytest.raises(SystemExit):
        load.parse(["--think", "8-2"])


def test_the_ratio_comes_from_the_saturation_steps() -> None:
    import load

    result = load.DatabaseLoad(database="postgresql")
    result.steps = [load.Step(users=1, seconds=60, rps=0.2), load.Step(users=10, seconds=60, rps=2.0)]
    assert load._ratio(result, 10) == "×10.00"
    result.saturation = [load.Step(users=1, seconds=60, rps=10.0), load.Step(users=10, seconds=60, rps=19.0)]
    assert load._ratio(result, 10) == "×1.90"
