"""Fine-tuning requests of the model hub: parameters, checks before the job starts, loss curve.

Plain Python (no torch): the server validates a request here, the ``finetune`` job kind
(:mod:`.finetune_job`) trains in a worker. What a job writes in its output folder:

- ``loss.jsonl``: one ``{"step", "loss", "epoch", "learning_rate", "seconds"}`` line per step (the
  panel polls it through :func:`loss_curve` for a live chart);
- ``checkpoint/``: the adapter (and head), optimizer and step of the last checkpoint, replaced every
  ``checkpoint_every`` steps and on a stop; ``resume_from_job`` continues from it;
- ``model/``: the merged model in MLflow's pyfunc format, registered as a new version;
- ``result.json``: the registered name and version, steps, first and last loss.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import Forbidden, InvalidInput, NotFound
from ..schemas import Seed, StrictBool, StrictFloat, StrictInt

if TYPE_CHECKING:
    import pandas as pd

    from ..spaces.service import Caller

__all__ = [
    "TRAINABLE_MODELS",
    "FinetuneParameters",
    "LossCurve",
    "LossPoint",
    "TrainableModel",
    "check_columns",
    "load_rows",
    "loss_curve",
    "read_loss",
    "require_license",
    "trainable_model",
]

LOSS_FILE = "loss.jsonl"
CHECKPOINT_DIR = "checkpoint"
RESULT_FILE = "result.json"
MODEL_DIR = "model"
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet"}
MAX_DATA_BYTES = 200 * 1024 * 1024
MODEL_NAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"


@dataclass(frozen=True)
class TrainableModel:
    """A catalogue model that can be fine-tuned, with what fine-tuning it needs."""

    id: str
    task: Literal["generation", "classification"]
    license: str
    gated: bool
    lora_targets: tuple[str, ...]
    default_learning_rate: float


#: Packaged models that fine-tune offline (ids of the catalogue).
TRAINABLE_MODELS: dict[str, TrainableModel] = {
    "smollm2-135m-instruct": TrainableModel(
        "smollm2-135m-instruct", "generation", "apache-2.0", False,
        ("q_proj", "k_proj", "v_proj", "o_proj"), 2e-3,
    ),
    "gemma3-270m": TrainableModel(
        "gemma3-270m", "generation", "gemma", True,
        ("q_proj", "k_proj", "v_proj", "o_proj"), 1e-3,
    ),
    "all-minilm-l6-v2": TrainableModel(
        "all-minilm-l6-v2", "classification", "apache-2.0", False, ("query", "value"), 5e-3,
    ),
}  # fmt: skip


def trainable_model(model_id: str) -> TrainableModel:
    """The trainable catalogue model ``model_id``; a 404 naming it and the choices otherwise."""
    found = TRAINABLE_MODELS.get(model_id)
    if found is None:
        raise NotFound(
            f"No fine-tunable model {model_id!r} in the model hub. Fine-tunable models: "
            f"{', '.join(sorted(TRAINABLE_MODELS))}.",
            code="model_not_found",
        )
    return found


class FinetuneParameters(BaseModel):
    """Parameters of a ``finetune`` job (``data`` is a file-browser path)."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_id: str = Field(
        min_length=1, max_length=300, description="Catalogue id of the base model."
    )
    data: str = Field(min_length=1, description="CSV or Parquet file with the training rows.")
    task: Literal["generation", "classification"] | None = Field(
        None,
        description="generation (instruction/response) or classification (text/label); "
        "default: the model's task.",
    )
    instruction_column: str = Field("instruction", min_length=1, max_length=200)
    response_column: str = Field("response", min_length=1, max_length=200)
    text_column: str = Field("text", min_length=1, max_length=200)
    label_column: str = Field("label", min_length=1, max_length=200)
    method: Literal["lora", "head"] = Field(
        "lora", description="lora: LoRA adapters (merged at the end); head: a classifier head only."
    )
    max_steps: StrictInt = Field(30, ge=1, le=100_000)
    learning_rate: StrictFloat | None = Field(None, gt=0, le=1, description="Default: per model.")
    batch_size: StrictInt = Field(8, ge=1, le=512)
    lora_r: StrictInt = Field(8, ge=1, le=256)
    lora_alpha: StrictInt | None = Field(None, ge=1, le=1024, description="Default: 2 × lora_r.")
    lora_dropout: StrictFloat = Field(0.0, ge=0, lt=1)
    max_length: StrictInt = Field(
        128, ge=8, le=4096, description="Tokens per example (longer are cut)."
    )
    checkpoint_every: StrictInt = Field(
        10, ge=1, le=100_000, description="Steps between checkpoints."
    )
    output_model_name: str | None = Field(
        None, pattern=MODEL_NAME_PATTERN, description="Registered model name (default: <model>-ft)."
    )
    register_version: StrictBool = Field(
        True, description="Register the merged model as a new version."
    )
    space_id: str | None = Field(
        None, max_length=64, description="Register in this space (default: the job's space)."
    )
    resume_from_job: str | None = Field(
        None, max_length=64, description="A stopped finetune job whose last checkpoint to continue."
    )
    seed: Seed = 0


# ------------------------------------------------------------------ data
def _field_error(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, detail=[{"loc": ["parameters", field], "msg": message}])


def load_rows(path: Path, field: str = "data") -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file as strings; a 400 naming the problem otherwise."""
    kind = TABLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise _field_error(
            field,
            f"{path.name!r} is not a CSV or Parquet file: give a .csv or .parquet file.",
            "unsupported_data_format",
        )
    if path.stat().st_size > MAX_DATA_BYTES:
        raise _field_error(
            field, f"{path.name!r} is larger than {MAX_DATA_BYTES // 2**20} MB.", "data_too_large"
        )
    from ..tabular_files import TableFileError, read_table

    try:  # the reader every feature uses: delimiter detected, a broken file named by line
        frame = read_table(path, dtype=str, keep_default_na=False, na_values=[""])
    except TableFileError as exc:
        raise _field_error(field, exc.message, exc.code) from None
    return frame


def check_columns(
    frame: pd.DataFrame, columns: dict[str, str], *, name: str, min_rows: int = 2
) -> None:
    """Check that the named columns exist and have no empty cell; a 400 naming them otherwise.

    ``columns`` maps a parameter name (``text_column``) to the column it names.
    """
    missing = {param: col for param, col in columns.items() if col not in frame.columns}
    if missing:
        available = ", ".join(repr(str(c)) for c in frame.columns[:30]) or "none"
        listed = ", ".join(f"{col!r} ({param})" for param, col in missing.items())
        raise InvalidInput(
            f"{name} has no column {listed}. Its columns are: {available}. Name the right "
            "columns in the request.",
            code="missing_columns",
            detail=[
                {"loc": ["parameters", p], "msg": f"no column {c!r}"} for p, c in missing.items()
            ],
        )
    if len(frame) < min_rows:
        raise InvalidInput(
            f"{name} has {len(frame)} row(s): at least {min_rows} are needed.", code="too_few_rows"
        )
    for param, col in columns.items():
        values = frame[col]
        empty = values.isna() | values.astype(str).str.strip().eq("")
        if bool(empty.any()):
            rows = [int(i) + 2 for i in list(empty[empty].index[:5])]  # 1-based, after the header
            raise InvalidInput(
                f"{name} has {int(empty.sum())} empty value(s) in column {col!r} ({param}), "
                f"first at line(s) {', '.join(map(str, rows))}: fill or remove those rows.",
                code="empty_rows",
                detail=[{"loc": ["parameters", param], "msg": f"empty values in {col!r}"}],
            )


def task_columns(params: Any, task: str) -> dict[str, str]:
    """The columns a task reads, keyed by parameter name."""
    if task == "generation":
        return {
            "instruction_column": params.instruction_column,
            "response_column": params.response_column,
        }
    return {"text_column": params.text_column, "label_column": params.label_column}


# ------------------------------------------------------------------ license
def accepted_licenses(services: Any, username: str) -> set[str]:
    """Model ids whose license ``username`` accepted (the model hub's acceptance table)."""
    store = getattr(services, "store", None)
    if store is None:
        return set()
    from sqlalchemy import select

    from .tables import LicenseAcceptanceRow

    with store.session() as session:
        rows = session.scalars(
            select(LicenseAcceptanceRow.model_id).where(LicenseAcceptanceRow.profile == username)
        ).all()
    return set(rows)


def require_license(
    services: Any, caller: Caller, model: TrainableModel, action: str = "fine-tune"
) -> None:
    """A 403 naming the license when ``model`` is gated and ``caller`` has not accepted it.

    The model hub service's gate decides when it is there (one message everywhere); the
    acceptance table is read directly otherwise.
    """
    modelhub = getattr(services, "modelhub", None)
    check = getattr(modelhub, "require_license", None)
    if callable(check):
        check(caller, model.id, action)
        return
    if not model.gated or model.id in accepted_licenses(services, caller.username):
        return
    raise Forbidden(
        f"Model {model.id!r} is under the {model.license!r} license, which you have not "
        f"accepted: read it on the model page and accept it (the Accept button, "
        f"POST /studio/api/modelhub/models/{model.id}/accept, or accept_eula=True from Python) "
        f"before you {action} this model.",
        code="license_not_accepted",
    )


# ------------------------------------------------------------------ loss curve
class LossPoint(BaseModel):
    step: int
    loss: float
    epoch: float | None = None


class LossCurve(BaseModel):
    """``GET /modelhub/finetune/{job_id}/loss``: the steps so far and the last checkpoint."""

    points: list[LossPoint]
    checkpoint: str | None = Field(None, description="File-browser path of the last checkpoint.")


def read_loss(output_dir: Path) -> list[dict[str, Any]]:
    """Points of ``loss.jsonl`` (a half-written last line is skipped)."""
    path = output_dir / LOSS_FILE
    points: list[dict[str, Any]] = []
    if not path.is_file():
        return points
    for line in path.read_text(errors="replace").splitlines():
        try:
            point = json.loads(line)
        except ValueError:
            continue
        loss = point.get("loss") if isinstance(point, dict) else None
        if isinstance(loss, (int, float)) and math.isfinite(loss):
            points.append(point)
    return points


def loss_curve(output_dir: Path, contents_root: Path | None = None) -> LossCurve:
    """The loss curve of a finetune job whose output folder is ``output_dir``."""
    checkpoint = output_dir / CHECKPOINT_DIR
    path: str | None = None
    if (checkpoint / "state.json").is_file():
        if contents_root is not None:
            from ..spaces.paths import contents_path

            path = contents_path(contents_root, checkpoint)
        else:
            path = str(checkpoint)
    return LossCurve(
        points=[
            LossPoint(step=int(p["step"]), loss=float(p["loss"]), epoch=p.get("epoch"))
            for p in read_loss(output_dir)
        ],
        checkpoint=path,
    )


def model_cache_root(domain_root: str | Path) -> Path:
    """The domain's model cache (shared with the model hub's serving side)."""
    try:
        from .cache import cache_root
    except ImportError:  # the catalogue side is not installed
        return Path(domain_root) / ".studio" / "model-cache"
    return cache_root(domain_root)


def default_model_name(model_id: str) -> str:
    """``<model>-ft`` made into a valid registered-model name."""
    base = re.sub(r"[^A-Za-z0-9-]+", "-", model_id).strip("-")[:57] or "model"
    return f"{base}-ft"
