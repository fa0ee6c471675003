"""The model hub from Python: ``from jupyter_studio.modelhub import ModelHub``.

>>> hub = ModelHub()
>>> [card.id for card in hub.list(task="text-generation")]
['smollm2-135m-instruct', 'gemma3-270m']
>>> hub.deploy("smollm2-135m-instruct", endpoint_name="smol")      # waits until InService
>>> hub.generate("smol", "Name three primary colours.", max_new_tokens=32)
>>> for piece in hub.stream("smol", "Write a haiku about the sea."):
...     print(piece, end="", flush=True)
>>> hub.deploy("gemma3-270m", endpoint_name="gemma", accept_eula=True)   # gated: Gemma Terms of Use
"""

from .core.endpoints.predictor import InvocationError
from .core.modelhub.client import ModelHub

__all__ = ["InvocationError", "ModelHub"]
