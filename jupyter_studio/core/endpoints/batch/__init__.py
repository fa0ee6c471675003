"""Batch transform: score whole CSV or Parquet files with a model version, in chunks.

- :mod:`.transform` streams input files through the model into one output file;
- :mod:`.job` is the ``batch_transform`` job kind.
"""
