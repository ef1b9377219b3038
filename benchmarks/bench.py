"""Indexing and claims throughput. Run: `.venv/bin/python benchmarks/bench.py [--passages N]`.

Prints indexing throughput (passages/s) next to the raw throughput of the embedding model alone on
the same passage texts, and claim detection throughput (sentences/s). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import platform
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from factcheck.claims import detect_claims
from factcheck.embeddings import load_minilm
from factcheck.ingest import make_passages, read_documents
from factcheck.metrics import percentile
from factcheck.retrieve import RetrievalSettings
from factcheck.scoring import load_scorer
from factcheck.settings import load_settings
from factcheck.text import split_sentences
from factcheck.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "articles").glob("*.txt"))


def generate_corpus(folder: Path, passages_wanted: int, seed: int = 7) -> int:
    """News-like documents made by reshuffling the seed sentences with changed numbers (reproducible)."""
    rng = random.Random(seed)
    sentences = [s.text for path in SEEDS for s in split_sentences(path.read_text(encoding="utf-8"))
                 if s.kind == "sentence" and len(s.text) > 40]
    count, passages = 0, 0
    while passages < passages_wanted:
        body = " ".join(rng.choice(sentences).replace("100,000", f"{rng.randint(2, 300) * 1000:,}") for _ in range(14))
        text = f"Generated report {count}\n\n{body}\n"
        (folder / f"doc{count:06d}.txt").write_text(text, encoding="utf-8")
        passages += len(make_passages(read_documents(folder / f"doc{count:06d}.txt", 10)[0]))
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        documents = generate_corpus(corpus, args.passages)
        texts = [p.text for path in sorted(corpus.glob("*.txt")) for p in make_passages(read_documents(path, 10)[0])]
        model = load_minilm()
        model.embed(texts[:32])  # warm-up
        started = time.perf_counter()
        model.embed(texts)
        raw = len(texts) / (time.perf_counter() - started)

        workspace = Workspace(load_settings(home=Path(tmp) / "home"))
        report = workspace.index([corpus])
        indexed = report.passages / report.seconds
        started = time.perf_counter()
        workspace.lexical.search("warm up", 5)  # builds (and saves) the BM25 index
        bm25_build = time.perf_counter() - started
        queries = [t[:80] for t in random.Random(3).sample(texts, min(50, len(texts)))]
        dense_times, fused_times = [], []
        for query in queries:
            started = time.perf_counter()
            workspace.store.query(query, 6)
            dense_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            workspace.retrieve(query, RetrievalSettings(k=6))
            fused_times.append(time.perf_counter() - started)
        workspace.close()

        articles = [read_documents(path, 10)[0] for path in sorted(corpus.glob("*.txt"))[:200]]
        sentence_count = sum(len(split_sentences(d.text, d.body_start)) for d in articles)
        started = time.perf_counter()
        for document in articles:
            detect_claims(document)
        rules = sentence_count / (time.perf_counter() - started)
        scorer = load_scorer()
        started = time.perf_counter()
        for document in articles:
            detect_claims(document, scorer=scorer)
        learned = sentence_count / (time.perf_counter() - started)

    print(f"factcheck benchmark, {date.today()}, {platform.machine()}, {platform.python_version()}, {documents} documents")
    print(f"{'measure':<44}{'value':>12}")
    print(f"{'embedding model alone (passages/s)':<44}{raw:>12.1f}")
    print(f"{'factcheck index (passages/s)':<44}{indexed:>12.1f}")
    print(f"{'index / raw model':<44}{indexed / raw:>12.2f}")
    print(f"{'BM25 index build (s)':<44}{bm25_build:>12.2f}")
    print(f"{'dense search p50 / p95 (ms)':<44}{1000 * percentile(dense_times, 50):>6.1f} /{1000 * percentile(dense_times, 95):>5.1f}")
    print(f"{'retrieval dense+BM25+fusion p50 / p95 (ms)':<44}{1000 * percentile(fused_times, 50):>6.1f} /{1000 * percentile(fused_times, 95):>5.1f}")
    print(f"{'claims, rules only (sentences/s)':<44}{rules:>12.1f}")
    print(f"{'peak RSS of this process (MB)':<44}{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>12.0f}")
    print(f"{'claims, rules + learned scorer (sentences/s)':<44}{learned:>12.1f}")


if __name__ == "__main__":
    main()
