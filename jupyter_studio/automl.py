"""Tabular AutoML from Python: ``from jupyter_studio.automl import AutoML``.

In a notebook, ``AutoML(...).fit(data)`` shows a live progress bar and the leaderboard so far
(ipywidgets); elsewhere it prints nothing. Pass ``progress=False`` to turn the display off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .core.automl.api import AutoML as _EngineAutoML
from .core.automl.api import AutoMLResult
from .core.automl.pipeline import TabularModel
from .core.automl.validate import validate_request, validate_settings


class AutoML(_EngineAutoML):
    """The engine's :class:`~jupyter_studio.core.automl.api.AutoML`, with a notebook display.

    ``progress``: None (default) shows the widgets when running in a notebook kernel with
    ipywidgets installed; True or False forces the choice.
    """

    progress: bool | None = None

    def __init__(self, *args: Any, progress: bool | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.progress = progress

    def _live(self) -> Any:
        if self.progress is False:
            return None
        from .widgets.automl import in_notebook

        if self.progress is None and not in_notebook():
            return None
        try:
            from .widgets.automl import LiveFit

            return LiveFit(self.settings.max_runtime).show()
        except ImportError:  # no ipywidgets: train without the display
            return None

    def fit(self, data: pd.DataFrame | str | Path) -> AutoMLResult:
        """Train (see the engine's ``fit``); in a notebook, follow it live."""
        live = self._live()
        if live is None:
            return super().fit(data)
        user_callback = self.hooks.on_candidate

        def on_candidate(row: dict[str, Any]) -> None:
            live.on_candidate(row)
            if user_callback is not None:
                user_callback(row)

        self.hooks.on_candidate = on_candidate
        try:
            result = super().fit(data)
        except BaseException as exc:
            live.finish(error=exc)
            raise
        finally:
            self.hooks.on_candidate = user_callback
        live.finish(result)
        return result


__all__ = ["AutoML", "AutoMLResult", "TabularModel", "validate_request", "validate_settings"]
