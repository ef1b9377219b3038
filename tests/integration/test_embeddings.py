import numpy as np
import pytest

from factcheck.errors import ModelError
from factcheck.retrieval import embeddings


def test_shipped_files_match_pinned_hashes():
    model_path, tokenizer_path = embeddings.model_files()
    embeddings.verify_file(model_path, embeddings.MODEL_SHA256)
    embeddings.verify_file(tokenizer_path, embeddings.TOKENIZER_SHA256)


def test_tampered_file_is_refused(tmp_path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="expected 8199be6f699a"):
        embeddings.verify_file(fake, embeddings.MODEL_SHA256)
    with pytest.raises(ModelError, match="missing"):
        embeddings.verify_file(tmp_path / "absent.onnx", embeddings.MODEL_SHA256)


def test_vectors_have_shape_384_and_unit_norm():
    vectors = embeddings.load_minilm().embed(["Russia massed troops.", "The council cut 40 jobs in March."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_same_sentence_embeds_identically_across_batches():
    model = embeddings.load_minilm()
    sentence = "About 100,000 troops were massed on the border."
    alone = model.embed([sentence])[0]
    padded = model.embed(
        ["Short.", sentence, "A much longer sentence that forces padding " * 5], batch_size=3
    )[1]
    assert np.allclose(alone, padded, atol=1e-5)


def test_batches_sorted_by_length_come_back_in_input_order():
    model = embeddings.load_minilm()
    texts = [
        "The longest sentence of the three, about the council budget and the jobs it cut in March.",
        "Troops massed on the border.",
        "Rain.",
    ]
    together = model.embed(texts, batch_size=2)
    for text, vector in zip(texts, together, strict=True):
        assert np.allclose(model.embed([text])[0], vector, atol=1e-5)


def test_similar_sentences_are_closer_than_unrelated_ones():
    a, b, c = embeddings.load_minilm().embed(
        [
            "Russian troops gathered near Ukraine's border.",
            "Soldiers from Russia massed at the Ukrainian frontier.",
            "The bakery sells sourdough bread on Sundays.",
        ]
    )
    assert a @ b > a @ c + 0.2


def test_chroma_embedding_function_is_registered_and_configurable():
    function = embeddings.MiniLMEmbeddingFunction(batch_size=8)
    assert function.name() == "factcheck-minilm-int8"
    rebuilt = embeddings.MiniLMEmbeddingFunction.build_from_config(function.get_config())
    assert rebuilt.batch_size == 8
    assert len(function(["one text"])[0]) == 384
