"""The Studio engine: plain Python, no Jupyter server or Tornado imports."""
