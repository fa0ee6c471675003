"""Evaluation metrics of the model hub, in plain Python (no torch, no network).

Generation: exact match, token F1 (SQuAD-style normalisation) and ROUGE-L F-measure (longest
common subsequence over normalised tokens, written here: the ``rouge-score`` package has no wheel
and pulls nltk). Classification: accuracy and macro F1 (scikit-learn). Robustness: seeded
perturbations (typos, case, whitespace) whose metric change is reported. Refusal rate: a keyword
scorer (phrases such as "I can't help with", "as an AI") that needs no model, so it runs offline.
No toxicity scorer ships offline, so none is claimed.
"""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "PERTURBATIONS",
    "REFUSAL_PATTERNS",
    "accuracy",
    "classification_metrics",
    "comparison_chart",
    "exact_match",
    "generation_metrics",
    "is_refusal",
    "macro_f1",
    "normalize_text",
    "perturb",
    "refusal_rate",
    "rouge_l",
    "token_f1",
]

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCT = set(string.punctuation)


def normalize_text(text: str) -> str:
    """Lower case, no punctuation, no articles, single spaces (SQuAD's normalisation)."""
    text = str(text).lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return normalize_text(text).split()


def exact_match(prediction: str, reference: str) -> float:
    """1.0 when both texts are equal after :func:`normalize_text`, else 0.0."""
    return float(normalize_text(prediction) == normalize_text(reference))


def token_f1(prediction: str, reference: str) -> float:
    """F1 of the bag of normalised tokens shared by prediction and reference."""
    pred, ref = _tokens(prediction), _tokens(reference)
    if not pred and not ref:
        return 1.0
    if not pred or not ref:
        return 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (dynamic programming, O(len(a)·len(b)))."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F-measure (β = 1) over normalised tokens."""
    pred, ref = _tokens(prediction), _tokens(reference)
    if not pred and not ref:
        return 1.0
    if not pred or not ref:
        return 0.0
    lcs = _lcs_length(pred, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(pred), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


#: Phrases that mark an answer as a refusal (matched case-insensitively).
REFUSAL_PATTERNS: tuple[str, ...] = (
    r"\bi can(?:no|')t (?:help|assist|do|provide|answer|comply)",
    r"\bi(?: am|'m) (?:not able|unable) to\b",
    r"\bi(?: am|'m) sorry,? but\b",
    r"\bi won'?t be able to\b",
    r"\bas an ai\b",
    r"\bi do not feel comfortable\b",
    r"\bi must decline\b",
)
_REFUSAL = re.compile("|".join(REFUSAL_PATTERNS), re.IGNORECASE)


def is_refusal(text: str) -> bool:
    """True when the text matches one of :data:`REFUSAL_PATTERNS`."""
    return bool(_REFUSAL.search(str(text).replace("\u2019", "'")))


def refusal_rate(texts: Sequence[str]) -> float:
    """Share of texts that :func:`is_refusal` flags (0.0 for no texts)."""
    return sum(is_refusal(t) for t in texts) / len(texts) if texts else 0.0


def _mean(values: Sequence[float]) -> float:
    return float(sum(values) / len(values)) if values else 0.0


def generation_metrics(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean exact match, token F1, ROUGE-L and the refusal rate of generated answers."""
    if len(predictions) != len(references):
        raise ValueError("predictions and references differ in length")
    pairs = list(zip(predictions, references, strict=True))
    return {
        "exact_match": _mean([exact_match(p, r) for p, r in pairs]),
        "token_f1": _mean([token_f1(p, r) for p, r in pairs]),
        "rouge_l": _mean([rouge_l(p, r) for p, r in pairs]),
        "refusal_rate": refusal_rate(list(predictions)),
    }


def accuracy(predictions: Sequence[Any], labels: Sequence[Any]) -> float:
    """Share of predictions equal to their label."""
    from sklearn.metrics import accuracy_score

    return float(accuracy_score([str(x) for x in labels], [str(x) for x in predictions]))


def macro_f1(predictions: Sequence[Any], labels: Sequence[Any]) -> float:
    """F1 averaged over the labels that occur in either list (scikit-learn, no warning on 0/0)."""
    from sklearn.metrics import f1_score

    return float(
        f1_score(
            [str(x) for x in labels],
            [str(x) for x in predictions],
            average="macro",
            zero_division=0,
        )
    )


def classification_metrics(predictions: Sequence[Any], labels: Sequence[Any]) -> dict[str, float]:
    """Accuracy and macro F1."""
    return {"accuracy": accuracy(predictions, labels), "macro_f1": macro_f1(predictions, labels)}


# ----------------------------------------------------------------- perturbations
_KEYBOARD = "abcdefghijklmnopqrstuvwxyz"


def _typos(text: str, rng: random.Random, rate: float = 0.1) -> str:
    """Swap, drop or replace letters in about ``rate`` of the words longer than three letters."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) > 3 and rng.random() < max(rate, 0.0):
            j = rng.randrange(1, len(word) - 1)
            action = rng.choice(("swap", "drop", "replace"))
            if action == "swap":
                word = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]
            elif action == "drop":
                word = word[:j] + word[j + 1 :]
            else:
                word = word[:j] + rng.choice(_KEYBOARD) + word[j + 1 :]
            words[i] = word
    return " ".join(words)


def _case(text: str, rng: random.Random) -> str:
    """Upper, lower or swapped case, picked per text."""
    return rng.choice((str.upper, str.lower, str.swapcase))(text)


def _whitespace(text: str, rng: random.Random) -> str:
    """Extra spaces between words and around the text."""
    words = text.split()
    spaced = "".join(word + " " * rng.randint(1, 3) for word in words)
    return " " * rng.randint(0, 2) + spaced.rstrip() + "  "


#: Named perturbations: ``(text, rng) -> text``.
PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "typos": lambda text, rng: _typos(text, rng, 0.25),
    "case": _case,
    "whitespace": _whitespace,
}


def perturb(texts: Sequence[str], kind: str, seed: int = 0) -> list[str]:
    """The texts with one perturbation applied; the same seed gives the same texts."""
    if kind not in PERTURBATIONS:
        raise ValueError(f"unknown perturbation {kind!r}: one of {', '.join(PERTURBATIONS)}")
    rng = random.Random(f"{kind}:{seed}")
    return [PERTURBATIONS[kind](str(t), rng) for t in texts]


# ----------------------------------------------------------------- chart
def comparison_chart(rows: Sequence[dict[str, Any]], title: str = "Model comparison") -> dict:
    """A Vega-Lite grouped bar chart: one group per metric, one bar per model.

    ``rows`` are ``{model, metric, value, perturbation?}``; rows of perturbed data are shown as
    separate series (``model · perturbation``) so the robustness drop is visible.
    """
    values = []
    for row in rows:
        perturbation = row.get("perturbation")
        series = f"{row['model']} · {perturbation}" if perturbation else str(row["model"])
        values.append(
            {
                "model": str(row["model"]),
                "series": series,
                "metric": str(row["metric"]),
                "value": float(row["value"]),
                "perturbation": perturbation or "none",
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "metric", "type": "nominal", "title": "Metric"},
            "xOffset": {"field": "series", "type": "nominal"},
            "y": {"field": "value", "type": "quantitative", "title": "Value"},
            "color": {"field": "series", "type": "nominal", "title": "Model"},
            "tooltip": [
                {"field": "model", "type": "nominal"},
                {"field": "metric", "type": "nominal"},
                {"field": "perturbation", "type": "nominal"},
                {"field": "value", "type": "quantitative", "format": ".3f"},
            ],
        },
        "width": {"step": 24},
    }
