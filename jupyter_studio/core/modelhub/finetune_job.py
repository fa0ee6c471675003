"""The ``finetune`` job kind: LoRA fine-tuning of a model hub model on the user's CSV or Parquet.

``prepare`` (in the server, before anything is recorded) checks the model id, its license, the
file, its columns and their values, and the job to resume from. ``run`` (in the worker) trains with
:mod:`.finetune_train`, writes ``loss.jsonl`` and checkpoints, logs every step to an MLflow run in
the experiment ``modelhub/finetune``, then merges the adapter, saves the model in MLflow's pyfunc
format (``output/model``) and registers it as a new version. A stop saves a checkpoint first.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Conflict, InvalidInput, NotFound
from ..jobs.context import JobContext
from ..jobs.errors import JobFailed, JobStopped
from ..jobs.kinds import JobKind, PrepareContext
from .finetune import (
    CHECKPOINT_DIR,
    LOSS_FILE,
    MODEL_DIR,
    RESULT_FILE,
    FinetuneParameters,
    TrainableModel,
    check_columns,
    default_model_name,
    load_rows,
    model_cache_root,
    read_loss,
    require_license,
    task_columns,
    trainable_model,
)
from .worker_studio import facade_settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FinetuneJob"]

EXPERIMENT = "modelhub/finetune"


def _invalid(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, detail=[{"loc": ["parameters", field], "msg": message}])


class FinetuneJob(JobKind[FinetuneParameters]):
    """Fine-tune a model hub model (LoRA by default) and register the result."""

    name = "finetune"
    title = "Fine-tune a model hub model"
    description = (
        "LoRA fine-tuning of SmolLM2 (instruction/response columns) or MiniLM (text/label "
        "columns) on a CSV or Parquet file: live loss, checkpoints, stop and resume; the merged "
        "model is registered as a new model version."
    )
    Parameters = FinetuneParameters

    def default_name(self, params: FinetuneParameters) -> str:
        return f"finetune-{params.output_model_name or params.model_id}"[:60]

    # ------------------------------------------------------------------ server
    def prepare(self, params: FinetuneParameters, context: PrepareContext) -> dict[str, Any]:
        model = trainable_model(params.model_id)
        task = params.task or model.task
        if task != model.task:
            raise _invalid(
                "task",
                f"{model.id!r} fine-tunes for {model.task} only, not {task}: pick another model "
                "or task.",
                "unsupported_task",
            )
        if params.method == "head" and task != "classification":
            raise _invalid(
                "method", "method 'head' is for classification: use 'lora'.", "unsupported_method"
            )
        require_license(context.services, context.caller, model)
        data = context.scope.resolve(params.data, what="data file", must_exist=True, expect="file")
        frame = load_rows(data)
        check_columns(frame, task_columns(params, task), name=f"The data file {params.data!r}")
        if task == "classification":
            labels = frame[params.label_column].astype(str).str.strip().nunique()
            if labels < 2:
                raise _invalid(
                    "label_column",
                    f"Column {params.label_column!r} has {labels} distinct label: a classifier "
                    "needs at least 2.",
                    "too_few_labels",
                )
        services = context.services
        if params.space_id and services is not None:
            services.spaces.space_path(context.caller, params.space_id)  # 403/404 if not a member
        resolved: dict[str, Any] = {
            "data": str(data),
            "task": task,
            "model_name": params.output_model_name or default_model_name(model.id),
            "studio": facade_settings(services),
        }
        domain_root = getattr(services, "domain_root", None)
        if domain_root:
            resolved["cache_root"] = str(model_cache_root(domain_root))
        if params.resume_from_job:
            resolved.update(self._resume_source(params, context))
        return resolved

    def _resume_source(self, params: FinetuneParameters, context: PrepareContext) -> dict[str, Any]:
        jobs = getattr(context.services, "jobs", None)
        if jobs is None:
            raise _invalid("resume_from_job", "Resuming needs the jobs service.", "cannot_resume")
        previous = jobs.get(context.caller, params.resume_from_job)  # 404 / 403
        if previous.kind != self.name:
            raise _invalid(
                "resume_from_job",
                f"Job {previous.name!r} is a {previous.kind!r} job, not a finetune job.",
                "cannot_resume",
            )
        if not previous.status.is_final:
            raise Conflict(
                f"Job {previous.name!r} is still {previous.status.value}: stop it first, then "
                "resume from its checkpoint.",
                code="job_still_active",
            )
        before = previous.parameters or {}
        for key in ("model_id", "task", "method", "lora_r"):
            mine = getattr(params, key)
            if before.get(key) != mine and not (key == "task" and mine is None):
                raise _invalid(
                    "resume_from_job",
                    f"Job {previous.name!r} trained with {key}={before.get(key)!r}, this request "
                    f"has {mine!r}: a checkpoint continues only the same training.",
                    "cannot_resume",
                )
        output = jobs.job_dir(context.caller, previous.job_id) / "output"
        state_file = output / CHECKPOINT_DIR / "state.json"
        if not state_file.is_file():
            raise NotFound(
                f"Job {previous.name!r} left no checkpoint to resume from (it saves one every "
                "checkpoint_every steps and when it is stopped).",
                code="checkpoint_not_found",
            )
        step = int(json.loads(state_file.read_text()).get("step", 0))
        if step >= params.max_steps:
            raise _invalid(
                "max_steps",
                f"The checkpoint of {previous.name!r} is at step {step}: set max_steps above it.",
                "nothing_to_resume",
            )
        return {"resume_checkpoint": str(output / CHECKPOINT_DIR), "resume_output": str(output)}

    # ------------------------------------------------------------------ worker
    def run(self, context: JobContext) -> None:
        params = self.parameters_of(context)
        resolved = context.resolved
        model = trainable_model(params.model_id)
        task_name = resolved["task"]
        out = context.output_dir
        out.mkdir(parents=True, exist_ok=True)
        say = context.log.studio
        resume, start_step = _restore_loss_history(resolved, out)
        frame = load_rows(Path(resolved["data"]))
        context.set_progress(0.01, f"loading {model.id}")
        say(
            f"fine-tuning {model.id} ({task_name}, {params.method}) on {params.data}: {len(frame)} rows"
        )
        task = _training_task(params, model, task_name, frame, resolved, say)
        run_log = _open_run_log(context, params, model, task_name, len(frame))
        started = time.monotonic()
        losses = _train(context, task, params, model, run_log, resume, start_step)
        seconds = time.monotonic() - started
        say(f"{len(losses)} steps in {seconds:.1f} s")
        context.set_progress(0.92, "merging the adapter and saving the model")
        staging = out / ".final"
        shutil.rmtree(staging, ignore_errors=True)
        artifacts = task.save_final(staging)
        labels = getattr(task, "labels", None)
        save_pyfunc(out / MODEL_DIR, task_name, artifacts, model.id, labels, params)
        shutil.rmtree(staging, ignore_errors=True)
        points = read_loss(out)
        result: dict[str, Any] = {
            "base_model": model.id,
            "task": task_name,
            "steps": params.max_steps,
            "first_loss": points[0]["loss"] if points else None,
            "final_loss": points[-1]["loss"] if points else None,
            "seconds": round(seconds, 2),
            "model_path": MODEL_DIR,
            "run_id": run_log.run_id,
        }
        if params.register_version:
            _register_version(context, params, model.id, labels, result)
            run_log.log_metrics({"final_loss": result["final_loss"] or 0.0}, params.max_steps)
        (out / RESULT_FILE).write_text(json.dumps(result, indent=1))
        run_log.log_json(result, "result.json")
        run_log.finish("FINISHED")
        shutil.rmtree(out / CHECKPOINT_DIR, ignore_errors=True)  # the model supersedes it
        context.set_progress(1.0, f"done: loss {result['first_loss']} -> {result['final_loss']}")


def _restore_loss_history(resolved: dict[str, Any], out: Path) -> tuple[Path | None, int]:
    """The checkpoint to resume from and its step (None, 0 for a fresh start).

    On a resume, the earlier job's loss points up to the checkpoint are copied into this job's
    loss file, so the curve continues where it stopped.
    """
    resume = Path(resolved["resume_checkpoint"]) if resolved.get("resume_checkpoint") else None
    if resume is None:
        return None, 0
    start_step = int(json.loads((resume / "state.json").read_text())["step"])
    earlier = [p for p in read_loss(Path(resolved["resume_output"])) if p["step"] <= start_step]
    with (out / LOSS_FILE).open("w") as handle:
        handle.writelines(json.dumps(p) + "\n" for p in earlier)
    return resume, start_step


def _training_task(
    params: FinetuneParameters,
    model: TrainableModel,
    task_name: str,
    frame: pd.DataFrame,
    resolved: dict[str, Any],
    say: Callable[[str], None],
) -> Any:
    """The classification or generation task that turns the rows into training batches."""
    from .finetune_train import ClassificationTask, GenerationTask

    if task_name == "classification":
        return ClassificationTask(params, model, frame)
    cache = Path(resolved["cache_root"]) if resolved.get("cache_root") else None
    return GenerationTask(params, model, frame, cache, say)


def _open_run_log(
    context: JobContext,
    params: FinetuneParameters,
    model: TrainableModel,
    task_name: str,
    rows: int,
) -> Any:
    """The MLflow run (in the ``modelhub/finetune`` experiment) that records the training."""
    from .run_log import RunLog

    return RunLog(
        context.resolved.get("tracking_environment"),
        EXPERIMENT,
        context.name,
        params={
            "model_id": model.id,
            "task": task_name,
            "method": params.method,
            "max_steps": params.max_steps,
            "learning_rate": params.learning_rate or model.default_learning_rate,
            "batch_size": params.batch_size,
            "lora_r": params.lora_r,
            "rows": rows,
            "resumed_from": params.resume_from_job or "",
        },
        tags={"modelhub.base_model": model.id, "modelhub.task": task_name},
        report=context.log.studio,
    )


def _train(
    context: JobContext,
    task: Any,
    params: FinetuneParameters,
    model: TrainableModel,
    run_log: Any,
    resume: Path | None,
    start_step: int,
) -> list[Any]:
    """Run the training loop; a stop keeps the checkpoint and ends the job as stopped."""
    from .finetune_train import Trainer, TrainingStopped

    say = context.log.studio

    def on_step(step: int, loss: float) -> None:
        run_log.log_metrics({"loss": loss}, step)
        context.set_progress(0.05 + 0.85 * step / params.max_steps, f"step {step}: loss {loss:.4f}")

    trainer = Trainer(
        task,
        params,
        model,
        context.output_dir,
        should_stop=lambda: context.should_stop,
        on_step=on_step,
        log=say,
        job_id=context.job_id,
        start_step=start_step,
    )
    try:
        return trainer.run(resume=resume)
    except TrainingStopped as stopped:
        run_log.finish("KILLED")
        say(f"checkpoint saved at step {stopped.step}")
        raise JobStopped(
            f"{context.stop_reason or 'Stopped'}; the checkpoint at step {stopped.step} is kept: "
            f"resume with resume_from_job={context.job_id!r}"
        ) from None
    except Exception:
        run_log.finish("FAILED")
        raise


def _register_version(
    context: JobContext,
    params: FinetuneParameters,
    base_model: str,
    labels: list[str] | None,
    result: dict[str, Any],
) -> None:
    """Register the saved model as a new version; its name and version go into ``result``."""
    from ..experiments.tags import SPACE_ID_ENV

    context.set_progress(0.96, "registering the model")
    resolved = context.resolved
    environment = resolved.get("tracking_environment")
    space_id = params.space_id or (environment or {}).get(SPACE_ID_ENV) or None
    version = register_model(
        resolved.get("studio") or {},
        owner=context.owner,
        folder=context.output_dir / MODEL_DIR,
        name=resolved["model_name"],
        space_id=space_id,
        task=result["task"],
        labels=labels,
        base_model=base_model,
        final_loss=result["final_loss"],
        job_id=context.job_id,
    )
    result.update(model_name=version["name"], model_version=version["version"])
    context.log.studio(f"registered as {version['name']} version {version['version']}")


def save_pyfunc(
    target: Path,
    task: str,
    artifacts: dict[str, Path],
    base_model: str,
    labels: list[str] | None,
    params: FinetuneParameters,
) -> None:
    """Save the merged model as an MLflow pyfunc folder (the registry's and endpoints' format).

    Seam: when the core helper's hub pyfunc wrapper exists, fine-tuned generators may be saved
    with it instead so they get the streaming text-generation contract.
    """
    import importlib.metadata

    import mlflow.pyfunc
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    from .finetune_models import TextClassifierModel, TextGeneratorModel

    def version(package: str) -> str:
        try:
            return f"{package}=={importlib.metadata.version(package)}"
        except importlib.metadata.PackageNotFoundError:
            return package

    requirements = [version("torch"), version("transformers"), version("safetensors")]
    if task == "classification":
        python_model: Any = TextClassifierModel()
        signature = ModelSignature(inputs=Schema([ColSpec("string", "text")]))
        requirements.append(version("sentence-transformers"))
        metadata: dict[str, Any] = {
            "problem_type": "binary" if labels and len(labels) == 2 else "multiclass",
            "classes": labels,
        }
    else:
        python_model = TextGeneratorModel()
        signature = ModelSignature(inputs=Schema([ColSpec("string", "prompt")]))
        metadata = {}
    metadata["modelhub"] = {
        "base_model": base_model,
        "task": "text-classification" if task == "classification" else "text-generation",
        "method": params.method,
        "lora_r": params.lora_r,
        "labels": labels,
    }
    if target.exists():
        shutil.rmtree(target)
    mlflow.pyfunc.save_model(
        str(target),
        python_model=python_model,
        artifacts={key: str(value) for key, value in artifacts.items()},
        signature=signature,
        metadata=metadata,
        pip_requirements=requirements,
    )


def register_model(
    studio_settings: dict[str, Any],
    *,
    owner: str,
    folder: Path,
    name: str,
    space_id: str | None,
    task: str,
    labels: list[str] | None,
    base_model: str,
    final_loss: float | None,
    job_id: str,
) -> dict[str, Any]:
    """Register ``folder`` as the next version of ``name`` for ``owner``; ``{name, version}``."""
    from .worker_studio import open_studio

    try:
        studio = open_studio(studio_settings)
    except Exception as exc:
        raise JobFailed(f"Could not open the domain to register the model: {exc}") from None
    try:
        caller = studio.caller(owner)
        version = studio.models.register(
            caller,
            str(folder),
            name,
            space_id=space_id,
            problem_type=(
                ("binary" if labels and len(labels) == 2 else "multiclass")
                if task == "classification"
                else None
            ),
            metrics={"final_loss": float(final_loss)} if final_loss is not None else None,
            tags={"modelhub.base_model": base_model, "modelhub.task": f"text-{task}"},
            description=f"{base_model} fine-tuned ({task}) by job {job_id}",
            source=f"job:{job_id}",
        )
        return {"name": version.model_name, "version": version.version}
    finally:
        studio.close()
