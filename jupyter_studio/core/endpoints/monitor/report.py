"""A drift report as a standalone HTML file (and as JSON for the UI panel).

The HTML needs nothing at view time: styles are inline and each feature's chart (baseline vs
current fraction per bin) is an inline SVG drawn here, so the file opens offline, in the file
browser, or attached to an e-mail. ``report.json`` is :class:`~.drift.DriftReport` itself; a panel
can draw its own charts from each feature's ``bins``.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path

from .drift import BinComparison, DriftReport, FeatureDrift

__all__ = ["render_html", "render_svg_chart", "write_report"]

HTML_FILE = "report.html"
JSON_FILE = "report.json"
BASELINE_COLOR = "#9aa5b1"
CURRENT_COLOR = "#2563eb"
DRIFT_COLOR = "#dc2626"

_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 0 0 6px; }
.meta { color: #52606d; margin: 0 0 16px; }
.banner { padding: 10px 14px; border-radius: 6px; margin: 12px 0; font-weight: 600; }
.banner.ok { background: #e3f9e5; color: #05400a; } .banner.drift { background: #ffe3e3; color: #610404; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.drift td:first-child { border-left: 3px solid #dc2626; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; }
.badge.ok { background: #e3f9e5; color: #05400a; } .badge.drift { background: #ffe3e3; color: #610404; }
.badge.missing { background: #fff3c4; color: #5c4813; }
.flag { color: #b91c1c; } ul.flags { margin: 4px 0 8px; padding-left: 18px; }
.features { display: flex; flex-wrap: wrap; gap: 16px; }
.feature { border: 1px solid #e4e7eb; border-radius: 6px; padding: 12px; flex: 1 1 460px; overflow-x: auto; }
.feature table td, .feature table th { padding: 2px 6px; font-size: 13px; }
.notes { color: #52606d; }
svg text { font: 11px system-ui, sans-serif; fill: #52606d; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value != 0 and (abs(value) < 10**-digits or abs(value) >= 1e6):
        return f"{value:.2e}"
    return f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _short(label: str, size: int = 16) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def render_svg_chart(bins: BinComparison, *, flagged: bool = False, title: str = "") -> str:
    """Grouped bars of the baseline and current fraction per bin, as an inline ``<svg>``."""
    count = len(bins.labels)
    group = 34 if count > 12 else 44
    left, top, plot_height, label_room = 44, 22, 130, 76
    width = max(260, left + group * max(count, 1) + 12)
    height = top + plot_height + label_room
    peak = max([*bins.baseline, *bins.current, 0.0]) or 1.0
    peak = min(1.0, math.ceil(peak * 20) / 20)  # round up to 5 %
    current_color = DRIFT_COLOR if flagged else CURRENT_COLOR
    bar = (group - 10) / 2
    parts = [
        f'<svg role="img" aria-label="{_e(title or "histogram")}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for fraction in (0.0, peak / 2, peak):
        y = top + plot_height - fraction / peak * plot_height
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{fraction * 100:.3g}%</text>'
        )
    for i, label in enumerate(bins.labels):
        x = left + i * group + 5
        tip = (
            f"{label}: baseline {bins.baseline[i]:.1%} ({bins.baseline_counts[i]}), "
            f"current {bins.current[i]:.1%} ({bins.current_counts[i]})"
        )
        for offset, value, color in (
            (0.0, bins.baseline[i], BASELINE_COLOR),
            (bar, bins.current[i], current_color),
        ):
            h = min(value, peak) / peak * plot_height
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{top + plot_height - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{color}"><title>{_e(tip)}</title></rect>'
            )
        lx, ly = x + bar, top + plot_height + 10
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="end" '
            f'transform="rotate(-40 {lx:.1f} {ly:.1f})">{_e(_short(label))}'
            f"<title>{_e(label)}</title></text>"
        )
    legend_x = width - 170
    parts.append(
        f'<rect x="{legend_x}" y="4" width="10" height="10" fill="{BASELINE_COLOR}"/>'
        f'<text x="{legend_x + 14}" y="13">baseline</text>'
        f'<rect x="{legend_x + 80}" y="4" width="10" height="10" fill="{current_color}"/>'
        f'<text x="{legend_x + 94}" y="13">current</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _status_badge(feature: FeatureDrift) -> str:
    label = {"ok": "ok", "drift": "drift", "missing": "missing"}[feature.status]
    return f'<span class="badge {feature.status}">{label}</span>'


def _test_name(feature: FeatureDrift) -> str:
    return {"ks": "KS", "chi_square": "chi-square", None: "–"}[feature.test]


def _table(report: DriftReport) -> str:
    rows = []
    for i, f in enumerate(report.features):
        violations = (
            f"{f.type_violations} ({_pct(f.type_violation_fraction)})" if f.type_violations else "0"
        )
        flags = "<br>".join(f'<span class="flag">{_e(flag.message)}</span>' for flag in f.flags)
        rows.append(
            f'<tr class="{f.status}"><td><a href="#feature-{i}">{_e(f.name)}</a></td>'
            f"<td>{f.type}</td><td>{_status_badge(f)}</td>"
            f'<td class="num">{_num(f.psi)}</td><td>{_test_name(f)}</td>'
            f'<td class="num">{_num(f.statistic)}</td><td class="num">{_num(f.p_value)}</td>'
            f'<td class="num">{_pct(f.baseline_missing_fraction)} → '
            f"{_pct(f.current_missing_fraction)}</td>"
            f'<td class="num">{violations}</td><td>{flags or "–"}</td></tr>'
        )
    return (
        "<table><thead><tr><th>Feature</th><th>Type</th><th>Status</th><th>PSI</th><th>Test</th>"
        "<th>Statistic</th><th>p-value</th><th>Missing (baseline → current)</th>"
        "<th>Type violations</th><th>Flags</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _feature_section(index: int, f: FeatureDrift) -> str:
    parts = [
        f'<div class="feature" id="feature-{index}"><h3>{_e(f.name)} {_status_badge(f)}</h3>',
    ]
    if f.flags:
        parts.append(
            '<ul class="flags">'
            + "".join(f'<li class="flag">{_e(flag.message)}</li>' for flag in f.flags)
            + "</ul>"
        )
    if f.bins is not None:
        parts.append(render_svg_chart(f.bins, flagged=f.status == "drift", title=f.name))
    elif f.status != "missing":
        parts.append("<p>No values to compare.</p>")
    details: list[tuple[str, str, str]] = []
    for key in ("mean", "std", "min", "p50", "max"):
        if key in f.baseline_summary or key in f.current_summary:
            details.append(
                (
                    key,
                    _num(f.baseline_summary.get(key), 4),
                    _num(f.current_summary.get(key), 4),
                )
            )
    details.append(("values", str(f.baseline_count), str(f.current_count)))
    if f.out_of_range_fraction is not None:
        details.append(("outside baseline range", "", _pct(f.out_of_range_fraction)))
    if f.unseen_categories:
        details.append(("not in baseline categories", "", ", ".join(f.unseen_categories)))
    if f.type_violation_examples:
        details.append(("wrong-type examples", "", ", ".join(f.type_violation_examples)))
    parts.append(
        "<table><thead><tr><th></th><th>baseline</th><th>current</th></tr></thead><tbody>"
        + "".join(
            f'<tr><td>{_e(k)}</td><td class="num">{_e(b)}</td><td class="num">{_e(c)}</td></tr>'
            for k, b, c in details
        )
        + "</tbody></table></div>"
    )
    return "".join(parts)


def render_html(report: DriftReport, *, title: str | None = None) -> str:
    """The whole report as one self-contained HTML document (no scripts, no external files)."""
    model = ""
    if report.model_name:
        model = report.model_name + (
            f" version {report.model_version}" if report.model_version is not None else ""
        )
    heading = title or (f"Drift report: {model}" if model else "Drift report")
    summary = report.summary
    t = report.thresholds
    meta = [f"created {report.created_at}"]
    if report.data:
        meta.append(f"data: {report.data}")
    meta.append(f"baseline rows: {summary.baseline_rows}, current rows: {summary.current_rows}")
    body = [
        f"<h1>{_e(heading)}</h1>",
        f'<p class="meta">{" · ".join(_e(m) for m in meta)}</p>',
        f'<div class="banner {summary.status}">{_e(summary.message)}</div>',
        f'<p class="meta">Thresholds: PSI &gt; {t.psi:g}; test p-value &lt; {t.p_value:g}; '
        f"missing values more than {t.missing:.0%} above the baseline; "
        f"type violations above {t.type_violations:.0%}.</p>",
    ]
    if summary.missing_columns:
        body.append(
            f"<p><strong>Missing columns:</strong> {_e(', '.join(summary.missing_columns))}</p>"
        )
    if summary.extra_columns:
        body.append(
            "<p><strong>Columns not in the baseline:</strong> "
            f"{_e(', '.join(summary.extra_columns))}</p>"
        )
    body += ["<h2>Features</h2>", _table(report), "<h2>Distributions</h2>"]
    body.append(
        '<div class="features">'
        + "".join(_feature_section(i, f) for i, f in enumerate(report.features))
        + "</div>"
    )
    if report.notes:
        body.append(
            '<h2>Notes</h2><ul class="notes">'
            + "".join(f"<li>{_e(n)}</li>" for n in report.notes)
            + "</ul>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(heading)}</title><style>{_STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def _write(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def write_report(report: DriftReport, folder: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.json`` into ``folder``; returns their paths."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    html_path, json_path = target / HTML_FILE, target / JSON_FILE
    _write(json_path, report.model_dump_json(indent=1))
    _write(html_path, render_html(report))
    return html_path, json_path
