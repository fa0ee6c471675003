"""Experiments: MLflow runs in the domain's tracking store, linked to the jobs that made them."""
