"""Model monitoring: training-data baselines, drift reports on captured requests or files, the job.

- :mod:`.baseline` computes the per-feature statistics saved beside a model version;
- :mod:`.capture_reader` turns an endpoint's data-capture JSON Lines files into a DataFrame;
- :mod:`.data` reads "current" data: CSV, Parquet and capture files, or folders of them;
- :mod:`.drift` compares current data with a baseline (PSI, KS or chi-square, missing values, types);
- :mod:`.report` renders a drift report as a standalone HTML file;
- :mod:`.job` is the ``model_monitor`` job kind.
"""
