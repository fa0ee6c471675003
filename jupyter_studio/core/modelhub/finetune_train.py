"""The training loops of the ``finetune`` job (worker side; torch and peft imported here).

Two tasks share one loop (:class:`Trainer`):

- *classification* on all-MiniLM-L6-v2: LoRA adapters on the encoder's attention (``query``,
  ``value``) and a linear head on the normalised sentence embedding, trained with cross-entropy
  (``method="head"`` trains the head alone);
- *generation* on SmolLM2 (or Gemma 3 once its license is accepted): LoRA on ``q/k/v/o``, the
  instruction as a user turn of the chat template, the loss on the response tokens only.

Batches are drawn from a permutation seeded by ``seed`` and the epoch, so a resumed run sees the
batches the stopped one would have seen. A checkpoint holds only the trainable tensors (adapter and
head), the optimizer state and ``state.json``; it is written beside and renamed into place.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .finetune import CHECKPOINT_DIR, LOSS_FILE, FinetuneParameters, TrainableModel
from .finetune_models import chat_prompt, load_causal_lm, load_sentence_transformer

__all__ = ["ClassificationTask", "GenerationTask", "Trainer", "TrainingStopped"]


class TrainingStopped(Exception):
    """The job was asked to stop; the last checkpoint was saved at ``step``."""

    def __init__(self, step: int):
        super().__init__(f"stopped at step {step}")
        self.step = step


# ------------------------------------------------------------------ tasks
class ClassificationTask:
    """MiniLM + LoRA + linear head over texts and labels."""

    def __init__(self, params: FinetuneParameters, model: TrainableModel, frame: Any):
        import torch
        from peft import LoraConfig, get_peft_model

        self.params = params
        self.texts = [str(x) for x in frame[params.text_column].tolist()]
        raw_labels = [str(x) for x in frame[params.label_column].tolist()]
        self.labels = sorted(set(raw_labels))
        index = {label: i for i, label in enumerate(self.labels)}
        self.targets = [index[x] for x in raw_labels]
        torch.manual_seed(params.seed)
        self.encoder = load_sentence_transformer()
        self.encoder.max_seq_length = min(params.max_length, 256)
        self.peft = None
        if params.method == "lora":
            config = LoraConfig(
                r=params.lora_r,
                lora_alpha=params.lora_alpha or 2 * params.lora_r,
                lora_dropout=params.lora_dropout,
                target_modules=list(model.lora_targets),
            )
            # injects the adapters into the encoder's own BertModel (same object, used in place)
            self.peft = get_peft_model(self.encoder[0].auto_model, config)
        else:
            for weight in self.encoder.parameters():
                weight.requires_grad_(False)
        dimension = (
            getattr(self.encoder, "get_embedding_dimension", None)
            or self.encoder.get_sentence_embedding_dimension
        )
        dim = dimension()
        self.head = torch.nn.Linear(dim, len(self.labels))
        self.size = len(self.texts)

    def modules(self) -> dict[str, Any]:
        return {"encoder": self.encoder, "head": self.head}

    def parameter_groups(self, learning_rate: float) -> list[dict[str, Any]]:
        """The adapter at ``learning_rate``, the head (starting from zero) ten times faster."""
        groups = [{"params": list(self.head.parameters()), "lr": learning_rate * 10}]
        adapter = [p for p in self.encoder.parameters() if p.requires_grad]
        if adapter:
            groups.append({"params": adapter, "lr": learning_rate})
        return groups

    def loss(self, rows: list[int]) -> Any:
        import torch

        prepare = getattr(self.encoder, "preprocess", None) or self.encoder.tokenize
        features = prepare([self.texts[i] for i in rows])
        embedding = self.encoder(features)["sentence_embedding"]
        logits = self.head(embedding)
        target = torch.tensor([self.targets[i] for i in rows])
        return torch.nn.functional.cross_entropy(logits, target)

    def train_mode(self, on: bool) -> None:
        self.encoder.train(on)
        self.head.train(on)

    def state_extra(self) -> dict[str, Any]:
        return {"labels": self.labels}

    def save_final(self, folder: Path) -> dict[str, Path]:
        """Merge the adapter and save ``encoder/`` and ``head/``; the artifact paths."""
        from safetensors.torch import save_file

        if self.peft is not None:
            self.peft.merge_and_unload()  # in place: the encoder's BertModel loses its adapters
        encoder_dir, head_dir = folder / "encoder", folder / "head"
        self.encoder.save(str(encoder_dir))
        head_dir.mkdir(parents=True, exist_ok=True)
        save_file(
            {
                "weight": self.head.weight.detach().contiguous(),
                "bias": self.head.bias.detach().contiguous(),
            },
            str(head_dir / "head.safetensors"),
        )
        (head_dir / "labels.json").write_text(json.dumps({"labels": self.labels}))
        return {"model": encoder_dir, "head": head_dir}


class GenerationTask:
    """A causal LM + LoRA on instruction/response pairs (loss on the response only)."""

    def __init__(
        self,
        params: FinetuneParameters,
        model: TrainableModel,
        frame: Any,
        cache_root: Path | None,
        log: Callable[[str], None],
    ):
        import torch
        from peft import LoraConfig, get_peft_model

        if params.method != "lora":
            raise ValueError("generation fine-tuning supports method 'lora' only")
        torch.manual_seed(params.seed)
        started = time.monotonic()
        base, self.tokenizer = load_causal_lm(model.id, cache_root)
        log(f"loaded {model.id} in {time.monotonic() - started:.1f} s")
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        config = LoraConfig(
            r=params.lora_r,
            lora_alpha=params.lora_alpha or 2 * params.lora_r,
            lora_dropout=params.lora_dropout,
            target_modules=list(model.lora_targets),
            task_type="CAUSAL_LM",
        )
        self.model = get_peft_model(base, config)
        self.examples = [
            self._encode(str(i), str(r), params.max_length)
            for i, r in zip(
                frame[params.instruction_column].tolist(),
                frame[params.response_column].tolist(),
                strict=True,
            )
        ]
        self.size = len(self.examples)

    def _encode(self, instruction: str, response: str, limit: int) -> tuple[list[int], list[int]]:
        tok = self.tokenizer
        prompt = tok(chat_prompt(tok, instruction), add_special_tokens=False)["input_ids"]
        answer = tok(response, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
        ids = (prompt + answer)[-limit:] if len(prompt) + len(answer) > limit else prompt + answer
        labels = ([-100] * len(prompt) + answer)[-len(ids) :]
        return ids, labels

    def modules(self) -> dict[str, Any]:
        return {"model": self.model}

    def parameter_groups(self, learning_rate: float) -> list[dict[str, Any]]:
        return [
            {"params": [p for p in self.model.parameters() if p.requires_grad], "lr": learning_rate}
        ]

    def loss(self, rows: list[int]) -> Any:
        import torch

        batch = [self.examples[i] for i in rows]
        width = max(len(ids) for ids, _ in batch)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([i + [pad] * (width - len(i)) for i, _ in batch])
        labels = torch.tensor([lab + [-100] * (width - len(lab)) for _, lab in batch])
        mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i, _ in batch])
        return self.model(input_ids=ids, attention_mask=mask, labels=labels).loss

    def train_mode(self, on: bool) -> None:
        self.model.train(on)

    def state_extra(self) -> dict[str, Any]:
        return {}

    def save_final(self, folder: Path) -> dict[str, Path]:
        merged = self.model.merge_and_unload()
        target = folder / "transformers"
        merged.save_pretrained(str(target))
        self.tokenizer.save_pretrained(str(target))
        return {"model": target}


# ------------------------------------------------------------------ loop
@dataclass
class Trainer:
    """Runs ``max_steps`` steps of a task, writing the loss and checkpoints into ``output``."""

    task: Any
    params: FinetuneParameters
    model: TrainableModel
    output: Path
    should_stop: Callable[[], bool]
    on_step: Callable[[int, float], None] = lambda step, loss: None
    log: Callable[[str], None] = print
    job_id: str = ""
    start_step: int = 0
    _optimizer: Any = field(default=None, init=False)

    @property
    def learning_rate(self) -> float:
        return self.params.learning_rate or self.model.default_learning_rate

    def _batch(self, step: int) -> list[int]:
        """Rows of step ``step`` (0-based): consecutive slices of a per-epoch permutation."""
        size, batch = self.task.size, min(self.params.batch_size, self.task.size)
        per_epoch = max(1, size // batch)
        epoch, position = divmod(step, per_epoch)
        order = list(range(size))
        random.Random(f"{self.params.seed}:{epoch}").shuffle(order)
        return order[position * batch : (position + 1) * batch]

    def epoch_of(self, step: int) -> float:
        batch = min(self.params.batch_size, self.task.size)
        return round(step / max(1, self.task.size // batch), 4)

    def _trainable(self) -> dict[str, Any]:
        out = {}
        for prefix, module in self.task.modules().items():
            for name, weight in module.named_parameters():
                if weight.requires_grad:
                    out[f"{prefix}.{name}"] = weight
        return out

    # -------------------------------------------------------------- checkpoints
    def save_checkpoint(self, step: int) -> Path:
        """Write ``checkpoint/`` for ``step`` completed steps (atomically replaced)."""
        import torch
        from safetensors.torch import save_file

        target = self.output / CHECKPOINT_DIR
        staging = self.output / f".checkpoint-{uuid.uuid4().hex[:8]}"
        staging.mkdir(parents=True)
        save_file(
            {k: v.detach().contiguous() for k, v in self._trainable().items()},
            str(staging / "trainable.safetensors"),
        )
        torch.save(self._optimizer.state_dict(), staging / "optimizer.pt")
        state = {
            "step": step,
            "model_id": self.model.id,
            "task": self.model.task if self.params.task is None else self.params.task,
            "method": self.params.method,
            "lora_r": self.params.lora_r,
            "seed": self.params.seed,
            "job_id": self.job_id,
            "saved_at": time.time(),
            **self.task.state_extra(),
        }
        (staging / "state.json").write_text(json.dumps(state, indent=1))
        old = self.output / f".old-checkpoint-{uuid.uuid4().hex[:8]}"
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        return target

    def load_checkpoint(self, folder: Path) -> int:
        """Restore the trainable tensors and the optimizer; the step to continue from."""
        import torch
        from safetensors.torch import load_file

        state = json.loads((folder / "state.json").read_text())
        saved = load_file(str(folder / "trainable.safetensors"))
        current = self._trainable()
        unknown = set(saved) - set(current)
        if unknown:
            raise ValueError(f"checkpoint does not fit this model: {sorted(unknown)[:3]}")
        with torch.no_grad():
            for name, value in saved.items():
                current[name].copy_(value)
        self._optimizer.load_state_dict(torch.load(folder / "optimizer.pt", weights_only=True))
        return int(state["step"])

    # -------------------------------------------------------------- loop
    def run(self, resume: Path | None = None) -> list[float]:
        """Train to ``max_steps``; the losses of the steps run here. Raises TrainingStopped."""
        import torch

        self._optimizer = torch.optim.AdamW(
            self.task.parameter_groups(self.learning_rate), weight_decay=0.0
        )
        step = self.start_step
        if resume is not None:
            step = self.load_checkpoint(resume)
            self.log(f"resumed from the checkpoint at step {step}")
        losses: list[float] = []
        loss_file = (self.output / LOSS_FILE).open("a")
        try:
            self.task.train_mode(True)
            while step < self.params.max_steps:
                if self.should_stop():
                    self.save_checkpoint(step)
                    raise TrainingStopped(step)
                started = time.monotonic()
                loss = self.task.loss(self._batch(step))
                self._optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(
                    [p for g in self._optimizer.param_groups for p in g["params"]], 1.0
                )
                self._optimizer.step()
                step += 1
                value = float(loss.detach())
                if not math.isfinite(value):
                    raise FloatingPointError(
                        f"the loss became {value} at step {step}: lower the learning rate"
                    )
                losses.append(value)
                point = {
                    "step": step,
                    "loss": round(value, 6),
                    "epoch": self.epoch_of(step),
                    "learning_rate": self.learning_rate,
                    "seconds": round(time.monotonic() - started, 3),
                }
                loss_file.write(json.dumps(point) + "\n")
                loss_file.flush()
                self.on_step(step, value)
                if step % self.params.checkpoint_every == 0 and step < self.params.max_steps:
                    self.save_checkpoint(step)
            self.task.train_mode(False)
        finally:
            loss_file.close()
        return losses
