"""The model registry: named, numbered model versions in MLflow's format, in spaces and homes."""
