"""One benchmark phase per process, so each phase's peak RSS is its own. Called by bench.py:

python benchmarks/phases.py PHASE [options]     (prints one JSON object on its last line)
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from memory import children_peak_rss_mb, peak_rss_mb

from factcheck.evaluation.metrics import percentile
from factcheck.settings import load_settings


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def read_texts(path: Path, limit: int | None = None, seed: int = 11) -> list[str]:
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    if limit and len(texts) > limit:
        texts = random.Random(seed).sample(texts, limit)
    return texts


def raw(args) -> dict:
    """The embedding model alone: the ceiling for indexing."""
    from factcheck.retrieval.minilm import load_minilm

    texts = read_texts(args.texts, args.limit)
    model = load_minilm(0, load_settings().embeddings.runtime)  # the runtime `index` uses
    model.embed(texts[:64])  # warm-up
    started = time.perf_counter()
    model.embed(texts)
    seconds = time.perf_counter() - started
    return {
        "passages": len(texts),
        "seconds": round(seconds, 2),
        "rate": round(len(texts) / seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


def stand_in_vectors(texts: list[str], *_, **__):
    """A unit vector per text, seeded by the text's hash: the embedding model's shape at a fraction of its cost,
    for the million-passage run's query latency and memory. They mean nothing; random vectors are also the
    hardest case for Chroma's HNSW graph, so its query times are not flattered."""
    import hashlib

    import numpy as np

    vectors = np.empty((len(texts), 384), dtype=np.float32)
    for row, text in enumerate(texts):
        seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(384)
        vectors[row] = vector / np.linalg.norm(vector)
    return vectors


def index(args) -> dict:
    from factcheck.workspace import Workspace

    if args.stand_in:
        from factcheck.retrieval.minilm import MiniLMModel

        MiniLMModel.embed = lambda self, texts, *rest, **options: stand_in_vectors(texts)  # type: ignore[method-assign]
    settings = load_settings(home=args.home)
    if args.in_process:
        settings.embeddings.separate_process = False
    workspace = Workspace(settings)
    if args.profile:  # pyinstrument (pip install -e '.[bench]'): where indexing time goes, next to the model
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    report = workspace.index([args.corpus])
    if args.profile:
        profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    embedding_process_mb = children_peak_rss_mb()  # read while the child still runs
    workspace.close()
    return {
        "passages": report.passages,
        "documents": report.new,
        "seconds": report.seconds,
        "rate": round(report.passages / report.seconds, 2),
        "peak_rss_mb": round(peak_rss_mb() + embedding_process_mb, 1),
        "embedding_process_rss_mb": embedding_process_mb,
    }


def query(args) -> dict:
    """BM25 build (from scratch and from its saved copy), then search and retrieval latency."""
    from factcheck.retrieval.fusion import RetrievalSettings
    from factcheck.workspace import Workspace

    workspace = Workspace(load_settings(home=args.home))
    shutil.rmtree(args.home / "bm25", ignore_errors=True)
    before = current_rss_mb()
    started = time.perf_counter()
    workspace.lexical.search("warm up", 5)
    build = time.perf_counter() - started
    memory = current_rss_mb() - before
    disk = sum(f.stat().st_size for f in (args.home / "bm25").rglob("*") if f.is_file()) / 2**20
    reloaded = Workspace(load_settings(home=args.home))
    started = time.perf_counter()
    reloaded.lexical.search("warm up", 5)
    load = time.perf_counter() - started
    queries = [t[:100] for t in read_texts(args.texts, 60, seed=3)]
    workspace.store.query(queries[0], 6)  # warm-up: model and HNSW index loaded
    timings: dict[str, list[float]] = {"dense": [], "retrieval": [], "search": []}
    for text in queries:
        for name, call in (
            ("dense", lambda text=text: workspace.store.query(text, 30)),
            (
                "retrieval",
                lambda text=text: workspace.retriever.retrieve(
                    text, RetrievalSettings(k=6), own_document="x"
                ),
            ),
            ("search", lambda text=text: workspace.search(text, k=5)),
        ):
            started = time.perf_counter()
            call()
            timings[name].append(time.perf_counter() - started)
    result = {
        "bm25_build_s": round(build, 2),
        "bm25_load_s": round(load, 2),
        "bm25_memory_mb": round(memory, 1),
        "bm25_disk_mb": round(disk, 1),
        "queries": len(queries),
        "peak_rss_mb": peak_rss_mb(),
    }
    for name, values in timings.items():
        result[f"{name}_p50_ms"] = round(1000 * percentile(values, 50), 1)
        result[f"{name}_p95_ms"] = round(1000 * percentile(values, 95), 1)
    return result


def draft(args) -> dict:
    """Claims of a few corpus articles drafted with the evidence judge against the whole index."""
    from factcheck.drafting.draft import Drafter
    from factcheck.drafting.registry import open_judge
    from factcheck.drafting.stance import units_to_read
    from factcheck.retrieval.fusion import RetrievalSettings
    from factcheck.workspace import Workspace

    workspace = Workspace(load_settings(home=args.home))
    claims = []
    for path in sorted(args.corpus.glob("*.txt"))[: args.articles]:
        claims += workspace.claims(str(path))[:5]
    # once per process, as the query phase's warm-up: model and HNSW index loaded
    started = time.perf_counter()
    workspace.retriever.retrieve(claims[0].statement, RetrievalSettings(k=6))
    opened = time.perf_counter() - started
    with open_judge(workspace.settings, workspace.db, "evidence") as judge:
        # the evidence as `factcheck draft` builds it: sentences, relevance, and the verification model's stance
        # when FACTCHECK_DRAFT__STANCE is on
        drafter = Drafter(
            workspace.db, workspace.retriever, judge, RetrievalSettings(k=6), workspace.evidence
        )
        report = drafter.draft_all(claims, redo=True, workers=args.workers)
    workspace.close()
    return {
        "claims": len(claims),
        "first_retrieval_s": round(opened, 2),
        "seconds": round(report.seconds, 2),
        "rate": round(len(claims) / report.seconds, 2),
        "stance_pairs_per_claim": round(
            sum(len(units_to_read(n.evidence)) for n in report.notes) / max(1, len(report.notes)), 1
        ),
        "sentences_per_claim": round(
            sum(len(i.sentences) for n in report.notes for i in n.evidence) / max(1, len(report.notes)), 1
        ),
        "peak_rss_mb": peak_rss_mb(),
    }


def claims(args) -> dict:
    """Claim detection throughput on a generated corpus and, when given, the CLEF debate transcripts: rules
    alone, rules with the learned scorer (as `factcheck claims` runs it: batches of documents, the rules of one
    batch running while the scorer embeds the previous one), and
    the embedding model alone on the same sentences (every body sentence, in one sorted batch)."""
    from factcheck.claims.detect import detect_claims_batches
    from factcheck.claims.scoring import load_scorer
    from factcheck.ingest.readers import read_documents
    from factcheck.retrieval.minilm import load_minilm
    from factcheck.text.sentences import split_sentences

    result = {}
    sets = {
        "generated": [read_documents(p, 10).documents[0] for p in sorted(args.corpus.glob("*.txt"))[:200]]
    }
    if args.clef:
        with tempfile.TemporaryDirectory() as folder:
            sets["clef"] = clef_documents(args.clef, args.clef_lines, Path(folder))
    scorer = load_scorer()
    model = load_minilm()
    model.embed(["warm up the session"])
    batch = 64  # as Workspace.claims_of
    repeats = 3  # each rate is the median of three runs: one run of the model alone varies by about 10% here
    for name, documents in sets.items():
        texts = [
            s.text for d in documents for s in split_sentences(d.text, d.body_start) if s.kind == "sentence"
        ]
        batches = [documents[begin : begin + batch] for begin in range(0, len(documents), batch)]

        def model_alone(texts: list[str] = texts) -> int:
            model.embed(texts)
            return 0

        def detector(chosen, batches=batches):
            return lambda: sum(
                len(claims) for done in detect_claims_batches(batches, chosen) for claims in done
            )

        for mode, run in (
            ("model alone", model_alone),
            ("rules", detector(None)),
            ("learned", detector(scorer)),
        ):
            seconds, found = [], 0
            for _ in range(repeats):
                started = time.perf_counter()
                found = run()
                seconds.append(time.perf_counter() - started)
            rate = len(texts) / statistics.median(seconds)
            result[f"{name}_{mode}"] = {"sentences": len(texts), "claims": found, "rate": round(rate, 1)}
        result[f"{name}_learned"]["of_model"] = round(
            result[f"{name}_learned"]["rate"] / result[f"{name}_model alone"]["rate"], 2
        )
    return result


def clef_documents(path: Path, lines: int, folder: Path):
    """CLEF CheckThat! 2020 task 5 debates as transcripts ("SPEAKER: text" lines), one document each."""
    from factcheck.ingest.readers import read_documents

    debates: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[:lines]:
        row = json.loads(line)
        debates.setdefault(row["doc_id"], []).append(f"{row['speaker']}: {row['text']}")
    documents = []
    for doc_id, turns in debates.items():
        file = folder / f"{doc_id}.txt"
        file.write_text(f"Debate transcript {doc_id}\n\n" + "\n\n".join(turns) + "\n", encoding="utf-8")
        documents += read_documents(file, 50).documents
    return documents


def local(args) -> dict:
    """The SmolLM2 llama.cpp judge: latency per claim and throughput at several --workers, one server."""
    from factcheck.drafting.draft import Drafter
    from factcheck.drafting.registry import open_judge
    from factcheck.retrieval.fusion import RetrievalSettings
    from factcheck.workspace import Workspace

    workspace = Workspace(load_settings(home=args.home))
    root = Path(__file__).resolve().parent.parent
    workspace.index([root / "examples" / "articles", root / "tests" / "data" / "evidence"])
    claims = [
        c for p in sorted((root / "examples" / "articles").glob("*.txt")) for c in workspace.claims(str(p))
    ]
    subset = claims[: args.claims]
    result = {}
    with open_judge(workspace.settings, workspace.db, "local") as judge:
        for workers in args.workers_list:
            judge.client.db.conn.execute("DELETE FROM llm_cache")  # every run pays for its calls
            report = Drafter(workspace.db, workspace.retriever, judge, RetrievalSettings(k=6)).draft_all(
                subset, workers=workers, redo=True
            )
            latency = statistics.median(n.provenance.timings["judge"] for n in report.notes)
            result[str(workers)] = {
                "claims": len(subset),
                "rate": round(len(subset) / report.seconds, 3),
                "median_judge_s": round(latency, 1),
            }
    workspace.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["raw", "index", "query", "draft", "claims", "local"])
    parser.add_argument("--texts", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--workers-list", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--claims", type=int, default=8)
    parser.add_argument("--clef", type=Path)
    parser.add_argument("--clef-lines", type=int, default=4000)
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of the index phase here")
    parser.add_argument("--stand-in", action="store_true", help="index with stand-in passage vectors")
    parser.add_argument(
        "--in-process", action="store_true", help="index with the model in the indexing process (no child)"
    )
    args = parser.parse_args()
    print(json.dumps(globals()[args.phase](args)))


if __name__ == "__main__":
    main()
