"""Notebook displays (ipywidgets) for the Python API; kept out of the engine (``core``)."""
