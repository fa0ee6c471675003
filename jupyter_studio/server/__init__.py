"""Jupyter Server extension: thin REST handlers over the Studio engine."""
