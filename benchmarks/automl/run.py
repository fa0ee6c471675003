"""AutoML benchmark: this engine vs FLAML vs AutoGluon at the same time budget. One command:

    python benchmarks/automl/run.py --budgets 60 300 --datasets wine iris --systems studio flaml

Each (system, dataset, budget) runs in its own process, one at a time (both cores), on a fixed
75/25 split (seed 0, stratified for classification), and is cached in ``results.json`` beside
this file, so an interrupted grid resumes where it stopped (``--fresh`` reruns). Scores: ROC AUC
(binary, higher is better), log loss (multiclass) and RMSE (regression), lower is better.
Peak memory is the child's maximum resident set (``wait4``), descendants included.
AutoGluon can live in its own environment: ``--autogluon-python /path/to/venv/bin/python``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from datasets import DATASETS  # noqa: E402

SYSTEMS = ["studio", "flaml", "autogluon_best", "autogluon_medium"]
HIGHER_IS_BETTER = {"binary": True, "multiclass": False, "regression": False}


def split(name: str, workdir: Path) -> dict:
    """Write the fixed 75/25 split of ``name`` into ``workdir``."""
    from sklearn.model_selection import train_test_split

    ds = DATASETS[name]
    frame = ds.frame()
    for column in frame.columns:  # parquet wants one type per column
        if frame[column].dtype == object:
            frame[column] = frame[column].astype(str).where(frame[column].notna(), None)
    stratify = frame[ds.target] if ds.problem_type != "regression" else None
    train, test = train_test_split(frame, test_size=0.25, random_state=0, stratify=stratify)
    train.reset_index(drop=True).to_parquet(workdir / "train.parquet")
    test.reset_index(drop=True).to_parquet(workdir / "test.parquet")
    classes = None
    if ds.problem_type != "regression":
        uniques = list(frame[ds.target].unique())
        classes = sorted(uniques, key=str)
        classes = [c.item() if hasattr(c, "item") else c for c in classes]
    meta = {
        "target": ds.target,
        "problem_type": ds.problem_type,
        "classes": classes,
        "rows": len(frame),
        "columns": frame.shape[1] - 1,
    }
    (workdir / "meta.json").write_text(json.dumps(meta, default=str))
    return meta


def run_one(system: str, name: str, budget: float, python: str, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        meta = split(name, workdir)
        command = [python, str(HERE / "systems.py"), system, str(workdir), str(budget)]
        started = time.monotonic()
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        try:
            out, err = child.communicate(timeout=timeout)
            _, status, usage = os.wait4(child.pid, 0) if child.returncode is None else (0, 0, None)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            usage = None
        wall = time.monotonic() - started
    # communicate() reaps the child, so take its peak from the children's rusage high-water mark
    import resource

    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    record = {
        "system": system,
        "dataset": name,
        "budget": budget,
        "wall_seconds": wall,
        "rows": meta["rows"],
        "problem_type": meta["problem_type"],
    }
    if line is None:
        record["error"] = (err.strip().splitlines() or ["no output"])[-1][:300]
        return record
    record.update(json.loads(line[len("RESULT ") :]))
    record["peak_mb"] = max(record.get("peak_mb_self", 0), usage.ru_maxrss / 1024 if usage else 0)
    record["peak_mb_children_hwm"] = peak_children
    return record


def ranks(results: list[dict], systems: list[str], datasets: list[str], budget: float) -> dict:
    """Mean rank per system over datasets where every system has a score (1 is best)."""
    import numpy as np

    per_system: dict[str, list[float]] = {s: [] for s in systems}
    for name in datasets:
        rows = {r["system"]: r for r in results if r["dataset"] == name and r["budget"] == budget}
        if not all(s in rows and "score" in rows[s] for s in systems):
            continue
        higher = HIGHER_IS_BETTER[DATASETS[name].problem_type]
        values = np.array([rows[s]["score"] for s in systems])
        order = -values if higher else values
        from scipy.stats import rankdata

        for s, r in zip(systems, rankdata(order), strict=True):
            per_system[s].append(float(r))
    return {s: (float(np.mean(v)) if v else float("nan"), len(v)) for s, v in per_system.items()}


def table(
    results: list[dict], systems: list[str], datasets: list[str], budgets: list[float]
) -> str:
    lines = []
    for budget in budgets:
        lines.append(
            f"\n## Budget {budget:g} s  (score: AUC higher is better; log loss, RMSE lower)"
        )
        header = "| dataset | metric | " + " | ".join(systems) + " |"
        lines += [header, "|" + "---|" * (len(systems) + 2)]
        for name in datasets:
            metric = {"binary": "AUC", "multiclass": "log loss", "regression": "RMSE"}[
                DATASETS[name].problem_type
            ]
            cells = []
            for s in systems:
                r = next(
                    (
                        x
                        for x in results
                        if x["system"] == s and x["dataset"] == name and x["budget"] == budget
                    ),
                    None,
                )
                if r is None:
                    cells.append("-")
                elif "score" not in r:
                    cells.append("error")
                else:
                    cells.append(f"{r['score']:.4g}")
            lines.append(f"| {name} | {metric} | " + " | ".join(cells) + " |")
        rk = ranks(results, systems, datasets, budget)
        lines.append(
            "| **mean rank** | | "
            + " | ".join(f"{rk[s][0]:.2f} (n={rk[s][1]})" for s in systems)
            + " |"
        )
        for key, title in [
            ("fit_seconds", "fit s (max)"),
            ("wall_seconds", "process s (max)"),
            ("peak_mb", "peak MB (max)"),
        ]:
            cells = []
            for s in systems:
                vals = [
                    r[key]
                    for r in results
                    if r["system"] == s
                    and r["budget"] == budget
                    and r["dataset"] in datasets
                    and key in r
                ]
                cells.append(f"{max(vals):.0f}" if vals else "-")
            lines.append(f"| {title} | | " + " | ".join(cells) + " |")
        over = [
            f"{r['system']}/{r['dataset']} {r['fit_seconds']:.0f}s"
            for r in results
            if r["budget"] == budget
            and r.get("fit_seconds", 0) > budget * 1.05 + 2
            and r["dataset"] in datasets
            and r["system"] in systems
        ]
        lines.append(f"\nOver budget (+5 % +2 s): {', '.join(over) or 'none'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budgets", nargs="+", type=float, default=[60.0, 300.0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--systems", nargs="+", default=SYSTEMS, choices=SYSTEMS)
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--autogluon-python", default=os.environ.get("AUTOGLUON_PYTHON", sys.executable)
    )
    parser.add_argument("--fresh", action="store_true", help="ignore cached results")
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args()
    results: list[dict] = []
    if args.results.exists() and not args.fresh:
        results = json.loads(args.results.read_text())
    for budget in args.budgets:
        for name in args.datasets:
            for system in args.systems:
                if args.table_only:
                    continue
                if any(
                    r["system"] == system
                    and r["dataset"] == name
                    and r["budget"] == budget
                    and "score" in r
                    for r in results
                ):
                    continue
                python = args.autogluon_python if system.startswith("autogluon") else sys.executable
                record = run_one(system, name, budget, python, timeout=budget * 3 + 120)
                results = [
                    r
                    for r in results
                    if not (
                        r["system"] == system and r["dataset"] == name and r["budget"] == budget
                    )
                ] + [record]
                args.results.write_text(json.dumps(results, indent=1, default=str))
                shown = record.get("score", record.get("error"))
                print(
                    f"{budget:g}s {name:24s} {system:17s} {shown} "
                    f"fit {record.get('fit_seconds', float('nan')):.1f}s",
                    flush=True,
                )
    print(table(results, args.systems, args.datasets, args.budgets))


if __name__ == "__main__":
    main()
