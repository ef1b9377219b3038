"""A library is a guest in its caller's process: importing factcheck and calling it (sentence splitting through
pysbd, the int8 model made with onnxruntime's quantiser, a page fetch through trafilatura) leaves `re`'s
cache size, logging and third-party loggers as they were."""

import logging
import re

import pytest


def _logging_state():
    names = ("", "trafilatura", "trafilatura.downloads", "onnxruntime")
    loggers = [logging.getLogger(name or None) for name in names]
    return (
        logging.root.manager.disable,
        [(lg.level, list(lg.filters), list(lg.handlers), lg.disabled) for lg in loggers],
    )


def test_importing_and_calling_the_library_changes_no_process_wide_state(tmp_path, monkeypatch):
    import onnxruntime.quantization  # noqa: F401  (their own import-time logging setup is theirs, not ours)
    import pysbd  # noqa: F401
    import trafilatura  # noqa: F401

    before_cache, before_logging = re._MAXCACHE, _logging_state()
    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(tmp_path / "models"))
    import factcheck  # noqa: F401
    from factcheck.errors import InputError
    from factcheck.ingest.readers import read_url
    from factcheck.retrieval.minilm import int8_arithmetic_model, model_files
    from factcheck.text.sentences import sentence_spans

    assert len(sentence_spans("Dr. Smith arrived at 5 p.m. on Jan. 3. He left. The end.")) == 3
    assert int8_arithmetic_model(model_files()[0]).is_file()  # runs the quantiser (which logs advice)
    with pytest.raises(InputError):
        read_url("http://127.0.0.1:9/story.html", 1.0, allow_private=False)  # a refused private address
    assert re._MAXCACHE == before_cache
    assert _logging_state() == before_logging
