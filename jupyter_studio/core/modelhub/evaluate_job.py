"""The ``evaluate`` job kind: score models on a labelled file and compare them.

Classification: accuracy and macro F1; generation: exact match, token F1, ROUGE-L and the
refusal rate (keyword scorer, :mod:`.metrics`). With ``perturbations`` every metric is also
computed on typo, case and whitespace perturbations of the inputs (seeded), with its change from
the clean value (``<metric>_change``). Each model becomes one MLflow run in the experiment
``modelhub/evaluate``; ``evaluation.json`` is rewritten after each model, so a panel shows the
rows as they come.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from ..jobs.context import JobContext
from ..jobs.errors import JobFailed
from ..jobs.kinds import JobKind, PrepareContext
from .evaluate import (
    EVALUATION_FILE,
    EvaluateParameters,
    ModelRef,
    hub_model,
    parse_model_ref,
)
from .finetune import check_columns, load_rows, model_cache_root, require_license
from .worker_studio import facade_settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EvaluateJob"]

EXPERIMENT = "modelhub/evaluate"


def _columns(params: EvaluateParameters) -> dict[str, str]:
    if params.task == "classification":
        return {"text_column": params.text_column, "label_column": params.label_column}
    return {
        "instruction_column": params.instruction_column,
        "response_column": params.response_column,
    }


class EvaluateJob(JobKind[EvaluateParameters]):
    """Evaluate and compare model hub models, registered versions or endpoints."""

    name = "evaluate"
    title = "Evaluate models"
    description = (
        "Scores one or more models on a labelled CSV or Parquet file (accuracy and macro F1, or "
        "exact match, token F1, ROUGE-L and refusal rate), optionally under typo, case and "
        "whitespace perturbations; writes a comparison table and chart and logs runs."
    )
    Parameters = EvaluateParameters

    def default_name(self, params: EvaluateParameters) -> str:
        return f"evaluate-{Path(params.data).stem}"[:60]

    # ------------------------------------------------------------------ server
    def prepare(self, params: EvaluateParameters, context: PrepareContext) -> dict[str, Any]:
        if "{label}" not in params.zero_shot_template:
            raise InvalidInput(
                "zero_shot_template must contain {label}.",
                code="invalid_template",
                detail=[{"loc": ["parameters", "zero_shot_template"], "msg": "no {label}"}],
            )
        if len(set(params.models)) != len(params.models):
            raise InvalidInput(
                "A model is listed twice in models: list each once.", code="duplicate_models"
            )
        services = context.services
        models: list[dict[str, Any]] = []
        for raw in params.models:
            ref = parse_model_ref(raw, params.task)
            entry: dict[str, Any] = {"raw": raw, "kind": ref.kind, "name": ref.name}
            if ref.kind == "hub":
                require_license(services, context.caller, hub_model(ref), "evaluate")
            elif ref.kind == "registry":
                resolved = services.models.resolve_version(context.caller, ref.name, ref.version)
                entry.update(version=ref.version, model_dir=str(resolved.model_dir))
            else:
                services.endpoints.get(context.caller, ref.name)  # 404 / 403
            models.append(entry)
        data = context.scope.resolve(params.data, what="data file", must_exist=True, expect="file")
        frame = load_rows(data)
        check_columns(frame, _columns(params), name=f"The data file {params.data!r}", min_rows=1)
        out: dict[str, Any] = {
            "data": str(data),
            "models": models,
            "studio": facade_settings(services),
            "owner": context.caller.username,
        }
        domain_root = getattr(services, "domain_root", None)
        if domain_root:
            out["cache_root"] = str(model_cache_root(domain_root))
        return out

    # ------------------------------------------------------------------ worker
    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        say = context.log.studio
        out = context.output_dir
        out.mkdir(parents=True, exist_ok=True)
        frame = load_rows(Path(context.resolved["data"])).head(params.max_rows)
        inputs, references = _inputs_and_references(params, frame)
        labels = sorted(set(references))
        variants = _variants(params, inputs)
        rows: list[dict[str, Any]] = []
        entries = context.resolved["models"]
        total = len(entries) * len(variants)
        done = 0
        say(f"evaluating {len(entries)} model(s) on {len(inputs)} rows of {params.data}")
        for index, entry in enumerate(entries, start=1):
            context.check_stop()
            context.set_progress(done / total, f"loading {entry['raw']}")
            try:
                predictor = load_predictor(entry, params, labels, context.resolved)
            except Exception as exc:
                raise JobFailed(
                    f"Could not load {entry['raw']}: {type(exc).__name__}: {exc}"
                ) from None
            clean: dict[str, float] = {}
            logged: dict[str, float] = {}
            records: list[dict[str, Any]] = []
            for perturbation, texts in variants:
                context.check_stop()
                context.set_progress(
                    done / total, f"{entry['raw']}: {perturbation or 'clean'} inputs"
                )
                predictions = predictor(texts)
                values = score(params.task, predictions, references)
                rows += _metric_rows(entry["raw"], perturbation, values, clean, logged)
                records += [
                    {
                        "input": t,
                        "reference": r,
                        "prediction": p,
                        "perturbation": perturbation or "",
                    }
                    for t, r, p in zip(texts, references, predictions, strict=True)
                ]
                done += 1
            say(f"{entry['raw']}: " + ", ".join(f"{k}={v:.4f}" for k, v in clean.items()))
            _save_predictions(out / f"predictions-{index}.csv", entry["raw"], records)
            _log_run(context, params, entry["raw"], len(inputs), logged)
            _write_evaluation(out, params, rows, len(inputs), complete=False)
        _write_evaluation(out, params, rows, len(inputs), complete=True)
        context.set_progress(1.0, f"{len(entries)} model(s) evaluated")


def _inputs_and_references(
    params: EvaluateParameters, frame: pd.DataFrame
) -> tuple[list[str], list[str]]:
    """The texts given to the models and the answers expected, from the task's two columns."""
    if params.task == "classification":
        inputs = [str(x) for x in frame[params.text_column]]
        references = [str(x).strip() for x in frame[params.label_column]]
    else:
        inputs = [str(x) for x in frame[params.instruction_column]]
        references = [str(x) for x in frame[params.response_column]]
    return inputs, references


def _variants(params: EvaluateParameters, inputs: list[str]) -> list[tuple[str | None, list[str]]]:
    """The clean inputs (perturbation None), then each perturbed copy if perturbations are on."""
    from .metrics import PERTURBATIONS, perturb

    variants: list[tuple[str | None, list[str]]] = [(None, inputs)]
    if params.perturbations:
        variants += [(kind, perturb(inputs, kind, params.seed)) for kind in PERTURBATIONS]
    return variants


def _metric_rows(
    model: str,
    perturbation: str | None,
    values: dict[str, float],
    clean: dict[str, float],
    logged: dict[str, float],
) -> list[dict[str, Any]]:
    """The comparison rows of one model on one variant of the inputs.

    A clean variant records its values in ``clean``; a perturbed one adds, per metric, a
    ``<metric>_change`` row against the clean value. ``logged`` collects the MLflow metrics.
    """
    rows: list[dict[str, Any]] = []
    for metric, value in values.items():
        row: dict[str, Any] = {"model": model, "metric": metric, "value": value}
        if perturbation:
            row["perturbation"] = perturbation
            rows.append(row)
            rows.append(
                {
                    "model": model,
                    "metric": f"{metric}_change",
                    "value": value - clean[metric],
                    "perturbation": perturbation,
                }
            )
            logged[f"{metric}.{perturbation}"] = value
        else:
            clean[metric] = value
            logged[metric] = value
            rows.append(row)
    return rows


def _log_run(
    context: JobContext,
    params: EvaluateParameters,
    model: str,
    rows: int,
    logged: dict[str, float],
) -> None:
    """One MLflow run (experiment ``modelhub/evaluate``) with a model's metrics."""
    from .run_log import RunLog

    run_log = RunLog(
        context.resolved.get("tracking_environment"),
        EXPERIMENT,
        f"{model} on {Path(params.data).name}",
        params={
            "model": model,
            "task": params.task,
            "data": params.data,
            "rows": rows,
            "perturbations": params.perturbations,
        },
        tags={"modelhub.model": model, "modelhub.evaluation_job": context.job_id},
        report=context.log.studio,
    )
    run_log.log_metrics(logged)
    run_log.finish()


def _write_evaluation(
    out: Path,
    params: EvaluateParameters,
    rows: list[dict[str, Any]],
    evaluated: int,
    complete: bool,
) -> None:
    """Rewrite ``evaluation.json`` (atomically) with the rows so far and their chart."""
    from .metrics import comparison_chart

    result = {
        "rows": rows,
        "chart": comparison_chart(rows, f"{params.task.capitalize()} on {params.data}"),
        "task": params.task,
        "rows_evaluated": evaluated,
        "complete": complete,
    }
    tmp = out / f".{EVALUATION_FILE}.tmp"
    tmp.write_text(json.dumps(result, indent=1))
    tmp.replace(out / EVALUATION_FILE)


def score(task: str, predictions: list[str], references: list[str]) -> dict[str, float]:
    """The task's metrics."""
    from .metrics import classification_metrics, generation_metrics

    if task == "classification":
        return classification_metrics(predictions, references)
    return generation_metrics(predictions, references)


def _save_predictions(path: Path, model: str, records: list[dict[str, Any]]) -> None:
    import pandas as pd

    frame = pd.DataFrame(records)
    frame.insert(0, "model", model)
    frame.to_csv(path, index=False)


# ------------------------------------------------------------------ predictors
def load_predictor(
    entry: dict[str, Any], params: EvaluateParameters, labels: list[str], resolved: dict[str, Any]
) -> Any:
    """A function ``texts -> predictions`` (labels or generated texts) for one model entry."""
    ref = ModelRef(entry["raw"], entry["kind"], entry["name"], entry.get("version"))
    if ref.kind == "hub":
        if params.task == "classification":
            return _zero_shot(labels, params.zero_shot_template)
        cache = Path(resolved["cache_root"]) if resolved.get("cache_root") else None
        return _hub_generator(ref.name, cache, params.max_new_tokens)
    if ref.kind == "registry":
        return _pyfunc(Path(entry["model_dir"]), params)
    return _endpoint(ref.name, params, resolved)


def _zero_shot(labels: list[str], template: str) -> Any:
    from .finetune_models import load_sentence_transformer

    encoder = load_sentence_transformer()
    anchors = encoder.encode(
        [template.format(label=label) for label in labels], convert_to_tensor=True
    )

    def predict(texts: list[str]) -> list[str]:
        emb = encoder.encode(texts, convert_to_tensor=True, batch_size=32)
        best = (emb @ anchors.T).argmax(dim=-1).tolist()
        return [labels[i] for i in best]

    return predict


def _hub_generator(model_id: str, cache: Path | None, limit: int) -> Any:
    import torch

    from .finetune_models import chat_prompt, load_causal_lm

    model, tokenizer = load_causal_lm(model_id, cache)
    model.eval()

    def predict(texts: list[str]) -> list[str]:
        answers = []
        for text in texts:
            encoded = tokenizer(chat_prompt(tokenizer, text), return_tensors="pt")
            with torch.no_grad():
                out = model.generate(
                    **encoded,
                    max_new_tokens=limit,
                    do_sample=False,
                    repetition_penalty=1.1,
                    pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
                )
            answers.append(
                tokenizer.decode(out[0][encoded["input_ids"].shape[1] :], skip_special_tokens=True)
            )
        return [a.strip() for a in answers]

    return predict


def _as_text(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("label", "text", "prediction", "generated_text"):
            if key in item:
                return str(item[key])
    return str(item)


def _outputs(raw: Any) -> list[str]:
    """Predictions of a pyfunc or an endpoint as one string per input row."""
    import pandas as pd

    if isinstance(raw, dict) and "predictions" in raw:
        raw = raw["predictions"]
    if isinstance(raw, pd.DataFrame):
        column = next((c for c in ("label", "text", "prediction") if c in raw), raw.columns[0])
        return [str(x) for x in raw[column].tolist()]
    if isinstance(raw, pd.Series):
        return [str(x) for x in raw.tolist()]
    if hasattr(raw, "tolist"):
        raw = raw.tolist()
    return [_as_text(x) for x in raw]


def _pyfunc(folder: Path, params: EvaluateParameters) -> Any:
    import mlflow.pyfunc
    import pandas as pd

    model = mlflow.pyfunc.load_model(str(folder))
    column = "text" if params.task == "classification" else "prompt"
    names = [c.name for c in (model.metadata.get_input_schema() or [])] if model.metadata else []
    if names and column not in names:
        column = names[0]

    def predict(texts: list[str]) -> list[str]:
        return _outputs(model.predict(pd.DataFrame({column: texts})))

    return predict


def _endpoint(name: str, params: EvaluateParameters, resolved: dict[str, Any]) -> Any:
    import urllib.request

    from .worker_studio import open_studio

    studio = open_studio(resolved.get("studio") or {})
    try:
        port = studio.endpoints.port_of(studio.caller(resolved["owner"]), name)
    finally:
        studio.close()
    column = "text" if params.task == "classification" else "prompt"

    def predict(texts: list[str]) -> list[str]:
        out: list[str] = []
        for start in range(0, len(texts), 64):
            body = {"dataframe_records": [{column: t} for t in texts[start : start + 64]]}
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/invocations",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=300) as response:
                out += _outputs(json.loads(response.read()))
        return out

    return predict
