"""AutoML candidates as MLflow runs: a candidate skipped for lack of time is not a failed run."""

from __future__ import annotations

from pathlib import Path

from jupyter_studio.core.automl.tracking import CandidateRunLogger, experiment_name_for
from jupyter_studio.core.experiments.tags import TRACKING_URI_ENV


def _row(name: str, status: str, reason: str | None = None) -> dict[str, object]:
    return {
        "candidate": name,
        "algorithm": "lightgbm",
        "level": 1,
        "status": status,
        "objective_metric": "roc_auc",
        "objective": 0.9 if status == "completed" else None,
        "roc_auc": 0.9 if status == "completed" else None,
        "training_seconds": 1.0,
        "hyperparameters": {"learning_rate": 0.05},
        "failure_reason": reason,
    }


def test_skipped_candidates_are_not_failed_runs(tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    logger = CandidateRunLogger({TRACKING_URI_ENV: uri}, "churn")
    logger.add(_row("LightGBM", "completed"))
    logger.add(_row("CatBoost", "skipped", "estimated 40 s, only 3 s left in the budget"))
    logger.add(_row("KNN", "failed", "MemoryError: the kNN index does not fit"))
    assert logger.close() == 3 and logger.error is None
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name(experiment_name_for("churn"))
    runs = {r.info.run_name: r for r in client.search_runs([experiment.experiment_id])}
    assert runs["LightGBM"].info.status == "FINISHED"
    skipped = runs["CatBoost"]
    assert skipped.info.status == "KILLED"  # grey "Killed" in the Experiments panel, not red
    assert skipped.data.tags["automl.status"] == "skipped"
    assert skipped.data.tags["automl.failure_reason"].startswith("estimated 40 s")
    assert runs["KNN"].info.status == "FAILED"
