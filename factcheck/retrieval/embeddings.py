"""Embedding functions for Chroma: the embedded MiniLM int8 ONNX model, or an OpenAI-compatible API."""

from __future__ import annotations

import os
import warnings
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from factcheck.errors import ConfigError
from factcheck.retrieval.minilm import load_minilm
from factcheck.settings import EmbeddingSettings


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the embedded MiniLM model. Always passed explicitly to collections."""

    def __init__(self, batch_size: int = 64, threads: int = 0, runtime: str = "auto") -> None:
        self.batch_size = batch_size
        self.threads = threads
        self.runtime = runtime

    def __call__(self, input: Documents) -> Embeddings:
        vectors = load_minilm(self.threads, self.runtime).embed(list(input), self.batch_size)
        return list(vectors)

    @staticmethod
    def name() -> str:
        return "factcheck-minilm-int8"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "threads": self.threads, "runtime": self.runtime}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(**config)


def load_embedded_model(settings: EmbeddingSettings) -> None:
    """Load the embedded model now when the settings use it (e.g. beside other start-up work); else nothing."""
    if settings.backend == "minilm":
        load_minilm(settings.threads, settings.runtime)


def embedding_function(settings: EmbeddingSettings) -> EmbeddingFunction:
    """The embedding function the settings ask for."""
    if settings.backend == "minilm":
        return MiniLMEmbeddingFunction(
            batch_size=settings.batch_size, threads=settings.threads, runtime=settings.runtime
        )
    from chromadb.utils.embedding_functions import OpenAIEmbeddingFunction

    key = settings.api_key.get_secret_value() if settings.api_key else os.environ.get("OPENAI_API_KEY")
    if not key and not settings.base_url:
        raise ConfigError(
            "embeddings backend 'openai' needs a key: set FACTCHECK_EMBEDDINGS__API_KEY or OPENAI_API_KEY "
            "(or FACTCHECK_EMBEDDINGS__BASE_URL for a local server)"
        )
    # The key is handed over, never written into the environment (child processes would inherit it); Chroma
    # persists only the variable's name. Local servers accept any non-empty key.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Direct api_key configuration", category=DeprecationWarning)
        return OpenAIEmbeddingFunction(
            api_key=key or "not-needed",
            api_key_env_var="FACTCHECK_EMBEDDINGS_KEY",
            model_name=settings.model,
            api_base=settings.base_url,
        )


def embedding_id(settings: EmbeddingSettings) -> str:
    """Short name of the embedding space; collections are separated by it so vectors never mix."""
    if settings.backend == "minilm":
        return "minilm"
    return "openai-" + "".join(ch if ch.isalnum() else "-" for ch in settings.model)
