"""The two notebooks a run leaves in its output folder (written with nbformat, not executed).

- ``data_exploration.ipynb``: the data's shape, column types as the run read them, missing
  values, the target's distribution, numeric summaries and correlations with the target.
- ``candidate_definition.ipynb``: the chosen candidate's recipe (split, column types,
  preprocessing, family and hyperparameters) and cells that retrain that exact pipeline and
  print its validation score next to the leaderboard's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat import v4


def _notebook(cells: list[Any]) -> Any:
    nb = v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _load_cell(data_path: str) -> str:
    return (
        "import pandas as pd\n"
        "from jupyter_studio.core.automl.validate import load_table\n\n"
        f"DATA = {data_path!r}\n"
        "frame = load_table(DATA)\n"
        "frame.shape"
    )


def data_exploration_notebook(result: Any, data_path: str, path: Path) -> Path:
    """Write the data-exploration notebook for ``result`` trained on ``data_path``."""
    summary = result.summary()
    target = summary["target"]
    cells = [
        v4.new_markdown_cell(
            f"# Data exploration: `{Path(data_path).name}`\n\n"
            f"Target **{target}**: {summary['problem_type']} ({summary['problem_type_reason']})"
        ),
        v4.new_code_cell(_load_cell(data_path)),
        v4.new_markdown_cell("## Column types as the AutoML run read them"),
        v4.new_code_cell(
            "types = " + json.dumps(summary["feature_types"], indent=1) + "\n"
            "reasons = " + json.dumps(summary["feature_type_reasons"], indent=1) + "\n"
            "dropped = " + json.dumps(summary["dropped_columns"], indent=1) + "\n"
            "pd.DataFrame({'type': types, 'why': reasons})"
        ),
        v4.new_code_cell("dropped"),
        v4.new_markdown_cell("## Missing values"),
        v4.new_code_cell(
            "missing = frame.isna().mean().sort_values(ascending=False)\n"
            "missing[missing > 0].to_frame('missing share')"
        ),
        v4.new_markdown_cell("## The target"),
        v4.new_code_cell(
            f"target = frame[{target!r}]\n"
            + (
                "target.describe()"
                if summary["problem_type"] == "regression"
                else "target.value_counts(dropna=False).to_frame('rows')"
            )
        ),
        v4.new_markdown_cell("## Numeric columns"),
        v4.new_code_cell("frame.describe().T"),
        v4.new_markdown_cell("## Correlation of numeric columns with the target"),
        v4.new_code_cell(
            "numeric = frame.select_dtypes('number')\n"
            f"if {target!r} in numeric:\n"
            f"    display_ = numeric.corr()[{target!r}].drop({target!r}).sort_values()\n"
            "else:\n"
            f"    codes = target.astype('category').cat.codes\n"
            "    display_ = numeric.corrwith(codes).sort_values()\n"
            "display_.to_frame('correlation')"
        ),
        v4.new_markdown_cell("## Categorical columns: distinct values"),
        v4.new_code_cell(
            "frame.select_dtypes(exclude='number').nunique().sort_values().to_frame('distinct')"
        ),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(_notebook(cells), str(path))
    return path


def candidate_notebook(
    result: Any, data_path: str, path: Path, candidate: str | None = None, validation: Any = None
) -> Path:
    """Write the notebook whose cells retrain ``candidate`` (default: the best) exactly."""
    from .retrain import candidate_recipe

    recipe = candidate_recipe(result, candidate)
    specs = recipe["specs"]
    lines = [
        f"| {s['name']} | {s['family']} | level {s['level']} | `{json.dumps(s['params'])}` |"
        for s in specs
    ]
    cells = [
        v4.new_markdown_cell(
            f"# Candidate `{recipe['candidate']}`\n\n"
            f"Objective: **{recipe['objective_metric']}** = {recipe['score']} on validation "
            f"({result.validation_reason})\n\n"
            "The cells below retrain this exact pipeline: the same split, column types, "
            "preprocessing (fitted inside each fold), model families and hyperparameters.\n\n"
            "| candidate | family | level | hyperparameters |\n|---|---|---|---|\n"
            + "\n".join(lines)
        ),
        v4.new_code_cell(_load_cell(data_path)),
        v4.new_code_cell(
            "import json\n\n"
            f"recipe = json.loads({json.dumps(json.dumps(recipe, default=str))})\n"
            "recipe['weights']"
        ),
        v4.new_markdown_cell(
            "Preprocessing per family: LightGBM/XGBoost take native categories, CatBoost its own "
            "category encoding, forests ordinal codes with target encoding for high cardinality, "
            "linear/kNN/neural network scaled numbers with one-hot or target-encoded categories; "
            "text becomes TF-IDF, dates their parts (`jupyter_studio.core.automl.preprocess`)."
        ),
        v4.new_code_cell(
            "from jupyter_studio.core.automl.retrain import retrain\n\n"
            + (
                f"VALIDATION = {validation!r}\n"
                if validation is not None
                else "VALIDATION = None\n"
            )
            + "retrained = retrain(frame if VALIDATION is None else DATA, recipe, validation=VALIDATION)\n"
            "print(f\"{retrained['objective_metric']}: retrained {retrained['score']:.6f}, "
            "leaderboard {recipe['score']:.6f}\")"
        ),
        v4.new_markdown_cell("The retrained model predicts raw rows:"),
        v4.new_code_cell("retrained['model'].predict(frame.head())"),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(_notebook(cells), str(path))
    return path
