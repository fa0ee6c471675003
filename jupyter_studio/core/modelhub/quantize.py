"""int8 dynamic quantization of a causal LM for CPU serving (imported only where torch is).

Decoding on a CPU is limited by reading the weights once per token: int8 weights read a quarter
of the bytes. Plain per-tensor int8 costs SmolLM2 about 17-26 % perplexity here, and fbgemm's
per-channel dynamic kernels gave garbage (torch 2.13), so:

- SmoothQuant (alpha 0.5, calibrated on a short text) moves activation outliers into the weights;
- each weight row is divided by its largest magnitude (per-output-channel scales on the
  per-tensor kernels) and the output multiplied back;
- ``torch.ao.quantization.quantize_dynamic`` then runs the Linear layers in int8, activations
  quantized per token at run time. The embedding and the tied output head stay float32.

The model keeps these modules, so it pickles (``torch.save``) and loads back without redoing it.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch

#: Calibration text for SmoothQuant (activation ranges of each Linear input): prose, a chat
#: turn and a short question, so instruction prompts are within the ranges seen.
CALIBRATION = (
    "Jupyter Studio is a self-hosted machine-learning workbench inside JupyterLab. A domain is one "
    "installation: a root folder on a shared filesystem, a metadata store and default settings. "
    "Each user gets a profile with a home folder; a space is a folder to work in, private or shared. "
    "Write a short story about a robot who learns to paint. Once upon a time, in a small town by "
    "the sea, there lived a curious robot named Pixel. Question: what are the three primary "
    "colours? Answer: red, yellow and blue."
)
SMOOTHING_ALPHA = 0.5


class _Smoothed(torch.nn.Module):
    """SmoothQuant: ``linear(x / s)`` where ``s`` moved into the weights' columns beforehand."""

    def __init__(self, inverse: Any, linear: Any) -> None:
        super().__init__()
        self.register_buffer("inverse", inverse)
        self.linear = linear

    def forward(self, x: Any) -> Any:
        return self.linear(x * self.inverse)


class _RowScaled(torch.nn.Module):
    """Per-output-channel int8 weights on per-tensor kernels: each weight row is divided by its
    largest magnitude (so one scale fits all rows) and the output is multiplied back."""

    def __init__(self, linear: Any) -> None:
        super().__init__()
        weight = linear.weight.detach()
        scale = weight.abs().amax(1).clamp(min=1e-8)
        self.inner = torch.nn.Linear(linear.in_features, linear.out_features, bias=False)
        self.inner.weight = torch.nn.Parameter(weight / scale[:, None], requires_grad=False)
        self.register_buffer("scale", scale)
        self.bias = linear.bias

    def forward(self, x: Any) -> Any:
        y = self.inner(x) * self.scale
        return y if self.bias is None else y + self.bias


def _decoder_linears(model: Any) -> list[tuple[Any, str, Any]]:
    found = []
    for name, module in list(model.named_modules()):
        if isinstance(module, torch.nn.Linear) and name != "lm_head" and "." in name:
            parent_name, _, child = name.rpartition(".")
            found.append((model.get_submodule(parent_name), child, module))
    return found


def _smooth(model: Any, tokenizer: Any, alpha: float) -> None:
    """Move activation outliers into the weights (SmoothQuant), calibrated on CALIBRATION."""
    linears = _decoder_linears(model)
    ranges: dict[int, Any] = {}
    hooks = []
    for _, _, linear in linears:

        def record(module: Any, args: Any) -> None:
            x = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(0)
            key = id(module)
            ranges[key] = torch.maximum(ranges[key], x) if key in ranges else x

        hooks.append(linear.register_forward_pre_hook(record))
    try:
        ids = tokenizer(CALIBRATION, return_tensors="pt")["input_ids"]
        with torch.inference_mode():
            model(input_ids=ids)
    finally:
        for hook in hooks:
            hook.remove()
    with torch.no_grad():
        for parent, child, linear in linears:
            act = ranges.get(id(linear))
            if act is None:
                continue
            weight = linear.weight.detach()
            s = (
                act.clamp(min=1e-5) ** alpha / weight.abs().amax(0).clamp(min=1e-5) ** (1 - alpha)
            ).clamp(min=1e-4, max=1e4)
            linear.weight = torch.nn.Parameter(weight * s[None, :], requires_grad=False)
            setattr(parent, child, _Smoothed(1.0 / s, linear))


def int8_dynamic(model: Any, tokenizer: Any = None, *, accurate: bool = True) -> Any:
    """The model with its decoder's Linear layers in int8 (see the module docstring);
    ``accurate=False`` skips SmoothQuant and the row scales (plain per-tensor int8)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated in favour of torchao
        from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic

        if accurate:
            if tokenizer is not None:
                _smooth(model, tokenizer, SMOOTHING_ALPHA)
            for parent, child, linear in _decoder_linears(model):
                setattr(parent, child, _RowScaled(linear))
        spec = {
            name: default_dynamic_qconfig
            for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear)
            and (name.endswith(".inner") if accurate else name != "lm_head")
        }
        return quantize_dynamic(model, spec, dtype=torch.qint8)
