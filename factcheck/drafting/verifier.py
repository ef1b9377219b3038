"""The verification model: a cross-encoder that reads (claim, evidence unit) and gives the probabilities that
the unit supports the claim, refutes it, or neither. Trained by `training/train_verifier.py` from
all-MiniLM-L6-v2 on public claim/evidence data (the model card, `factcheck/data/verifier/MODEL_CARD.md`, names
every set and its licence), shipped in the package as an int8 ONNX file, verified against a pinned SHA-256 when
loaded, and run with onnxruntime: nothing is fetched.

Each (claim, unit) pair is read in a call of its own. The int8 model scales its activations per call, so a pair
read beside others would read slightly differently with each set of neighbours; alone, a reading depends on
the pair only, wherever it is read (drafting, calibration, evaluation) and whatever is read beside it. Pairs
run concurrently instead, one single-threaded run per core, which is also faster than padded batches."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from factcheck.data import artefact
from factcheck.errors import ModelError
from factcheck.retrieval.minilm import TOKENIZER_SHA256, available_cores, model_files, verify_file

if TYPE_CHECKING:
    from tokenizers import Encoding

# What the model is comes from the manifest (factcheck/data/artefacts.json), written by training/ship_verifier.py.
_MODEL = artefact("verifier")
MODEL_FILE: str = _MODEL["file"]
MODEL_SHA256: str = _MODEL.get("sha256", "")
STANCES: tuple[str, ...] = tuple(_MODEL["labels"])
MAX_TOKENS: int = _MODEL["max_tokens"]  # claim + unit; a longer unit is cut (the claim never is)


def model_path() -> Path:
    return Path(str(resources.files("factcheck.data").joinpath(*MODEL_FILE.split("/"))))


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
        # the longer of the two is cut first: the evidence, unless the claim is the longer (a long search)
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="longest_first")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one core a run; runs go side by side, one per core
        options.inter_op_num_threads = 1
        # weights stored as int8 behind DequantizeLinear are folded into fp32 constants once, at load
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        self.path = path
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        # Shared by every caller (drafting workers included), so the model never runs on more cores than given.
        self._runs = ThreadPoolExecutor(threads or available_cores(), thread_name_prefix="stance")

    def _read(self, encoding: Encoding) -> np.ndarray:
        ids = np.asarray([encoding.ids], dtype=np.int64)
        feed = {
            "input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.asarray([encoding.type_ids], dtype=np.int64),
        }
        logits = self.session.run(None, feed)[0][0]
        shifted = np.exp(logits - logits.max())
        return (shifted / shifted.sum()).astype(np.float32)

    def stances(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(claim, unit) for claim, unit in pairs])
        return np.stack(list(self._runs.map(self._read, encodings)))


@lru_cache(maxsize=1)
def load_stance_model(threads: int = 0) -> StanceModel:
    return StanceModel(threads)


def stance_model_available() -> bool:
    return bool(MODEL_SHA256) and model_path().is_file()
