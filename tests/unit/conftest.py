"""The unit lane tests the pure core: it must never load the embedding model or Chroma. Any attempt fails."""

import sys

import pytest


class _Forbidden:
    def __init__(self, what):
        self.what = what

    def __call__(self, *args, **kwargs):
        raise AssertionError(f"a unit test tried to load {self.what}; move it to tests/integration")


@pytest.fixture(autouse=True)
def no_model_and_no_chroma(monkeypatch):
    for module in ("chromadb", "onnxruntime"):
        if module not in sys.modules:
            monkeypatch.setitem(sys.modules, module, None)  # `import chromadb` now raises ImportError
    for module in ("factcheck.retrieval.minilm", "factcheck.retrieval.embeddings"):
        if module in sys.modules:
            monkeypatch.setattr(f"{module}.load_minilm", _Forbidden("the embedding model"))
    if "factcheck.retrieval.vectors" in sys.modules:
        monkeypatch.setattr("factcheck.retrieval.vectors.VectorStore", _Forbidden("the Chroma store"))
