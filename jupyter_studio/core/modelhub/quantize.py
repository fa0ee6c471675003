"""int8 dynamic quantization of a causal LM for CPU serving (imported only where torch is).

Decoding on a CPU is limited by reading the weights once per token: int8 weights read a quarter
of the bytes (SmolLM2: 64 -> 29 ms of CPU per token, 2.2x). Plain per-tensor int8 costs SmolLM2
17-26 % perplexity here, and fbgemm's per-channel dynamic kernels gave garbage (torch 2.13), so:

- SmoothQuant (alpha 0.5, calibrated on a short text) moves activation outliers into the weights;
- each weight row is divided by its largest magnitude (per-output-channel scales on the
  per-tensor kernels) and the output multiplied back;
- Linear layers that read the same input (q/k/v, gate/up) become one product, so each token
  makes four int8 kernel calls per layer instead of seven (Python overhead dominates this small
  model's steps);
- ``torch.ao.quantization.quantize_dynamic`` then runs the Linear layers in int8, activations
  quantized per token at run time. The output head is quantized too (its own int8 copy: the
  embedding it is tied to stays float32).

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


class _ScaledLinear(torch.nn.Module):
    """``inner(x * pre) * post + bias``: ``pre`` undoes SmoothQuant's column scaling (moved into
    the weights), ``post`` restores the per-row scale that normalized every weight row, so the
    per-tensor int8 kernel of ``inner`` has per-output-channel accuracy. One module, two products."""

    def __init__(self, linear: Any, smoothing: Any = None) -> None:
        super().__init__()
        weight = linear.weight.detach()
        if smoothing is not None:
            weight = weight * smoothing[None, :]
            self.register_buffer("pre", 1.0 / smoothing)
        else:
            self.pre = None
        post = weight.abs().amax(1).clamp(min=1e-8)
        self.inner = torch.nn.Linear(linear.in_features, linear.out_features, bias=False)
        self.inner.weight = torch.nn.Parameter(weight / post[:, None], requires_grad=False)
        self.register_buffer("post", post)
        self.bias = linear.bias

    def forward(self, x: Any) -> Any:
        if self.pre is not None:
            x = x * self.pre
        if x.dim() > 1 and x.shape[-2] > 1:
            # Several tokens (a prompt): the kernel quantizes the whole input on one range, which
            # the first token's huge activations would take over; each token gets its own range.
            scale = x.abs().amax(-1, keepdim=True).clamp(min=1e-6)
            y = self.inner(x / scale) * scale * self.post
        else:
            y = self.inner(x) * self.post
        return y if self.bias is None else y + self.bias


class _FusedLinears(torch.nn.Module):
    """Several Linear layers that read the same input (attention's q/k/v, the MLP's gate/up) as
    one :class:`_ScaledLinear`-style int8 product: one activation quantization and one kernel
    call instead of three or two. :class:`_FusedPart` modules stand where the layers were; the
    first to see an input computes every output, the others take their slice."""

    def __init__(self, linears: list[Any], act: Any = None) -> None:
        super().__init__()
        weight = torch.cat([linear.weight.detach() for linear in linears])
        smoothing = _smoothing(act, weight, SMOOTHING_ALPHA) if act is not None else None
        self.scaled = _ScaledLinear(_concatenated(linears, weight), smoothing)
        self.sizes = [linear.out_features for linear in linears]
        self._input: Any = None
        self._outputs: Any = None
        self._taken = 0

    def output(self, x: Any, index: int) -> Any:
        if x is not self._input:
            self._input, self._outputs, self._taken = x, self.scaled(x).split(self.sizes, -1), 0
        out = self._outputs[index]
        self._taken += 1
        if self._taken == len(self.sizes):  # every part served: do not keep the tensors alive
            self._input = self._outputs = None
        return out


class _FusedPart(torch.nn.Module):
    """The ``index``-th output of a :class:`_FusedLinears` (what a model's q_proj calls)."""

    def __init__(self, fused: _FusedLinears, index: int) -> None:
        super().__init__()
        self.fused = fused
        self.index = index

    def forward(self, x: Any) -> Any:
        return self.fused.output(x, self.index)


def _concatenated(linears: list[Any], weight: Any) -> Any:
    """One float Linear whose rows are those of ``linears`` (biases too, zeros where missing)."""
    merged = torch.nn.Linear(weight.shape[1], weight.shape[0], bias=False)
    merged.weight = torch.nn.Parameter(weight, requires_grad=False)
    if any(linear.bias is not None for linear in linears):
        merged.bias = torch.nn.Parameter(
            torch.cat(
                [
                    linear.bias.detach()
                    if linear.bias is not None
                    else torch.zeros(linear.out_features)
                    for linear in linears
                ]
            ),
            requires_grad=False,
        )
    return merged


#: Sibling Linear layers that read one input, fused when a module has all of them.
FUSED_GROUPS = (("q_proj", "k_proj", "v_proj"), ("gate_proj", "up_proj"))


def _fuse_siblings(model: Any, ranges: dict[int, Any]) -> set[int]:
    """Replace every group of :data:`FUSED_GROUPS` by one fused product; ids of the fused."""
    fused: set[int] = set()
    for module in list(model.modules()):
        for names in FUSED_GROUPS:
            linears = [getattr(module, name, None) for name in names]
            if not all(isinstance(linear, torch.nn.Linear) for linear in linears):
                continue
            group = _FusedLinears(linears, ranges.get(id(linears[0])))
            for index, name in enumerate(names):
                setattr(module, name, _FusedPart(group, index))
            fused.update(id(linear) for linear in linears)
    return fused


def _decoder_linears(model: Any, head: bool = True) -> list[tuple[Any, str, Any]]:
    """``(parent, attribute, Linear)`` of every Linear layer (the output head too if ``head``)."""
    found = []
    for name, module in list(model.named_modules()):
        if not isinstance(module, torch.nn.Linear):
            continue
        if name == "lm_head":
            if head:
                found.append((model, "lm_head", module))
        elif "." in name:
            parent_name, _, child = name.rpartition(".")
            found.append((model.get_submodule(parent_name), child, module))
    return found


def _activation_ranges(model: Any, tokenizer: Any, linears: list[Any]) -> dict[int, Any]:
    """The largest magnitude of each input channel of each Linear on CALIBRATION."""
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
    return ranges


def _smoothing(act: Any, weight: Any, alpha: float) -> Any:
    """SmoothQuant's per-input-channel factors ``max|x|^a / max|w|^(1-a)``."""
    return (
        act.clamp(min=1e-5) ** alpha / weight.abs().amax(0).clamp(min=1e-5) ** (1 - alpha)
    ).clamp(min=1e-4, max=1e4)


def int8_dynamic(model: Any, tokenizer: Any = None, *, accurate: bool = True) -> Any:
    """The model with its decoder's Linear layers in int8 (see the module docstring);
    ``accurate=False`` skips SmoothQuant and the row scales (plain per-tensor int8)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated in favour of torchao
        from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic

        if accurate:
            linears = _decoder_linears(model)
            ranges = _activation_ranges(model, tokenizer, linears) if tokenizer is not None else {}
            with torch.no_grad():
                fused = _fuse_siblings(model, ranges)
                for parent, child, linear in linears:
                    if id(linear) in fused:
                        continue
                    act = ranges.get(id(linear))
                    smoothing = (
                        _smoothing(act, linear.weight.detach(), SMOOTHING_ALPHA)
                        if act is not None
                        else None
                    )
                    setattr(parent, child, _ScaledLinear(linear, smoothing))
        spec = {
            name: default_dynamic_qconfig
            for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear)
            and (name.endswith(".inner") if accurate else name != "lm_head")
        }
        return quantize_dynamic(model, spec, dtype=torch.qint8)
