"""Unit tests of the model hub's evaluation metrics."""

from __future__ import annotations

import pytest

from jupyter_studio.core.modelhub import metrics


def test_exact_match_normalises_case_punctuation_and_articles() -> None:
    assert metrics.exact_match("The Paris!", "paris") == 1.0
    assert metrics.exact_match("Paris", "London") == 0.0


def test_token_f1_counts_shared_tokens() -> None:
    assert metrics.token_f1("red green", "red blue") == pytest.approx(0.5)
    assert metrics.token_f1("", "") == 1.0
    assert metrics.token_f1("x", "") == 0.0
    # repeated tokens count as often as they occur in both
    assert metrics.token_f1("a cat cat", "cat") == pytest.approx(2 * (1 / 2) * 1 / (1 / 2 + 1))


def test_rouge_l_uses_the_longest_common_subsequence() -> None:
    # LCS of "police killed gunman" and "police kill the gunman" (articles dropped) = 2
    value = metrics.rouge_l("police killed the gunman", "police kill the gunman")
    p, r = 2 / 3, 2 / 3
    assert value == pytest.approx(2 * p * r / (p + r))
    assert metrics.rouge_l("one two three", "one two three") == 1.0
    assert metrics.rouge_l("one", "two") == 0.0
    # order matters, unlike token F1
    assert metrics.rouge_l("c b a", "a b c") < metrics.token_f1("c b a", "a b c")


def test_generation_metrics_and_refusals() -> None:
    values = metrics.generation_metrics(
        ["positive", "I'm sorry, but I can't help with that."], ["positive", "negative"]
    )
    assert values["exact_match"] == 0.5
    assert values["refusal_rate"] == 0.5
    assert metrics.is_refusal("As an AI, I cannot do that")
    assert not metrics.is_refusal("The answer is 42.")
    with pytest.raises(ValueError):
        metrics.generation_metrics(["a"], [])


def test_classification_metrics() -> None:
    values = metrics.classification_metrics(["a", "b", "b", "c"], ["a", "b", "c", "c"])
    assert values["accuracy"] == 0.75
    # per class F1: a 1, b 2/3, c 2/3
    assert values["macro_f1"] == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)


@pytest.mark.parametrize("kind", sorted(metrics.PERTURBATIONS))
def test_perturbations_are_seeded_and_change_the_text(kind: str) -> None:
    texts = ["The delivery arrived late and the box was damaged", "Great product, works well"]
    first = metrics.perturb(texts, kind, seed=3)
    assert first == metrics.perturb(texts, kind, seed=3)
    assert first != texts
    assert len(first) == len(texts)
    if kind != "typos":  # case and spacing keep the words
        assert [t.lower().split() for t in first] == [t.lower().split() for t in texts]
    with pytest.raises(ValueError):
        metrics.perturb(texts, "nope")


def test_comparison_chart_is_vega_lite_with_one_series_per_model_and_perturbation() -> None:
    rows = [
        {"model": "base", "metric": "accuracy", "value": 0.4},
        {"model": "tuned", "metric": "accuracy", "value": 0.9},
        {"model": "tuned", "metric": "accuracy", "value": 0.8, "perturbation": "typos"},
    ]
    spec = metrics.comparison_chart(rows)
    assert spec["$schema"].endswith("vega-lite/v5.json")
    series = {v["series"] for v in spec["data"]["values"]}
    assert series == {"base", "tuned", "tuned · typos"}
