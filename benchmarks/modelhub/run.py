"""Model hub speed and memory on this machine. Run: python benchmarks/modelhub/run.py [--gemma]

Each row runs in a fresh process (so imports, loads and peak RSS are its own) and the script
prints one table, headed by the CPU it ran on (``/proc/cpuinfo``: model name and the flags that
decide which compute types are fast) and the machine's load: load cold (GGUF -> safetensors
cache); then, per serving variant, the cached load, time to first token and tokens/s of streamed
greedy generation through the model server's own engine, the CPU time per token, the perplexity of
a fixed text, the evaluation job's scores (exact match, F1 and ROUGE-L on the bundled held-out
instructions; zero-shot accuracy on the bundled reviews) and how many answers and labels are
identical to the baseline's; embeddings/s, and LoRA fine-tuning s/step.

Variants: PyTorch float32 on one thread (the baseline answers are compared to); CTranslate2 as
model servers serve it (``auto``: threads and compute type measured on this CPU at the first load,
see ``jupyter_studio/core/modelhub/tuning.py``); CTranslate2 float32 on 1, 2, 4... threads (up to
the cores available); every other compute type CTranslate2 supports on this CPU (bfloat16,
int8_bfloat16, int16, int8_float32, int8) on the threads ``auto`` chose; PyTorch int8 (opt-in).

``--gemma`` adds Gemma 3 270M (cold load about 95 s and 4 GB). ``--cache DIR`` keeps the
converted weights between runs (default: a temporary folder, so "cold" is really cold).
Numbers depend on the machine and its load: compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PROMPT = [{"role": "user", "content": "Write a short story about a robot who learns to paint."}]
NEW_TOKENS = 64
PPL_TOKENS = 150
TEXT = (  # not the quantization's calibration text
    "The lighthouse keeper climbed the spiral stairs every evening at dusk, carrying a small oil "
    "lamp and a notebook in which he wrote down the colour of the sky, the direction of the wind "
    "and the names of the ships that passed. Over thirty years the notebooks filled a whole shelf. "
    "When the light was finally automated, the harbour museum asked for them, and visitors now read "
    "his careful handwriting: calm sea, north-westerly breeze, the fishing boat Marie returning "
    "late with a heavy catch, a storm expected before midnight, gulls unusually quiet today."
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def entry(model_id: str) -> Any:
    from jupyter_studio.core.modelhub.catalogue import BUILTIN

    return next(e for e in BUILTIN if e.id == model_id)


# ----------------------------------------------------------------------------- worker tasks
def _engine(model_id: str, cache_dir: str, runtime: str, quantize: str) -> Any:
    """The model server's engine for a variant (converting or quantizing into the cache once;
    ``BENCH_THREADS=auto`` and quantization ``auto`` measure as a model server does)."""
    import torch

    raw = os.environ.get("BENCH_THREADS", "1")
    threads = None if raw == "auto" else int(raw)
    torch.set_num_threads(threads or 1)  # as model servers do
    from jupyter_studio.core.modelhub.cache import ModelCache
    from jupyter_studio.core.modelhub.loading import cached_folder, text_generator

    folder, built = cached_folder(entry(model_id), ModelCache(cache_dir))
    engine = text_generator(
        folder,
        quantize=quantize,
        keep=True,
        runtime=runtime,
        threads=threads,
        model_id=model_id,
        repetition_penalty=entry(model_id).repetition_penalty,
    )
    engine.built_cache = built
    return engine


def machine() -> str:
    """The CPU (model name, the flags that matter, usable cores) and CTranslate2's release."""
    from jupyter_studio.core.modelhub.tuning import cpu_info

    try:
        import ctranslate2

        types = ", ".join(sorted(ctranslate2.get_supported_compute_types("cpu")))
        runtime = f"ctranslate2 {ctranslate2.__version__} (compute types here: {types})"
    except ImportError:
        runtime = "ctranslate2 not installed"
    return f"{cpu_info().describe()}; {runtime}"


def task_load(model_id: str, cache_dir: str, runtime: str, quantize: str) -> dict[str, Any]:
    """Load (building the cache if empty), then stream one answer and score the fixed text."""
    from jupyter_studio.core.modelhub.invocations import GenerateRequest

    started = time.perf_counter()
    engine = _engine(model_id, cache_dir, runtime, quantize)
    load_s = time.perf_counter() - started
    request = GenerateRequest(messages=PROMPT, max_new_tokens=NEW_TOKENS, temperature=0)
    engine.generate(GenerateRequest(messages=PROMPT, max_new_tokens=4))  # warm-up
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    first = None
    done: dict[str, Any] = {}
    for event in engine.stream(request):
        if first is None and "token" in event:
            first = time.perf_counter() - t0
        if event.get("done"):
            done = event
    total = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    tokens = done.get("tokens", 0)
    decode_rate = (tokens - 1) / (total - first) if first and tokens > 1 else 0.0
    serving = engine.describe()
    return {
        "runtime": engine.runtime,
        "setting": f"{serving.get('compute_type', '')} x{serving.get('threads', '')}",
        "cpu_ms_per_token": cpu / max(tokens, 1) * 1000,
        "load_s": load_s,
        "built_cache": engine.built_cache,
        "ttft_s": first,
        "tokens_per_s": decode_rate,
        "tokens": tokens,
        "text": done.get("text", "")[:80],
        "perplexity": perplexity(engine),
        "peak_rss_mb": peak_rss_mb(),
    }


def perplexity(engine: Any) -> float:
    """Perplexity of TEXT (the first PPL_TOKENS tokens) under the engine's model."""
    import math

    import torch

    ids = list(engine.tokenizer(TEXT)["input_ids"][:PPL_TOKENS])
    if engine.decoder is not None:
        logprobs = engine.decoder.log_probs(ids)
    else:
        with torch.inference_mode():
            logits = engine.model(input_ids=torch.tensor([ids])).logits[0, :-1].float()
        picked = torch.log_softmax(logits, -1).gather(1, torch.tensor(ids[1:]).unsqueeze(1))
        logprobs = picked.squeeze(1).tolist()
    return math.exp(-sum(logprobs) / len(logprobs))


def task_embed(model_id: str) -> dict[str, Any]:
    from jupyter_studio.core.modelhub.generation import Embedder
    from jupyter_studio.core.modelhub.invocations import ClassifyRequest
    from jupyter_studio.core.modelhub.loading import embedder_folder, load_sentence_transformer

    started = time.perf_counter()
    embedder = Embedder(load_sentence_transformer(embedder_folder(entry(model_id))))
    load_s = time.perf_counter() - started
    sentences = [
        f"Sentence number {i} talks about topic {i % 7} and some other words." for i in range(512)
    ]
    embedder.vectors(sentences[:32])
    t0 = time.perf_counter()
    embedder.vectors(sentences)
    rate = len(sentences) / (time.perf_counter() - t0)
    labels = embedder.classify(
        ClassifyRequest(
            inputs=["The striker scored twice", "Shares fell 3%"], labels=["sport", "finance"]
        )
    )
    return {
        "load_s": load_s,
        "embeddings_per_s": rate,
        "zero_shot": [p["label"] for p in labels["predictions"]],
        "peak_rss_mb": peak_rss_mb(),
    }


def task_lora(model_id: str, cache_dir: str) -> dict[str, Any]:
    """LoRA (r=8 on q/k/v/o) steps on batch 4 x 128 tokens, as the finetune job trains."""
    import torch
    from peft import LoraConfig, get_peft_model

    from jupyter_studio.core.modelhub.cache import ModelCache
    from jupyter_studio.core.modelhub.loading import cached_folder, load_causal_lm

    folder, _ = cached_folder(entry(model_id), ModelCache(cache_dir))
    model, tokenizer = load_causal_lm(folder, quantize="none")
    model.train()
    model = get_peft_model(
        model,
        LoraConfig(
            r=8,
            lora_alpha=16,
            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            task_type="CAUSAL_LM",
        ),
    )
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-3)
    batch = tokenizer(
        [TEXT] * 4, return_tensors="pt", truncation=True, max_length=128, padding=True
    )
    times = []
    for _ in range(4):
        t0 = time.perf_counter()
        loss = model(**batch, labels=batch["input_ids"]).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        times.append(time.perf_counter() - t0)
    return {"s_per_step": sorted(times[1:])[1], "loss": float(loss), "peak_rss_mb": peak_rss_mb()}


def task_prepare(model_id: str, cache_dir: str, runtime: str, quantize: str) -> dict[str, Any]:
    """Load once so the converted or quantized copy is kept in the cache."""
    started = time.perf_counter()
    _engine(model_id, cache_dir, runtime, quantize)
    return {"load_s": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}


def task_evaluate(model_id: str, cache_dir: str, runtime: str, quantize: str) -> dict[str, Any]:
    """The evaluation job's metrics on the bundled held-out instructions (greedy) and reviews:
    the scores model servers compare compute types with."""
    from jupyter_studio.core.modelhub.tuning import evaluation_scores

    return evaluation_scores(_engine(model_id, cache_dir, runtime, quantize))


TASKS = {
    "load": task_load,
    "prepare": task_prepare,
    "embed": task_embed,
    "lora": task_lora,
    "evaluate": task_evaluate,
}


# ----------------------------------------------------------------------------- driver
def run_worker(*args: str, threads: int | str = 1) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", *args]
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "BENCH_THREADS": str(threads),
    }
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")


def fmt(value: Any, spec: str = ".1f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def variant_name(runtime: str, quantize: str, threads: str) -> str:
    kind = "float32" if quantize == "none" else quantize
    count = "threads measured" if threads == "auto" else f"{threads} thread"
    count += "s" if threads not in ("auto", "1") else ""
    return f"{runtime} {kind}, {count}"


class Bench:
    """The rows of one run: a model's variants measured in fresh processes."""

    def __init__(self, cache: str) -> None:
        self.cache = cache
        self.rows: list[list[str]] = []
        self.baseline: list[str] | None = None
        #: What has been loaded once (converted, quantized or measured and kept in the cache).
        self.prepared: set[tuple[str, str]] = {("torch", "none")}

    def row(self, *cells: str) -> None:
        self.rows.append(list(cells))

    def variant(self, model_id: str, runtime: str, quantize: str, threads: str) -> dict[str, Any]:
        """Load (a first load apart), generate and evaluate one variant; its load answer."""
        name = variant_name(runtime, quantize, threads)
        # CTranslate2 converts once for every compute type; auto also measures this CPU once.
        key = (runtime, quantize if runtime == "torch" or quantize == "auto" else "converted")
        if key not in self.prepared and (runtime, "auto") not in self.prepared:
            self.prepared.add(key)
            first = run_worker("prepare", model_id, self.cache, runtime, quantize, threads=threads)
            what = "measures this CPU" if quantize == "auto" else "converts or quantizes"
            self.row(
                model_id,
                f"first load, {name} ({what}, keeps it)",
                fmt(first["load_s"], suffix=" s"),
                *["-"] * 3,
                fmt(first["peak_rss_mb"], ".0f", " MB"),
            )
        warm = run_worker("load", model_id, self.cache, runtime, quantize, threads=threads)
        served = f" (served by {warm['runtime']})" if warm["runtime"] != runtime else ""
        if quantize == "auto" and warm["runtime"] == "ctranslate2":
            served = f" (chose {warm['setting']})"
        self.row(
            model_id,
            f"cached load + generate, {name}{served}",
            fmt(warm["load_s"], suffix=" s"),
            fmt(warm["ttft_s"], ".2f", " s"),
            fmt(warm["tokens_per_s"], suffix=" tok/s")
            + f" ({warm['cpu_ms_per_token']:.0f} CPU ms/token)",
            fmt(warm["perplexity"], ".2f"),
            fmt(warm["peak_rss_mb"], ".0f", " MB"),
        )
        print(f"  {model_id} {name}: {warm['text']!r}", file=sys.stderr)
        scores = run_worker("evaluate", model_id, self.cache, runtime, quantize, threads=threads)
        if self.baseline is None:
            self.baseline = scores["answers"]
        agree = sum(a == b for a, b in zip(scores["answers"], self.baseline, strict=True))
        self.row(
            model_id,
            f"evaluation, {name}: {scores['rows']} held-out instructions, "
            f"{scores['reviews']} reviews zero-shot",
            "-",
            "-",
            f"EM {scores['exact_match']:.3f} · F1 {scores['token_f1']:.3f}"
            f" · ROUGE-L {scores['rouge_l']:.3f}"
            f" · accuracy {scores['zero_shot_accuracy']:.3f}"
            f" · {agree}/{len(self.baseline)} answers as torch float32",
            "-",
            "-",
        )
        return warm

    def generator(self, model_id: str) -> None:
        """Every variant of a generation model (see the module's docstring)."""
        from jupyter_studio.core.modelhub.tuning import CANDIDATE_TYPES, thread_counts, usable_cores

        self.baseline = None
        cold = run_worker("load", model_id, self.cache, "torch", "none")
        label = "load (cold: GGUF -> cache)" if cold["built_cache"] else "load (cache existed)"
        self.row(
            model_id, label, fmt(cold["load_s"], suffix=" s"), *["-"] * 3,
            fmt(cold["peak_rss_mb"], ".0f", " MB"),
        )  # fmt: skip
        self.variant(model_id, "torch", "none", "1")
        served = self.variant(model_id, "ctranslate2", "auto", "auto")
        chosen = served["setting"].rsplit(" x", 1)[-1] or "1"
        for count in thread_counts(usable_cores()):
            self.variant(model_id, "ctranslate2", "float32", str(count))
        for kind in CANDIDATE_TYPES[1:]:
            if kind in supported_types():
                self.variant(model_id, "ctranslate2", kind, chosen)
        self.variant(model_id, "torch", "int8", "1")


def supported_types() -> set[str]:
    try:
        import ctranslate2
    except ImportError:
        return set()
    return set(ctranslate2.get_supported_compute_types("cpu"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gemma", action="store_true", help="also Gemma 3 270M (slow, 4 GB)")
    parser.add_argument("--cache", help="model cache folder to use (default: a temporary one)")
    parser.add_argument("--no-lora", action="store_true", help="skip the fine-tuning row")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, *rest = args.worker
        print(json.dumps(TASKS[name](*rest)))
        return

    from jupyter_studio.core.modelhub.catalogue import packaged_entries

    print(
        f"Measured on {machine()}; load average {os.getloadavg()[0]:.1f} at the start", flush=True
    )
    available = {e.id for e in packaged_entries()}
    generators = ["smollm2-135m-instruct"] + (["gemma3-270m"] if args.gemma else [])
    with tempfile.TemporaryDirectory(prefix="modelhub-bench-") as tmp:
        bench = Bench(args.cache or tmp)
        for model_id in generators:
            if model_id not in available:
                bench.row(model_id, "not installed", *["-"] * 5)
                continue
            bench.generator(model_id)
            if not args.no_lora:
                lora = run_worker("lora", model_id, bench.cache)
                bench.row(
                    model_id, "LoRA fine-tune, batch 4x128", fmt(lora["s_per_step"], ".2f", " s/step"),
                    *["-"] * 3, fmt(lora["peak_rss_mb"], ".0f", " MB"),
                )  # fmt: skip
        if "all-minilm-l6-v2" in available:
            emb = run_worker("embed", "all-minilm-l6-v2")
            bench.row(
                "all-minilm-l6-v2",
                f"load + embed 512 sentences (zero-shot: {'/'.join(emb['zero_shot'])})",
                fmt(emb["load_s"], suffix=" s"),
                "-",
                fmt(emb["embeddings_per_s"], ".0f", " sent/s"),
                "-",
                fmt(emb["peak_rss_mb"], ".0f", " MB"),
            )
    print_table(bench.rows)
    print(f"\nMeasured on {machine()}; load average {os.getloadavg()[0]:.1f} at the end")


def print_table(rows: list[list[str]]) -> None:
    headers = ["model", "measure", "time", "first token", "rate", "perplexity", "peak RSS"]
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
