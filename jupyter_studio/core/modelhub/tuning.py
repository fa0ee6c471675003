"""How a generation model is served on this CPU: CTranslate2's decoding threads and compute type,
chosen by measuring once per model and CPU, and kept in the model cache.

A fixed default does not travel: SmolLM2 float32 decoded at 38 tokens/s on two threads on an
AMD EPYC and at 11.9 on two threads (17.1 on one) on an Intel Xeon with AVX-512 BF16 and AMX. So
the first load on a CPU measures, and later loads read the choice (``serving-choices.json`` in the
model cache, one entry per model, CTranslate2 release and CPU: its model name, the instruction-set
flags that matter and the cores this process may use):

- **threads**: a short timed greedy decode with 1, 2, 4... threads (up to the cores available),
  the runs interleaved and the best of each kept, so a burst of other work on the machine
  disturbs every count alike; more threads must be :data:`MIN_GAIN` faster to be kept;
- **compute type**: float32 and every type CTranslate2 supports on this CPU among
  :data:`CANDIDATE_TYPES` (``bfloat16`` and ``int8_bfloat16`` on AVX-512 BF16 / AMX, ``int16``
  with Intel MKL, ``int8_float32`` and ``int8``), timed the same way. A type at least
  :data:`MIN_GAIN` faster than float32 is kept only if its evaluation scores (the evaluation
  job's metrics on the bundled held-out instructions and reviews, :func:`evaluation_scores`) stay
  within noise of float32's: :func:`within_noise`, one held-out answer's worth.

``JUPYTER_STUDIO_MODELHUB_THREADS`` fixes the threads and ``JUPYTER_STUDIO_MODELHUB_QUANTIZE``
(``none`` for float32, ``int8``...) the compute type; what is fixed is not measured.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: CTranslate2 compute types tried, in this order, when this CPU supports them.
CANDIDATE_TYPES = ("float32", "bfloat16", "int8_bfloat16", "int16", "int8_float32", "int8")
#: CPU flags that decide which compute types are fast (the cache key holds those present).
RELEVANT_FLAGS = (
    "avx2",
    "fma",
    "avx512f",
    "avx512_vnni",
    "avx_vnni",
    "avx512_bf16",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
)
#: A faster setting (more threads, a lighter compute type) must win by this much to be kept.
MIN_GAIN = 0.10
#: Evaluating compute types stops after this long (then float32 or the best type found so far
#: is served): a first load on a very busy machine must still start within the endpoint's
#: startup timeout.
EVALUATION_BUDGET = 90.0
#: The timed decode: tokens per run, runs per setting (interleaved; the best is kept).
TIMED_TOKENS = 24
TIMED_RUNS = 3
TIMED_SECONDS = 3.0
MAX_THREADS = 8
#: Bumped when the measurement changes, so choices made the old way are measured again.
TUNING_VERSION = 1
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "modelhub"
PROMPT = [{"role": "user", "content": "Write a short story about a robot who learns to paint."}]


# ----------------------------------------------------------------------------- the CPU
@dataclass(frozen=True)
class CpuInfo:
    """What decides the speed of a setting: the CPU model, its relevant flags, usable cores."""

    model: str
    flags: tuple[str, ...]
    cores: int

    def key(self) -> str:
        """A stable key for the choices file."""
        return f"{self.model}|{','.join(self.flags)}|{self.cores} cores"

    def describe(self) -> str:
        """``AMD EPYC (2 cores; avx2, fma)``: what README tables and logs name."""
        flags = ", ".join(self.flags) or "no AVX2"
        return f"{self.model} ({self.cores} core{'s' if self.cores != 1 else ''}; {flags})"


def usable_cores() -> int:
    """The cores this process may run on (its affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def cpu_info(cpuinfo: str | None = None) -> CpuInfo:
    """This machine's :class:`CpuInfo`, from ``/proc/cpuinfo`` (or the text given)."""
    import platform

    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            cpuinfo = ""
    model, flags = "", set()
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        name = name.strip()
        if name == "model name" and not model:
            model = " ".join(value.split())
        elif name in ("flags", "Features") and not flags:
            flags = set(value.split())
    model = model or platform.processor() or platform.machine() or "unknown CPU"
    return CpuInfo(model, tuple(f for f in RELEVANT_FLAGS if f in flags), usable_cores())


# ----------------------------------------------------------------------------- the choice
@dataclass
class ServingChoice:
    """How a model is decoded here, and the measurements behind it."""

    compute_type: str
    threads: int
    cpu: str
    #: Decoding tokens/s by setting (``float32 x1``...), best of the timed runs.
    rates: dict[str, float] = field(default_factory=dict)
    #: Evaluation scores by compute type (only when a lighter type was worth checking).
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Why this compute type (e.g. ``int8: answers changed (exact_match 0.40 -> 0.13)``).
    notes: list[str] = field(default_factory=list)
    measured: bool = True
    measured_at: float = field(default_factory=time.time)
    #: The machine's load average when measured (timings on a busy machine are pessimistic).
    load_average: float | None = field(default_factory=lambda: round(os.getloadavg()[0], 1))

    def summary(self) -> str:
        """One line for logs: the setting and how it was found."""
        how = "measured" if self.measured else "fixed"
        return f"{self.compute_type} on {self.threads} thread(s) ({how} on {self.cpu})"


class ChoiceStore:
    """``serving-choices.json``: choices by key, read and written under a file lock."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(f".{self.path.name}.lock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def measuring(self) -> Iterator[None]:
        """Held while a process measures, so processes loading at once measure one at a time
        (the others then read its choice) and do not disturb each other's timings."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(f".{self.path.stem}.measuring.lock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> ServingChoice | None:
        """The choice kept under ``key`` (None when absent or unreadable)."""
        raw = self._read().get(key)
        try:
            return ServingChoice(**raw) if isinstance(raw, dict) else None
        except TypeError:
            return None

    def put(self, key: str, choice: ServingChoice) -> None:
        """Keep ``choice`` under ``key`` (a failure to write is logged: the next load measures)."""
        try:
            with self._locked():
                data = self._read()
                data[key] = asdict(choice)
                staging = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
                staging.write_text(json.dumps(data, indent=1, sort_keys=True))
                staging.replace(self.path)
        except OSError as exc:
            log.warning("cannot keep the serving choice in %s: %s", self.path, exc)


def choice_key(model_key: str, fixed: dict[str, Any], cpu: CpuInfo) -> str:
    """The key of a model's choice on this CPU (and CTranslate2 release, and fixed settings)."""
    import ctranslate2

    pinned = ",".join(f"{k}={v}" for k, v in sorted(fixed.items()) if v is not None)
    return f"v{TUNING_VERSION}|{model_key}|ctranslate2-{ctranslate2.__version__}|{cpu.key()}" + (
        f"|{pinned}" if pinned else ""
    )


# ----------------------------------------------------------------------------- measuring
def thread_counts(cores: int) -> list[int]:
    """1, 2, 4... up to the usable cores (and :data:`MAX_THREADS`)."""
    counts, n = [], 1
    while n <= min(cores, MAX_THREADS):
        counts.append(n)
        n *= 2
    if cores not in counts and cores <= MAX_THREADS:
        counts.append(cores)
    return counts


Rate = Callable[[Any, list[int], int], float]


def decode_rate(decoder: Any, prompt_ids: list[int], tokens: int = TIMED_TOKENS) -> float:
    """Greedy decoding tokens/s after the first token (``tokens`` generated, no early end; a
    run stops after :data:`TIMED_SECONDS`, so a setting that crawls costs little)."""
    steps = decoder.timed_steps(prompt_ids, tokens)
    first = None
    count = 0
    try:
        for _ in steps:
            count += 1
            if first is None:
                first = time.perf_counter()
            elif time.perf_counter() - first > TIMED_SECONDS:
                break
    finally:
        close = getattr(steps, "close", None)
        if close is not None:
            close()
    if first is None or count < 2:
        return 0.0
    return (count - 1) / max(time.perf_counter() - first, 1e-9)


def best_rates(
    decoders: dict[str, Any],
    prompt_ids: list[int],
    runs: int = TIMED_RUNS,
    rate: Rate = decode_rate,
) -> dict[str, float]:
    """The best decode rate of each decoder over ``runs`` interleaved timed runs."""
    for decoder in decoders.values():  # warm-up: first allocations, caches
        rate(decoder, prompt_ids, 4)
    best = dict.fromkeys(decoders, 0.0)
    for _ in range(runs):
        for name, decoder in decoders.items():
            best[name] = max(best[name], rate(decoder, prompt_ids, TIMED_TOKENS))
    return best


def fastest(rates: dict[str, float], order: list[str]) -> str:
    """The first of ``order`` unless a later one is :data:`MIN_GAIN` faster than the best so far."""
    chosen = order[0]
    for name in order[1:]:
        if rates[name] > rates[chosen] * (1 + MIN_GAIN):
            chosen = name
    return chosen


# ----------------------------------------------------------------------------- quality
def _samples(name: str) -> list[dict[str, str]]:
    with open(SAMPLES / name, newline="") as handle:
        return list(csv.DictReader(handle))


class OutOfTime(Exception):
    """The evaluation did not finish before its deadline."""


def evaluation_scores(engine: Any, deadline: float | None = None) -> dict[str, Any]:
    """The evaluation job's scores of a generator on the bundled held-out data: exact match,
    token F1 and ROUGE-L of greedy answers (16 tokens) to the held-out instructions, zero-shot
    accuracy on the held-out reviews; with the answers and labels themselves.
    :class:`OutOfTime` once ``time.monotonic()`` passes ``deadline``."""
    from .invocations import ClassifyRequest, GenerateRequest
    from .metrics import accuracy, generation_metrics

    def check() -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise OutOfTime

    rows = _samples("instructions_test.csv")
    answers = []
    for row in rows:
        check()
        request = GenerateRequest(prompt=row["instruction"], max_new_tokens=16)
        answers.append(engine.generate(request)["text"])
    reviews = _samples("reviews_test.csv")
    labels = sorted({row["label"] for row in reviews})
    predicted = []
    for row in reviews:
        check()
        request = ClassifyRequest(inputs=[row["text"]], labels=labels)
        predicted.append(engine.classify(request)["predictions"][0]["label"])
    return {
        "rows": len(rows),
        "reviews": len(reviews),
        "answers": answers + predicted,
        "zero_shot_accuracy": accuracy(predicted, [row["label"] for row in reviews]),
        **generation_metrics(answers, [row["response"] for row in rows]),
    }


#: The scores compared by :func:`within_noise`.
SCORED = ("exact_match", "token_f1", "rouge_l", "zero_shot_accuracy")


def within_noise(candidate: dict[str, Any], baseline: dict[str, Any]) -> str | None:
    """None when every score of ``candidate`` is within one held-out answer's worth
    (1 / rows) of ``baseline``'s, else what changed (``exact_match 0.400 -> 0.133``)."""
    tolerance = 1.0 / max(int(baseline.get("rows") or 1), 1) + 1e-9
    changed = [
        f"{name} {baseline[name]:.3f} -> {candidate[name]:.3f}"
        for name in SCORED
        if name in baseline and abs(candidate[name] - baseline[name]) > tolerance
    ]
    return ", ".join(changed) or None


# ----------------------------------------------------------------------------- choosing
#: Decoders of all settings are kept loaded together (timed runs interleaved) up to this size.
INTERLEAVE_BYTES = 2 * 1024**3


def timed(
    settings: list[str],
    load: Callable[[str], Any],
    pool: dict[str, Any],
    prompt_ids: list[int],
    model_bytes: int,
    rate: Rate = decode_rate,
) -> dict[str, float]:
    """Best decode rates of ``settings`` (``load(setting)`` puts a decoder in ``pool``).

    The settings are loaded together and their runs interleaved (a burst of other work slows
    them alike) unless that would hold more than :data:`INTERLEAVE_BYTES`; then they are timed
    one at a time, each unloaded after its runs."""
    if model_bytes * len(settings) <= INTERLEAVE_BYTES:
        return best_rates({name: load(name) for name in settings}, prompt_ids, rate=rate)
    rates = {}
    for name in settings:
        rates.update(best_rates({name: load(name)}, prompt_ids, rate=rate))
        pool.pop(name, None)
    return rates


def _setting(compute_type: str, threads: int) -> str:
    return f"{compute_type} x{threads}"


def measure(
    path: Path,
    new_decoder: Callable[[str, int], Any],
    make_engine: Callable[[Any], Any],
    *,
    cpu: CpuInfo,
    threads: int | None,
    compute_type: str | None,
    supported: set[str],
    rate: Rate = decode_rate,
) -> tuple[Any, ServingChoice]:
    """Measure and choose (see the module's docstring); the chosen decoder and the choice."""
    from .invocations import GenerateRequest

    started = time.perf_counter()
    size = (path / "model.bin").stat().st_size if (path / "model.bin").is_file() else 0
    pool: dict[str, Any] = {}

    def load(setting: str) -> Any:
        if setting not in pool:
            kind, _, count = setting.rpartition(" x")
            pool[setting] = new_decoder(kind, int(count))
        return pool[setting]

    base = compute_type or "float32"
    counts = [threads] if threads else thread_counts(cpu.cores)
    prompt_ids = make_engine(load(_setting(base, counts[0]))).prompt_ids(
        GenerateRequest(messages=PROMPT)
    )
    rates = timed([_setting(base, n) for n in counts], load, pool, prompt_ids, size, rate)
    chosen_threads = counts[list(rates).index(fastest(rates, list(rates)))]
    for n in counts:
        if n != chosen_threads:
            pool.pop(_setting(base, n), None)
    types = [base] if compute_type else [t for t in CANDIDATE_TYPES if t in supported | {base}]
    notes: list[str] = []
    if len(types) > 1:  # float32 timed again beside the others: compared alike
        settings = []
        for t in types:
            try:
                load(_setting(t, chosen_threads))
                settings.append(_setting(t, chosen_threads))
            except Exception as exc:  # a type this build lists but cannot load this model in
                notes.append(f"{t}: cannot load ({exc})")
        rates.update(timed(settings, load, pool, prompt_ids, size, rate))
        types = [t for t in types if _setting(t, chosen_threads) in rates]
    chosen, scores = _choose_type(
        types,
        [rates[_setting(t, chosen_threads)] for t in types],
        chosen_threads,
        load,
        make_engine,
        notes,
    )
    choice = ServingChoice(
        compute_type=chosen,
        threads=chosen_threads,
        cpu=cpu.describe(),
        rates={k: round(v, 2) for k, v in rates.items()},
        scores=scores,
        notes=[*notes, f"measured in {time.perf_counter() - started:.0f} s"],
    )
    return load(_setting(chosen, chosen_threads)), choice


def _choose_type(
    types: list[str],
    type_rates: list[float],
    threads: int,
    load: Callable[[str], Any],
    make_engine: Callable[[Any], Any],
    notes: list[str],
) -> tuple[str, dict[str, dict[str, float]]]:
    """The fastest compute type whose evaluation scores stay within noise of the first type's
    (float32), trying only types :data:`MIN_GAIN` faster than it; and the scores computed."""
    base, base_rate = types[0], type_rates[0]
    faster = sorted(
        (
            t
            for t, r in zip(types[1:], type_rates[1:], strict=True)
            if r > base_rate * (1 + MIN_GAIN)
        ),
        key=lambda t: -type_rates[types.index(t)],
    )
    notes.extend(
        f"{t}: not {MIN_GAIN:.0%} faster than {base}" for t in types[1:] if t not in faster
    )
    scores: dict[str, dict[str, float]] = {}
    if not faster:
        return base, scores
    deadline = time.monotonic() + EVALUATION_BUDGET
    busy = f"not evaluated within {EVALUATION_BUDGET:.0f} s (a busy machine): {base} kept"
    try:
        baseline = evaluation_scores(make_engine(load(_setting(base, threads))), deadline)
    except OutOfTime:
        notes.append(f"{', '.join(faster)}: {busy}")
        return base, scores
    scores[base] = {k: baseline[k] for k in SCORED}
    for t in faster:
        try:
            result = evaluation_scores(make_engine(load(_setting(t, threads))), deadline)
        except OutOfTime:
            notes.append(f"{t}: {busy}")
            continue
        scores[t] = {k: result[k] for k in SCORED}
        changed = within_noise(result, baseline)
        if changed is None:
            notes.append(f"{t}: scores within noise of {base}")
            return t, scores
        notes.append(f"{t}: answers changed ({changed})")
    return base, scores


def tuned_decoder(
    path: str | os.PathLike[str],
    new_decoder: Callable[[str, int], Any],
    make_engine: Callable[[Any], Any],
    *,
    model_key: str,
    store: ChoiceStore | None,
    threads: int | None = None,
    compute_type: str | None = None,
    rate: Rate = decode_rate,
    supported: set[str] | None = None,
) -> tuple[Any, ServingChoice]:
    """The decoder to serve with on this CPU and how it was chosen.

    ``new_decoder(compute_type, threads)`` loads a :class:`~.fast_runtime.FastDecoder`;
    ``make_engine(decoder)`` wraps one as the generator the evaluation scores. ``threads`` and
    ``compute_type`` fix what is not to be measured. The choice is read from ``store`` when this
    model was measured on this CPU, else measured (one process at a time) and kept there.
    ``rate`` times a decoder and ``supported`` names the compute types to try (default:
    CTranslate2's for this CPU); tests replace them.
    """
    cpu = cpu_info()
    if threads is not None and compute_type is not None:
        fixed = ServingChoice(compute_type, threads, cpu.describe(), measured=False)
        return new_decoder(compute_type, threads), fixed
    key = choice_key(model_key, {"threads": threads, "compute_type": compute_type}, cpu)
    if supported is None:
        import ctranslate2

        supported = set(ctranslate2.get_supported_compute_types("cpu"))
    with store.measuring() if store else contextlib.nullcontext():
        kept = store.get(key) if store else None
        if kept is not None and kept.compute_type in supported | {"float32"}:
            return new_decoder(kept.compute_type, kept.threads), kept
        decoder, choice = measure(
            Path(path),
            new_decoder,
            make_engine,
            cpu=cpu,
            threads=threads,
            compute_type=compute_type,
            supported=supported,
            rate=rate,
        )
        if store is not None:
            store.put(key, choice)
    log.info("serving %s with CTranslate2 %s: %s", model_key, choice.summary(), choice.rates)
    return decoder, choice
