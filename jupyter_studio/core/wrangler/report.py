"""The Data Quality and Insights report of a node, as a pydantic model and as standalone HTML.

Statistics are computed with Polars over every row given (the sample, or all rows); the quick
model and each feature's prediction power use a random sample of at most 50,000 and 20,000
rows. Issues are flagged with a severity and advice. The HTML file embeds the Vega, Vega-Lite
and vega-embed JavaScript shipped by the ``vl-convert-python`` package, so it opens with no
network; without that package, charts are drawn as inline SVG bars.
"""

from __future__ import annotations

import functools
import html
import json
import math
import time
from typing import Any

import numpy as np
import polars as pl

from . import charts
from .errors import NodeError
from .modeling import infer_problem_type, prediction_power, quick_model
from .profile import column_kind, json_value
from .schemas import (
    DatasetSummary,
    FeatureSummary,
    InsightsReport,
    QuickModel,
    ReportIssue,
    TargetSummary,
)

__all__ = ["DEFINITIONS", "build_report", "render_html"]

DEFINITIONS = {
    "prediction power": "How well a shallow decision tree predicts the target from this column alone, cross-validated: 0 is no better than chance, 1 is perfect (2·AUC−1 for two classes, chance-corrected macro F1 for more, R² for numbers).",
    "target leakage": "A column that predicts the target almost perfectly on its own: it is often computed from the target or only known after it, so a model trained with it fails on new data.",
    "imbalance ratio": "Rows of the rarest class divided by rows of the most frequent one.",
    "outlier": "A value more than 1.5 inter-quartile ranges below the first quartile or above the third.",
    "duplicate rows": "Rows identical to an earlier row in every column.",
    "ID-like column": "A column with a different value in every row (an identifier): it carries no pattern a model can learn.",
    "skew": "Asymmetry of a numeric distribution; beyond ±3 a log or power transform often helps linear models.",
    "quick model": "A gradient-boosting model cross-validated on the data (k folds); its score is a baseline for what AutoML can reach.",
    "VIF": "Variance inflation factor: how well a column is explained by the others; above 10 means it is largely redundant.",
}


#: Above this many rows, distinct counts are HyperLogLog estimates and quartiles come from a
#: random sample of this many rows (counts of missing values and outliers stay exact).
EXACT_ROWS = 200_000


def _column_stats(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Missing values, distinct values, quartiles, skew and outliers of every column."""
    big = frame.height > EXACT_ROWS
    exprs: list[pl.Expr] = []
    quartiles: list[pl.Expr] = []
    numeric = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        missing = col.is_null()
        if dtype.is_float():
            missing = missing | col.is_nan()
        unique = col.approx_n_unique() if big else col.n_unique()
        exprs += [missing.sum().alias(f"{name}\x00missing"), unique.alias(f"{name}\x00unique")]
        if dtype.is_numeric() and dtype != pl.Boolean:
            numeric.append(name)
            x = col.cast(pl.Float64).fill_nan(None)
            exprs.append(x.skew().alias(f"{name}\x00skew"))
            quartiles += [
                x.quantile(0.25, interpolation="linear").alias(f"{name}\x00q1"),
                x.quantile(0.75, interpolation="linear").alias(f"{name}\x00q3"),
            ]
    row = frame.select(exprs).row(0, named=True) if exprs else {}
    if quartiles:
        part = frame.sample(EXACT_ROWS, seed=0) if big else frame
        row.update(part.select(quartiles).row(0, named=True))
    stats: dict[str, dict[str, Any]] = {}
    bounds = []
    for name in frame.columns:
        s = {"missing": int(row[f"{name}\x00missing"]), "unique": int(row[f"{name}\x00unique"])}
        if big and s["unique"] > frame.height:
            s["unique"] = frame.height
        if name in numeric:
            q1, q3 = row[f"{name}\x00q1"], row[f"{name}\x00q3"]
            s.update(q1=q1, q3=q3, skew=row[f"{name}\x00skew"])
            # With no spread between the quartiles (a 0/1 dummy, a mostly-zero count) the
            # 1.5 IQR rule calls every other value an outlier: no outlier fraction then.
            if q1 is not None and q3 is not None and q3 > q1:
                iqr = q3 - q1
                lo, hi = q1 - 1.5 * iqr, q3 + 1.5 * iqr
                x = pl.col(name).cast(pl.Float64)
                bounds.append(((x < lo) | (x > hi)).fill_null(False).mean().alias(name))
        stats[name] = s
    if bounds:
        for name, frac in frame.select(bounds).row(0, named=True).items():
            stats[name]["outlier_fraction"] = float(frac or 0.0)
    return stats


def _issue(
    code: str, severity: str, title: str, detail: str, advice: str, columns: list[str] | None = None
) -> ReportIssue:
    return ReportIssue(
        code=code,
        severity=severity,
        title=title,
        detail=detail,
        advice=advice,
        columns=columns or [],
    )  # type: ignore[arg-type]


def _check_target(frame: pl.DataFrame, node_id: str, target: str | None) -> None:
    """Raise a node error when the chosen target is not a column of the frame."""
    if target is not None and target not in frame.columns:
        raise NodeError(
            node_id,
            f"The target column {target!r} is not in this node's output.",
            "Pick one of its columns as target.",
            code="column_missing",
            columns=[target],
        )


def _duplicate_rows(frame: pl.DataFrame) -> int:
    """Rows identical to an earlier row.

    Exact on small data; on large data by 64-bit row hashes (a collision is astronomically rare).
    """
    rows = frame.height
    if not rows:
        return 0
    if rows > EXACT_ROWS:
        return rows - frame.hash_rows(seed=0).n_unique()
    return rows - frame.n_unique()


def _dataset_summary(
    frame: pl.DataFrame, stats: dict[str, dict[str, Any]], kinds: dict[str, str]
) -> DatasetSummary:
    """Size, column types, missing cells and duplicate rows of the whole frame."""
    rows, width = frame.height, frame.width
    missing_cells = sum(s["missing"] for s in stats.values())
    type_counts: dict[str, int] = {}
    for k in kinds.values():
        type_counts[k] = type_counts.get(k, 0) + 1
    return DatasetSummary(
        rows=rows,
        columns=width,
        column_types=type_counts,
        missing_cells=missing_cells,
        missing_fraction=missing_cells / (rows * width) if rows and width else 0.0,
        duplicate_rows=int(_duplicate_rows(frame)),
        memory_bytes=int(frame.estimated_size()),
    )


def _target_summary(
    frame: pl.DataFrame,
    target: str,
    stats: dict[str, dict[str, Any]],
    chart_specs: dict[str, dict[str, Any]],
) -> tuple[TargetSummary, list[dict[str, Any]]]:
    """The target's problem type and distribution (its chart goes into ``chart_specs``)."""
    rows = frame.height
    series = frame[target]
    problem = infer_problem_type(series)
    dist: list[dict[str, Any]]
    imbalance = None
    outlier_frac = None
    if problem == "regression":
        spec = charts.histogram(series, title=f"Distribution of the target {target}")
        dist = spec["data"]["values"]
        outlier_frac = stats[target].get("outlier_fraction")
    else:
        counts = series.cast(pl.String).fill_null("null").value_counts(sort=True, name="count")
        dist = [{"class": v, "count": int(n), "fraction": n / rows} for v, n in counts.iter_rows()]
        spec = charts.bar_chart(dist, "class", "count", title=f"Classes of the target {target}")
        known = [d["count"] for d in dist if d["class"] != "null"]
        if len(known) >= 2:
            imbalance = min(known) / max(known)
    chart_specs["target"] = spec
    summary = TargetSummary(
        name=target,
        problem_type=problem,
        missing=stats[target]["missing"],
        distribution=[{k: json_value(v) for k, v in d.items()} for d in dist],
        imbalance_ratio=imbalance,
        outlier_fraction=outlier_frac,
    )  # type: ignore[arg-type]
    return summary, dist


def _target_issues(summary: TargetSummary, dist: list[dict[str, Any]]) -> list[ReportIssue]:
    """Missing target values and class imbalance."""
    target, imbalance = summary.name, summary.imbalance_ratio
    issues: list[ReportIssue] = []
    if summary.missing:
        issues.append(
            _issue(
                "target_missing",
                "medium",
                "Missing target values",
                f"{summary.missing:,} rows have no {target}.",
                "Drop these rows before training (a 'Drop rows with missing values' step on the target).",
                [target],
            )
        )
    if imbalance is not None and imbalance < 0.33:
        minority = min((d for d in dist if d["class"] != "null"), key=lambda d: d["count"])
        issues.append(
            _issue(
                "class_imbalance",
                "high" if imbalance < 0.1 else "medium",
                "Class imbalance",
                f"The rarest class {minority['class']!r} has {minority['count']:,} rows ({minority['fraction']:.1%}); the imbalance ratio is {imbalance:.3f}.",
                "Use a metric that respects the minority class (F1, balanced accuracy, AUC), stratify splits, or balance the classes (random over-/under-sampling or SMOTE) on the training data only.",
                [target],
            )
        )
    return issues


def _quick_model(
    frame: pl.DataFrame, target: str, model_rows: int, chart_specs: dict[str, dict[str, Any]]
) -> QuickModel | None:
    """The cross-validated quick model and its feature-importance chart; None if it cannot be fitted."""
    try:
        q = quick_model(frame, target, max_rows=model_rows)
    except NodeError:
        return None
    quick = QuickModel(
        model=q["model"],
        metric=q["metric"],
        score=q["score"],
        folds=q["folds"],
        rows_used=q["rows_used"],
        feature_importance=q["feature_importance"],
    )
    chart_specs["feature_importance"] = charts.bar_chart(
        q["feature_importance"][:25],
        "feature",
        "importance",
        title=f"Feature importance of the quick model ({q['metric']} {q['score']:.3f})",
        horizontal=True,
    )
    return quick


def _prediction_power(
    frame: pl.DataFrame,
    target: str,
    features: list[str],
    power_rows: int,
    chart_specs: dict[str, dict[str, Any]],
) -> tuple[dict[str, float], list[ReportIssue]]:
    """Each feature's prediction power, its chart, and a leakage issue per near-perfect one."""
    power, _ = prediction_power(frame, target, features, max_rows=power_rows)
    chart_specs["prediction_power"] = charts.bar_chart(
        sorted(
            ({"feature": f, "prediction_power": round(v, 4)} for f, v in power.items()),
            key=lambda r: -r["prediction_power"],
        )[:30],
        "feature",
        "prediction_power",
        title="Prediction power of each column alone",
        horizontal=True,
    )
    leaked = sorted((f for f, v in power.items() if v >= 0.95), key=lambda f: -power[f])
    issues = [
        _issue(
            "target_leakage",
            "high",
            f"Possible target leakage: {f}",
            f"{f} alone predicts {target} with a prediction power of {power[f]:.3f}.",
            f"Check how {f} is produced; if it is derived from {target} or only known after it, drop it before training.",
            [f],
        )
        for f in leaked
    ]
    return power, issues


def _unique_non_null(frame: pl.DataFrame, name: str, s: dict[str, Any]) -> int:
    """Distinct values of a column, not counting a missing value."""
    return s["unique"] - (1 if s["missing"] and frame[name].null_count() else 0)


def _feature_summaries(
    frame: pl.DataFrame,
    stats: dict[str, dict[str, Any]],
    kinds: dict[str, str],
    power: dict[str, float],
) -> list[FeatureSummary]:
    """One summary row per column (the target included)."""
    rows = frame.height
    return [
        FeatureSummary(
            name=name,
            dtype=str(frame.schema[name]),
            kind=kinds[name],
            missing_fraction=stats[name]["missing"] / rows if rows else 0.0,
            unique=stats[name]["unique"],
            outlier_fraction=stats[name].get("outlier_fraction"),
            prediction_power=power.get(name),
        )
        for name in frame.columns
    ]


def _column_issues(
    frame: pl.DataFrame, name: str, s: dict[str, Any], kind: str
) -> list[ReportIssue]:
    """The issues of one feature column: missing values, constant, ID-like, cardinality, skew, outliers."""
    rows = frame.height
    non_missing = rows - s["missing"]
    unique_non_null = _unique_non_null(frame, name, s)
    issues: list[ReportIssue] = []
    frac = s["missing"] / rows if rows else 0.0
    if frac > 0.2:
        issues.append(
            _issue(
                "heavy_missing",
                "high" if frac > 0.5 else "medium",
                f"Many missing values in {name}",
                f"{frac:.1%} of {name} is missing.",
                "Fill it (median, mode or a constant, with a missing-value indicator) or drop the column if it carries little signal.",
                [name],
            )
        )
    if rows and unique_non_null <= 1:
        issues.append(
            _issue(
                "constant_column",
                "medium",
                f"Constant column {name}",
                f"{name} has a single value{' (besides missing ones)' if s['missing'] else ''}.",
                "Drop it: a column with one value cannot help a model.",
                [name],
            )
        )
        return issues
    dtype = frame.schema[name]
    if (
        rows >= 50
        and non_missing
        and unique_non_null >= 0.95 * non_missing
        and unique_non_null > 50
        and (dtype == pl.String or dtype.is_integer())
    ):
        issues.append(
            _issue(
                "id_like",
                "medium",
                f"ID-like column {name}",
                f"{unique_non_null:,} distinct values in {non_missing:,} rows: nearly every row of {name} has its own value.",
                "Drop identifiers before training, or derive real features from them (a date, a prefix...).",
                [name],
            )
        )
        return issues
    if kind in ("categorical", "text") and unique_non_null > 100 and dtype == pl.String:
        issues.append(
            _issue(
                "high_cardinality",
                "low" if unique_non_null < 1000 else "medium",
                f"High cardinality in {name}",
                f"{name} has {unique_non_null:,} distinct values.",
                "Group rare categories, or use target-mean or frequency encoding instead of one-hot.",
                [name],
            )
        )
    if unique_non_null <= 2:
        # A binary (0/1 dummy) column: its skew only reflects how rare one value is, and a
        # log transform or clipping would not help; advise neither.
        return issues
    return issues + _distribution_issues(name, s)


def _distribution_issues(name: str, s: dict[str, Any]) -> list[ReportIssue]:
    """Skew and outliers of a numeric column with more than two values."""
    issues: list[ReportIssue] = []
    skew = s.get("skew")
    if skew is not None and math.isfinite(skew) and abs(skew) > 3:
        issues.append(
            _issue(
                "skew",
                "low",
                f"Skewed distribution of {name}",
                f"The skew of {name} is {skew:.2f}.",
                "A log or power transform makes it more symmetric (helps linear models; trees do not mind).",
                [name],
            )
        )
    out_frac = s.get("outlier_fraction") or 0.0
    if out_frac > 0.05:
        issues.append(
            _issue(
                "outliers",
                "low",
                f"Outliers in {name}",
                f"{out_frac:.1%} of {name} lies beyond 1.5 IQR of the quartiles.",
                "Check them; clip them (a 'Clip outliers' step) if they are errors or extreme but valid values that hurt the model.",
                [name],
            )
        )
    return issues


def _duplicate_issues(duplicates: int, rows: int) -> list[ReportIssue]:
    """An issue when rows repeat earlier rows."""
    if not duplicates:
        return []
    frac = duplicates / rows
    return [
        _issue(
            "duplicate_rows",
            "medium" if frac > 0.01 else "low",
            "Duplicate rows",
            f"{duplicates:,} rows ({frac:.1%}) repeat an earlier row.",
            "Drop them (a 'Drop duplicate rows' step) unless repeats are real events; duplicates also leak between training and validation folds.",
            [],
        )
    ]


def _correlations(
    frame: pl.DataFrame,
    features: list[str],
    stats: dict[str, dict[str, Any]],
    chart_specs: dict[str, dict[str, Any]],
) -> list[ReportIssue]:
    """The correlation heatmap of the numeric features and an issue per highly correlated pair."""
    numeric = [c for c in features if frame.schema[c].is_numeric() and stats[c]["unique"] > 1][:40]
    if len(numeric) < 2:
        return []
    from .analyses import correlation_rows

    rows = frame.height
    sample = frame.sample(min(rows, 200_000), seed=0) if rows > 200_000 else frame
    names, corr = correlation_rows(sample, numeric)
    cells = [
        {
            "x": a,
            "y": b,
            "value": round(float(corr[i, j]), 4) if np.isfinite(corr[i, j]) else None,
        }
        for i, a in enumerate(names)
        for j, b in enumerate(names)
    ]
    chart_specs["correlation"] = charts.heatmap(
        cells, title="Correlation of numeric columns (Pearson)"
    )
    issues: list[ReportIssue] = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            r = corr[i, j]
            if np.isfinite(r) and abs(r) >= 0.9:
                issues.append(
                    _issue(
                        "correlated_pair",
                        "medium" if abs(r) >= 0.97 else "low",
                        f"Highly correlated: {names[i]} and {names[j]}",
                        f"Their correlation is {r:.3f}.",
                        "Keep one of them for linear models, or combine them; tree models cope but importances get split.",
                        [names[i], names[j]],
                    )
                )
    return issues


def _feature_charts(
    frame: pl.DataFrame,
    features: list[str],
    kinds: dict[str, str],
    power: dict[str, float],
    chart_specs: dict[str, dict[str, Any]],
) -> None:
    """Histograms of the (at most 12) most predictive features, into ``chart_specs``."""
    ranked = sorted(features, key=lambda f: -(power.get(f) or 0.0)) if power else features
    for name in ranked[:12]:
        if kinds[name] in ("numeric", "datetime", "categorical", "boolean"):
            chart_specs[f"feature:{name}"] = charts.histogram(frame[name], bins=20, title=name)


def build_report(
    frame: pl.DataFrame,
    *,
    node_id: str,
    target: str | None = None,
    scope: str = "sample",
    title: str = "",
    model_rows: int = 30_000,
    power_rows: int = 20_000,
) -> InsightsReport:
    """Compute the insights report of a frame (a node's sample or all its rows)."""
    started = time.perf_counter()
    _check_target(frame, node_id, target)
    rows = frame.height
    stats = _column_stats(frame)
    kinds = {c: column_kind(frame[c]) for c in frame.columns}
    summary = _dataset_summary(frame, stats, kinds)
    issues: list[ReportIssue] = []
    chart_specs: dict[str, dict[str, Any]] = {}
    features = [c for c in frame.columns if c != target]

    target_summary = None
    quick = None
    power: dict[str, float] = {}
    if target is not None and rows:
        target_summary, dist = _target_summary(frame, target, stats, chart_specs)
        issues += _target_issues(target_summary, dist)
        quick = _quick_model(frame, target, model_rows, chart_specs)
        power, leaks = _prediction_power(frame, target, features, power_rows, chart_specs)
        issues += leaks

    for name in features:
        issues += _column_issues(frame, name, stats[name], kinds[name])
    issues += _duplicate_issues(summary.duplicate_rows, rows)
    issues += _correlations(frame, features, stats, chart_specs)
    _feature_charts(frame, features, kinds, power, chart_specs)

    order = {"high": 0, "medium": 1, "low": 2}
    issues.sort(key=lambda i: order[i.severity])
    samples = [
        {k: json_value(v) for k, v in row.items()} for row in frame.head(10).iter_rows(named=True)
    ]
    return InsightsReport(
        node_id=node_id,
        title=title or node_id,
        scope=scope,  # type: ignore[arg-type]
        summary=summary,
        target=target_summary,
        quick_model=quick,
        features=_feature_summaries(frame, stats, kinds, power),
        issues=issues,
        charts=chart_specs,
        samples=samples,
        definitions=DEFINITIONS,
        elapsed_seconds=time.perf_counter() - started,
    )


# -- HTML ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str | None:
    """Vega + Vega-Lite + vega-embed as one script (from vl-convert-python), or None.

    Bundling takes a few seconds, so the bundle is kept in the user's cache folder
    (``$XDG_CACHE_HOME/jupyter-studio``), one file per vl-convert version.
    """
    try:
        import vl_convert
    except ImportError:
        return None
    import os
    from pathlib import Path

    version = getattr(vl_convert, "__version__", "unknown")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jupyter-studio"
    cached = cache / f"vega-bundle-{version}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    try:
        bundle = vl_convert.javascript_bundle()
    except Exception:  # noqa: BLE001 - no bundle: fall back to SVG
        return None
    try:
        from .format import atomic_write_text

        atomic_write_text(cached, bundle)
    except OSError:
        pass
    return bundle


def _e(value: Any) -> str:
    return html.escape(str(value))


def svg_bars(spec: dict[str, Any], width: int = 420, height: int = 180) -> str:
    """A bar chart of a spec's data as inline SVG (the fallback when no Vega bundle is there)."""
    values = spec.get("data", {}).get("values", [])
    enc = spec.get("encoding", {})
    if not values or "layer" in spec:
        return "<p class='muted'>(chart needs the Vega bundle)</p>"
    xf = enc.get("x", {}).get("field")
    yf = enc.get("y", {}).get("field")
    if enc.get("x", {}).get("type") == "quantitative" and enc.get("y", {}).get("type") == "nominal":
        label_field, value_field = yf, xf
    elif "x2" in enc:
        label_field, value_field = xf, yf
    else:
        label_field, value_field = xf, yf
    pairs = [(v.get(label_field), v.get(value_field)) for v in values[:40]]
    nums = [float(p[1]) if isinstance(p[1], int | float) else 0.0 for p in pairs]
    top = max(nums + [1e-12])
    bar_w = width / max(1, len(pairs))
    rects = []
    for i, ((label, _), val) in enumerate(zip(pairs, nums, strict=True)):
        h = max(0.0, val) / top * (height - 20)
        lab = f"{label:.4g}" if isinstance(label, float) else label
        rects.append(
            f"<rect x='{i * bar_w:.1f}' y='{height - h:.1f}' width='{max(1.0, bar_w - 1):.1f}' height='{h:.1f}' fill='#4c78a8'><title>{_e(lab)}: {val:.4g}</title></rect>"
        )
    return f"<svg width='{width}' height='{height}' role='img'><text x='0' y='12' font-size='11'>{_e(spec.get('title', ''))}</text>{''.join(rects)}</svg>"


_SEVERITY_COLOURS = {"high": "#c0392b", "medium": "#d68910", "low": "#7f8c8d"}

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}"
    ".muted{color:#777}.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}.chart{margin:1em 0}"
    ".grid{display:flex;flex-wrap:wrap;gap:1em}.scroll{overflow-x:auto}dt{font-weight:600}"
)


def _summary_html(report: InsightsReport) -> str:
    """The title, the scope line and the dataset summary table."""
    s = report.summary
    rows = [
        ("Rows", f"{s.rows:,}"),
        ("Columns", s.columns),
        ("Column types", ", ".join(f"{k}: {v}" for k, v in s.column_types.items())),
        ("Missing cells", f"{s.missing_cells:,} ({s.missing_fraction:.2%})"),
        ("Duplicate rows", f"{s.duplicate_rows:,}"),
        ("Memory", f"{s.memory_bytes / 1e6:.1f} MB"),
    ]
    return (
        f"<h1>Data Quality and Insights: {_e(report.title)}</h1>"
        f"<p class='muted'>Node {_e(report.node_id)} · computed on {'the sample' if report.scope == 'sample' else 'all rows'} · {report.elapsed_seconds:.2f} s</p>"
        "<h2>Summary</h2><table>"
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )


def _issues_html(report: InsightsReport) -> str:
    """The issues table (or a line saying there are none)."""
    head = f"<h2>Issues ({len(report.issues)})</h2>"
    if not report.issues:
        return head + "<p>No issues found.</p>"
    return (
        head
        + "<table><tr><th>Severity</th><th>Issue</th><th>Detail</th><th>What to do</th></tr>"
        + "".join(
            f"<tr><td><span class='badge' style='background:{_SEVERITY_COLOURS[i.severity]}'>{i.severity}</span></td><td>{_e(i.title)}</td><td>{_e(i.detail)}</td><td>{_e(i.advice)}</td></tr>"
            for i in report.issues
        )
        + "</table>"
    )


def _target_html(report: InsightsReport) -> str:
    """The target's heading and problem type."""
    t = report.target
    if t is None:
        return ""
    imbalance = (
        f"; imbalance ratio: {t.imbalance_ratio:.3f}" if t.imbalance_ratio is not None else ""
    )
    return (
        f"<h2>Target: {_e(t.name)}</h2><p>Problem type: {_e(t.problem_type)}; missing: {t.missing:,}"
        + imbalance
        + "</p>"
    )


def _features_html(report: InsightsReport) -> str:
    """The per-column table."""
    return (
        "<h2>Features</h2><table><tr><th>Column</th><th>Type</th><th>Kind</th><th>Missing</th><th>Unique</th><th>Outliers</th><th>Prediction power</th></tr>"
        + "".join(
            f"<tr><td>{_e(f.name)}</td><td>{_e(f.dtype)}</td><td>{_e(f.kind)}</td><td>{f.missing_fraction:.1%}</td><td>{f.unique:,}</td><td>{'' if f.outlier_fraction is None else f'{f.outlier_fraction:.1%}'}</td><td>{'' if f.prediction_power is None else f'{f.prediction_power:.3f}'}</td></tr>"
            for f in report.features
        )
        + "</table>"
    )


def _samples_html(report: InsightsReport) -> str:
    """The first rows, as a scrollable table."""
    if not report.samples:
        return ""
    cols = list(report.samples[0])
    return (
        "<h2>Samples</h2><div class='scroll'><table><tr>"
        + "".join(f"<th>{_e(c)}</th>" for c in cols)
        + "</tr>"
        + "".join(
            "<tr>" + "".join(f"<td>{_e(r.get(c))}</td>" for c in cols) + "</tr>"
            for r in report.samples
        )
        + "</table></div>"
    )


def _definitions_html(report: InsightsReport) -> str:
    """The glossary of the terms the report uses."""
    return (
        "<h2>Definitions</h2><dl>"
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in report.definitions.items())
        + "</dl>"
    )


class _Charts:
    """Places chart containers in the page and remembers their specs for the embed script."""

    def __init__(self, report: InsightsReport, bundle: str | None) -> None:
        self.report = report
        self.bundle = bundle
        self.embedded: list[tuple[str, str]] = []

    def div(self, key: str) -> str:
        """The container of one chart (inline SVG bars without the Vega bundle); '' if absent."""
        spec = self.report.charts.get(key)
        if spec is None:
            return ""
        cid = f"chart-{len(self.embedded)}"
        self.embedded.append((cid, json.dumps(spec)))
        return f"<div class='chart' id='{cid}'>{'' if self.bundle else svg_bars(spec)}</div>"

    def script(self) -> str:
        """The Vega bundle and the calls that draw every placed chart ('' without the bundle)."""
        if not self.bundle:
            return ""
        calls = "\n".join(
            f"vegaEmbed('#{cid}', {spec}, {{renderer: 'svg', actions: false}}).catch(console.error);"
            for cid, spec in self.embedded
        )
        return f"<script type='text/javascript'>{self.bundle}</script>\n<script type='text/javascript'>\n{calls}\n</script>"


def render_html(report: InsightsReport, *, embed_js: bool = True) -> str:
    """The report as one standalone HTML file (no network needed to view it)."""
    chart = _Charts(report, vega_bundle() if embed_js else None)
    parts = [_summary_html(report), _issues_html(report)]
    if report.target is not None:
        parts += [_target_html(report), chart.div("target")]
    if report.quick_model is not None:
        q = report.quick_model
        parts.append(
            f"<h2>Quick model</h2><p>{_e(q.model)}, {q.folds}-fold cross-validated {_e(q.metric)}: <b>{q.score:.4f}</b> on {q.rows_used:,} rows.</p>"
        )
        parts.append(chart.div("feature_importance"))
    parts += [chart.div("prediction_power"), _features_html(report), chart.div("correlation")]
    feature_keys = [k for k in report.charts if k.startswith("feature:")]
    if feature_keys:
        parts.append("<h3>Distributions</h3><div class='grid'>")
        parts += [chart.div(key) for key in feature_keys]
        parts.append("</div>")
    parts += [_samples_html(report), _definitions_html(report)]
    return f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{_e(report.title)}: insights</title><style>{_STYLE}</style></head><body>\n{''.join(parts)}\n{chart.script()}\n</body></html>\n"
