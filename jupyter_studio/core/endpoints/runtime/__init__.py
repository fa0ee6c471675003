"""The model-server process of an endpoint: one model version behind the SageMaker inference contract.

- :mod:`.payloads` turns an invocation body into a DataFrame checked against the model's input
  schema, and predictions into the response body;
- :mod:`.model` loads an MLflow model folder once and predicts (fast path for scikit-learn);
- :mod:`.capture` appends sampled requests and responses to rotated JSON Lines files;
- :mod:`.stats` keeps request counts and latencies in memory shared by the worker processes;
- :mod:`.model_server` is the process itself: ``python -m jupyter_studio.core.endpoints.runtime.model_server``.

Nothing here imports the Jupyter server; this package is importable without importing MLflow, so the
supervisor process stays small and forks its workers before any heavy import.
"""
