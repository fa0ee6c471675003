"""The live display of ``AutoML.fit`` in a notebook: a progress bar and the leaderboard so far.

The engine calls ``on_candidate`` from its worker threads; the widgets are updated from there
(ipywidgets sends the new state to the front end over the kernel's comm, which is thread-safe
enough for value updates) and a timer thread moves the bar with the elapsed time.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any

LOWER_IS_BETTER = {"log_loss", "mse", "rmse", "mae"}
SHOWN_ROWS = 15


def in_notebook() -> bool:
    """True inside an IPython kernel that can show widgets (not a terminal IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def leaderboard_html(rows: list[dict[str, Any]], limit: int = SHOWN_ROWS) -> str:
    """An HTML table of the finished candidates, best first, the best one marked."""
    done = [r for r in rows if r.get("status") == "completed" and r.get("objective") is not None]
    failed = len([r for r in rows if r.get("status") != "completed"])
    if not done:
        return "<i>No candidate has finished yet.</i>"
    metric = done[0].get("objective_metric") or "objective"
    done.sort(key=lambda r: r["objective"], reverse=metric not in LOWER_IS_BETTER)
    body = []
    for i, r in enumerate(done[:limit]):
        mark = "★ " if i == 0 else ""
        body.append(
            "<tr>"
            f"<td>{i + 1}</td><td>{mark}{html.escape(str(r['candidate']))}</td>"
            f"<td>{html.escape(str(r.get('algorithm', '')))}</td>"
            f"<td>{r['objective']:.5g}</td>"
            f"<td>{float(r.get('training_seconds') or 0):.1f}</td>"
            "</tr>"
        )
    more = len(done) - limit
    footer = []
    if more > 0:
        footer.append(f"{more} more")
    if failed:
        footer.append(f"{failed} failed or skipped")
    return (
        "<table><thead><tr><th>#</th><th>Candidate</th><th>Algorithm</th>"
        f"<th>{html.escape(metric)}</th><th>Seconds</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
        + (f"<div><i>{', '.join(footer)}</i></div>" if footer else "")
    )


class LiveFit:
    """A progress bar over the time budget and a leaderboard that fills as candidates finish."""

    def __init__(self, max_runtime: float, interval: float = 0.5):
        import ipywidgets as widgets

        self.max_runtime = float(max_runtime)
        self.rows: list[dict[str, Any]] = []
        self.started = time.monotonic()
        self.bar = widgets.FloatProgress(
            value=0.0, min=0.0, max=1.0, description="AutoML", bar_style="info"
        )
        self.label = widgets.Label("checking the data")
        self.table = widgets.HTML(leaderboard_html([]))
        self.box = widgets.VBox([widgets.HBox([self.bar, self.label]), self.table])
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._interval = interval
        self._timer: threading.Thread | None = None

    def show(self) -> LiveFit:
        """Display the widgets and start moving the bar."""
        from IPython.display import display

        display(self.box)
        self._timer = threading.Thread(target=self._tick, name="automl-progress", daemon=True)
        self._timer.start()
        return self

    def _tick(self) -> None:
        while not self._done.wait(self._interval):
            elapsed = time.monotonic() - self.started
            self.bar.value = min(0.99, elapsed / self.max_runtime)

    def on_candidate(self, row: dict[str, Any]) -> None:
        """The engine's callback: one more leaderboard row."""
        with self._lock:
            self.rows.append(row)
            rows = list(self.rows)
        done = len([r for r in rows if r.get("status") == "completed"])
        elapsed = time.monotonic() - self.started
        self.label.value = f"{done} candidates, {elapsed:.0f} s of {self.max_runtime:.0f} s"
        self.table.value = leaderboard_html(rows)

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        """Stop the timer and show the outcome."""
        self._done.set()
        if error is not None:
            self.bar.bar_style = "danger"
            self.label.value = f"failed: {error}"
            return
        self.bar.value = 1.0
        self.bar.bar_style = "success"
        if result is not None:
            self.label.value = (
                f"done in {result.elapsed:.0f} s: best {result.best_candidate} "
                f"({result.objective_metric})"
            )
            rows = result.leaderboard().to_dict(orient="records")
            self.table.value = leaderboard_html(rows)
