"""The verification model: a cross-encoder that reads (claim, evidence unit) and gives the probabilities that
the unit supports the claim, refutes it, or neither. Trained by `scripts/train_verifier.py` from
all-MiniLM-L6-v2 on public claim/evidence data (the model card, `factcheck/data/verifier/MODEL_CARD.md`, names
every set and its licence), shipped in the package as an int8 ONNX file, verified against a pinned SHA-256 when
loaded, and run with onnxruntime: nothing is fetched."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from factcheck.errors import ModelError
from factcheck.retrieval.minilm import TOKENIZER_SHA256, model_files, verify_file

# Both set by scripts/ship_verifier.py with the shipped file.
MODEL_FILE = "verifier-int8.onnx"
MODEL_SHA256 = "0abf63327dc1bd5f405100667c103850bf07d81b281045003b6669b82464d743"
STANCES = ("supports", "refutes", "neither")
MAX_TOKENS = 256  # claim + unit; a longer unit is cut (the claim never is)
BATCH_TOKENS = 4096  # padded tokens per onnxruntime call


def model_path() -> Path:
    return Path(str(resources.files("factcheck.data").joinpath("verifier", MODEL_FILE)))


class StanceModel:
    """Stance probabilities for (claim, evidence) pairs: rows of (supports, refutes, neither), summing to 1."""

    def __init__(self, threads: int = 0, path: Path | None = None) -> None:
        """The shipped model (hash-verified), or `path` (a model being trained or calibrated, not verified)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if path is None:
            path = model_path()
            if not MODEL_SHA256:
                raise ModelError("this build of factcheck ships no verification model; reinstall factcheck")
            verify_file(path, MODEL_SHA256)
        tokenizer_path = model_files()[1]
        verify_file(tokenizer_path, TOKENIZER_SHA256)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_second")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()  # one run at a time: onnxruntime already uses every core it was given

    def stances(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(claim, unit) for claim, unit in pairs])
        order = sorted(range(len(pairs)), key=lambda i: len(encodings[i].ids))
        result = np.zeros((len(pairs), len(STANCES)), dtype=np.float32)
        begin = 0
        while begin < len(order):
            end = begin + 1
            while end < len(order) and len(encodings[order[end]].ids) * (end - begin + 1) <= BATCH_TOKENS:
                end += 1
            chunk = order[begin:end]
            longest = len(encodings[chunk[-1]].ids)
            ids = np.zeros((len(chunk), longest), dtype=np.int64)
            types, mask = np.zeros_like(ids), np.zeros_like(ids)
            for row, index in enumerate(chunk):
                encoding = encodings[index]
                n = len(encoding.ids)
                ids[row, :n], types[row, :n], mask[row, :n] = encoding.ids, encoding.type_ids, 1
            with self._lock:
                logits = self.session.run(
                    None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
                )[0]
            shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
            result[chunk] = shifted / shifted.sum(axis=-1, keepdims=True)
            begin = end
        return result


@lru_cache(maxsize=1)
def load_stance_model(threads: int = 0) -> StanceModel:
    return StanceModel(threads)


def stance_model_available() -> bool:
    return bool(MODEL_SHA256) and model_path().is_file()
