import numpy as np
import pytest

from factcheck.errors import ModelError
from factcheck.retrieval import embeddings, minilm


def test_shipped_files_match_pinned_hashes():
    model_path, tokenizer_path = minilm.model_files()
    minilm.verify_file(model_path, minilm.MODEL_SHA256)
    minilm.verify_file(tokenizer_path, minilm.TOKENIZER_SHA256)


def test_tampered_file_is_refused(tmp_path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="expected 8199be6f699a"):
        minilm.verify_file(fake, minilm.MODEL_SHA256)
    with pytest.raises(ModelError, match="missing"):
        minilm.verify_file(tmp_path / "absent.onnx", minilm.MODEL_SHA256)


def test_vectors_have_shape_384_and_unit_norm():
    vectors = minilm.load_minilm().embed(["Russia massed troops.", "The council cut 40 jobs in March."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_same_sentence_embeds_identically_across_batches():
    model = minilm.load_minilm()
    sentence = "About 100,000 troops were massed on the border."
    alone = model.embed([sentence])[0]
    padded = model.embed(
        ["Short.", sentence, "A much longer sentence that forces padding " * 5], batch_size=3
    )[1]
    assert np.allclose(alone, padded, atol=1e-5)


def test_batches_sorted_by_length_come_back_in_input_order():
    model = minilm.load_minilm()
    texts = [
        "The longest sentence of the three, about the council budget and the jobs it cut in March.",
        "Troops massed on the border.",
        "Rain.",
    ]
    together = model.embed(texts, batch_size=2)
    for text, vector in zip(texts, together, strict=True):
        assert np.allclose(model.embed([text])[0], vector, atol=1e-5)


def test_similar_sentences_are_closer_than_unrelated_ones():
    a, b, c = minilm.load_minilm().embed(
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


def test_int8_runtime_is_made_once_offline_and_stays_close_to_the_shipped_model(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(tmp_path / "models"))
    model_path, tokenizer_path = minilm.model_files()
    made = minilm.int8_arithmetic_model(model_path)
    assert made.parent == tmp_path / "models" and [p.name for p in made.parent.iterdir()] == [made.name]
    stamp = made.stat().st_mtime_ns
    assert minilm.int8_arithmetic_model(model_path) == made and made.stat().st_mtime_ns == stamp  # reused
    texts = [
        "About 100,000 Russian troops were massed on the border, officials said.",
        "The council cut 40 jobs in March.",
        "Lavrov said the West was provoking Ukraine.",
    ]
    exact = minilm.MiniLMModel(model_path, tokenizer_path).embed(texts)
    fast = minilm.MiniLMModel(model_path, tokenizer_path, runtime="int8").embed(texts)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    similarity = (exact * fast).sum(axis=1)
    assert similarity.min() > 0.97 and not np.allclose(
        exact, fast, atol=1e-4
    )  # close, yet computed differently


def test_int8_runtime_in_an_unwritable_cache_says_how_to_fix_it(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(blocked / "models"))
    with pytest.raises(ModelError, match="FACTCHECK_MODEL_CACHE"):
        minilm.int8_arithmetic_model(minilm.model_files()[0])


def test_auto_runtime_is_int8_only_where_the_cpu_has_avx2(monkeypatch):
    import numpy._core._multiarray_umath as umath

    monkeypatch.setattr(umath, "__cpu_features__", {"AVX2": True})
    assert minilm.resolve_runtime("auto") == "int8"
    monkeypatch.setattr(umath, "__cpu_features__", {"AVX2": False, "ASIMD": True})
    assert minilm.resolve_runtime("auto") == "exact"
    assert minilm.resolve_runtime("exact") == "exact" and minilm.resolve_runtime("int8") == "int8"


def test_int8_runtime_embeds_a_text_the_same_whatever_it_is_batched_with(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(tmp_path / "models"))
    model_path, tokenizer_path = minilm.model_files()
    model = minilm.MiniLMModel(model_path, tokenizer_path, runtime="int8")
    sentence = "About 100,000 troops were massed on the border."
    alone = model.embed([sentence])[0]
    batched = model.embed(
        ["Short.", sentence, "A much longer sentence that forces padding " * 5], batch_size=3
    )[1]
    assert np.array_equal(alone, batched)


def test_int8_runtime_side_by_side_gives_the_vectors_of_one_text_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(tmp_path / "models"))
    model_path, tokenizer_path = minilm.model_files()
    texts = [
        f"Claim {n}: about {n * 1000:,} troops were seen near the border." + " More." * (n % 7)
        for n in range(23)
    ]
    one = minilm.MiniLMModel(model_path, tokenizer_path, threads=1, runtime="int8")
    three = minilm.MiniLMModel(model_path, tokenizer_path, threads=3, runtime="int8")
    assert one.workers == 1 and three.workers == 3
    alone = np.vstack([one.embed([text]) for text in texts])
    assert np.array_equal(three.embed(texts), alone)  # in input order, whatever share embedded each
    assert np.array_equal(one.embed(texts), alone)


def test_int8_runtime_queued_texts_give_the_vectors_of_embed_and_are_skipped_once_stopped(
    tmp_path, monkeypatch
):
    import threading

    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(tmp_path / "models"))
    model_path, tokenizer_path = minilm.model_files()
    model = minilm.MiniLMModel(model_path, tokenizer_path, threads=2, runtime="int8")
    texts = [
        f"Claim {n}: about {n * 1000:,} troops were seen near the border." + " More." * n for n in range(11)
    ]
    stop = threading.Event()
    waits = [model.embed_later(texts[:4], stop), model.embed_later(texts[4:], stop)]  # both queued at once
    assert np.array_equal(np.vstack([wait() for wait in waits]), model.embed(texts))
    stop.set()
    with pytest.raises(InterruptedError):
        model.embed_later(texts, stop)()


def test_the_model_the_embedding_process_and_the_scorer_run_without_importing_chromadb():
    import subprocess
    import sys

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import factcheck.retrieval.embed_process, factcheck.claims.scoring; "
            "from factcheck.retrieval.minilm import load_minilm; load_minilm(); print('chromadb' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"


@pytest.mark.parametrize("runtime", ["int8", "exact"])
def test_embedding_process_gives_the_vectors_of_the_model_in_this_process(runtime):
    from factcheck.retrieval.embed_process import EmbeddingProcess

    texts = [
        f"Claim {n}: about {n * 1000:,} troops were seen near the border." + " More." * n for n in range(9)
    ]
    child = EmbeddingProcess(threads=2, runtime=runtime)
    try:
        vectors = child(texts)
        assert child([]).shape == (0, 384)
        assert np.array_equal(vectors, minilm.load_minilm(2, runtime).embed(texts))
    finally:
        child.close()
    assert child.exit_code == 0  # it stops when its input closes


def test_a_dead_embedding_process_is_one_line_that_says_what_to_do():
    from factcheck.retrieval.embed_process import EmbeddingProcess

    child = EmbeddingProcess()
    child.wait_ready()
    child.kill()
    with pytest.raises(ModelError) as raised:
        child(["About 100,000 troops were massed on the border."])
    message = str(raised.value)
    assert "embedding process stopped" in message and "SEPARATE_PROCESS=false" in message
    assert "\n" not in message
    child.close()


def test_an_embedding_process_that_cannot_load_the_model_says_why(tmp_path, monkeypatch):
    from factcheck.retrieval.embed_process import EmbeddingProcess

    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(blocked / "models"))
    child = EmbeddingProcess(runtime="int8")
    with pytest.raises(ModelError, match="FACTCHECK_MODEL_CACHE"):
        child.wait_ready()
    child.close()
