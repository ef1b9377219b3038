"""The benchmark: one command, a printed table, JSON and a Markdown summary. Not part of the test suite.

    .venv/bin/python benchmarks/bench.py [--sizes 1000 10000 100000] [--peer] [--local]
        [--data DIR] (or FACTCHECK_DATA=DIR)

For each size: a seeded, generated news-like corpus; the embedding model alone on the same passage texts;
`factcheck index`; the LangChain + sentence-transformers peer (--peer, after benchmarks/setup_peer.sh);
BM25 build time and memory; search and retrieval latency p50/p95; `draft` with the evidence judge. Sizes from
--stand-in-from (1,000,000) up are indexed with stand-in passage vectors (seeded random unit vectors, not the
model's) and measured for query latency and memory only; queries are still embedded by the model. Every
phase runs in its own process, so each peak RSS is that phase's. With the public datasets present (--data DIR) it also
indexes public corpora (AVeriTeC evidence, Check-COVID abstracts) and measures claims throughput on the
CLEF CheckThat! debate transcripts. --workdir keeps corpora and indexes, so a later run reuses the slow
index of a large size and measures the rest again (the reused figures are marked).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from report import compare, markdown, print_table

ROOT = Path(__file__).resolve().parent.parent
PHASES = Path(__file__).resolve().parent / "phases.py"
PEER_PYTHON = ROOT / ".venv-peer" / "bin" / "python"


def phase(name: str, *options: str, python: str = sys.executable, script: Path = PHASES) -> dict:
    """Run one phase in a fresh process; its last stdout line is JSON."""
    print(f"  {name} {' '.join(options)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        [python, str(script), *([name] if script == PHASES else []), *options], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark phase {name!r} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def generate_corpus(folder: Path, passages_wanted: int, seed: int = 7, distinct: bool = False) -> Path:
    """News-like documents made by reshuffling the seed sentences with changed numbers (reproducible).
    Writes the documents and passages.jsonl (the passage texts every phase embeds); returns the latter.
    `distinct`: every sentence of the corpus is made unique (a clause with its own number), so that no work
    done per sentence text is saved by a sentence coming back, as it does in the reshuffled seed sentences."""
    from factcheck.ingest.readers import make_passages, read_documents
    from factcheck.text.sentences import split_sentences

    texts_file = folder / "passages.jsonl"
    if texts_file.exists():
        return texts_file
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "examples" / "articles").glob("*.txt"))
    rng = random.Random(seed)
    sentences = [
        s.text
        for path in seeds
        for s in split_sentences(path.read_text(encoding="utf-8"))
        if s.kind == "sentence" and len(s.text) > 40
    ]
    rows, count = [], 0
    while len(rows) < passages_wanted:
        chosen = [
            rng.choice(sentences).replace("100,000", f"{rng.randint(2, 300) * 1000:,}") for _ in range(14)
        ]
        if distinct:
            chosen = [f"{s[:-1]}, report {count}.{n} says{s[-1]}" for n, s in enumerate(chosen)]
        body = " ".join(chosen)
        path = corpus / f"doc{count:06d}.txt"
        path.write_text(f"Generated report {count}\n\n{body}\n", encoding="utf-8")
        document = read_documents(path, 10).documents[0]
        rows += [{"document_id": document.id, "text": p.text} for p in make_passages(document)]
        count += 1
    (folder / "passages.tmp").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (folder / "passages.tmp").rename(texts_file)
    return texts_file


def public_corpus(folder: Path, name: str, data: Path) -> Path | None:
    """AVeriTeC evidence passages or Check-COVID abstracts as one JSONL file of records, and its passages."""
    from factcheck.evaluation.datasets import load_verdicts
    from factcheck.ingest.readers import make_passages, read_documents

    records: list[dict] = []
    if name == "averitec" and (data / "averitec" / "dev_converted.jsonl").exists():
        evidence = load_verdicts(data / "averitec" / "dev_converted.jsonl", "averitec").records
        records = [{"id": r.id, "title": "", "text": r.text} for r in evidence]
    elif name == "checkcovid" and (data / "check_covid" / "corpus.jsonl").exists():
        for line in (data / "check_covid" / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            records.append(
                {"id": row["cord_id"], "title": row.get("title", ""), "text": " ".join(row["abstract"])}
            )
    if not records:
        return None
    (folder / "corpus").mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus" / f"{name}.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    rows = [
        {"document_id": d.id, "text": p.text}
        for d in read_documents(corpus, 200).documents
        for p in make_passages(d)
    ]
    texts_file = folder / "passages.jsonl"
    texts_file.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return texts_file


def index_and_raw(folder: Path, texts: Path, args, repeats: int) -> dict:
    """`factcheck index` (each time into an empty workspace) and the model alone, one after the other, `repeats`
    times (7 by default), the order alternating. On a shared 2-core VM one pair can land a fifth away from the
    next, so the ratio is the median of the pairs' ratios, and the rates shown are the median run's. The last
    index is kept."""
    home, pairs, in_process = folder / "home", [], []
    profile = ["--profile", str(args.out / f"profile-index-{folder.name}.txt")] if args.profile else []
    for attempt in range(repeats):
        last = attempt == repeats - 1
        where = home if last else Path(tempfile.mkdtemp(prefix="factcheck-bench-home-"))
        raw_first = attempt % 2 == 1  # alternating, so a VM slowing down or speeding up favours neither
        if raw_first:
            raw = phase("raw", "--texts", str(texts), "--limit", str(args.raw_sample))
        index = phase(
            "index", "--home", str(where), "--corpus", str(folder / "corpus"), *(profile if last else [])
        )
        index["measured"] = datetime.now().isoformat(timespec="minutes")
        if not raw_first:
            raw = phase("raw", "--texts", str(texts), "--limit", str(args.raw_sample))
        pairs.append((index, raw, round(index["rate"] / raw["rate"], 3)))
        if args.in_process and repeats > 1:  # the same index, model in the indexing process, beside the pair
            with tempfile.TemporaryDirectory(prefix="factcheck-bench-home-") as other:
                alone = phase("index", "--home", other, "--corpus", str(folder / "corpus"), "--in-process")
            in_process.append(round(alone["rate"] / raw["rate"], 3))
        if not last:
            shutil.rmtree(where, ignore_errors=True)
    index, raw, ratio = sorted(pairs, key=lambda pair: pair[2])[(len(pairs) - 1) // 2]  # even: the lower
    if repeats > 1:
        index = {**index, "rates": [pair[0]["rate"] for pair in pairs]}
        raw = {**raw, "rates": [pair[1]["rate"] for pair in pairs]}
    result = {"index": index, "raw": raw, "ratio": ratio, "ratios": [pair[2] for pair in pairs]}
    if in_process:
        result["in_process_ratio"] = sorted(in_process)[(len(in_process) - 1) // 2]
        result["in_process_ratios"] = in_process
    return result


def measure_corpus(folder: Path, texts: Path, args, generated: bool, size: int = 0) -> dict:
    home, saved = folder / "home", folder / "index.json"
    result: dict = {}
    if size >= args.stand_in_from:  # query latency and memory only: the vectors are not the model's
        if not saved.exists():
            built = phase("index", "--home", str(home), "--corpus", str(folder / "corpus"), "--stand-in")
            saved.write_text(json.dumps({"index": built}))
        result["index"] = {**json.loads(saved.read_text())["index"], "stand_in_vectors": True}
        result["query"] = phase("query", "--home", str(home), "--texts", str(texts))
        return result
    if saved.exists():  # the slow part of a large size, kept from an earlier run with its raw-model figure
        kept = json.loads(saved.read_text())
        result["index"] = {**kept["index"], "reused": True}
        if "raw" not in kept:
            kept["raw"] = phase("raw", "--texts", str(texts), "--limit", str(args.raw_sample))
            saved.write_text(json.dumps(kept))
        result["raw"] = kept["raw"]
    else:
        result.update(
            index_and_raw(folder, texts, args, repeats=args.repeat if size <= args.repeat_max else 1)
        )
        if args.workdir:
            saved.write_text(json.dumps({key: result[key] for key in ("index", "raw", "ratio")}))
    result["ratio"] = result.get("ratio") or round(result["index"]["rate"] / result["raw"]["rate"], 3)
    if args.peer and (size or result["index"]["passages"]) <= args.peer_max:
        with tempfile.TemporaryDirectory() as store:
            result["peer"] = phase(
                "peer",
                "--texts",
                str(texts),
                "--dir",
                store,
                python=str(PEER_PYTHON),
                script=Path(__file__).resolve().parent / "peer.py",
            )
    if "peer" in result:
        result["peer_ratio"] = round(result["index"]["rate"] / result["peer"]["rate"], 3)
    result["query"] = phase("query", "--home", str(home), "--texts", str(texts))
    if generated:
        result["draft"] = phase("draft", "--home", str(home), "--corpus", str(folder / "corpus"))
    return result


DATA = Path(os.environ.get("FACTCHECK_DATA") or ROOT.parent / "shared" / "data")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000], help="generated corpus sizes in passages"
    )
    parser.add_argument("--raw-sample", type=int, default=10000, help="passages the raw model embeds at most")
    parser.add_argument(
        "--repeat",
        type=int,
        default=7,
        help="index / model-alone pairs per corpus; the median pair is reported",
    )
    parser.add_argument(
        "--repeat-max",
        type=int,
        default=10000,
        help="largest size (--sizes) measured --repeat times; above, once",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="also index with the model in the indexing process (FACTCHECK_EMBEDDINGS__SEPARATE_PROCESS=false) "
        "beside each pair, against the same model-alone run",
    )
    parser.add_argument("--peer", action="store_true", help="also time LangChain + sentence-transformers")
    parser.add_argument(
        "--peer-max", type=int, default=10000, help="largest corpus size (--sizes) the peer is run at"
    )
    parser.add_argument(
        "--local", action="store_true", help="also time the local llama.cpp judge at 1/2/4/8 workers"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA,
        help="public datasets (optional)",
    )
    parser.add_argument(
        "--clef-lines", type=int, default=4000, help="CLEF transcript lines for claims throughput"
    )
    parser.add_argument("--profile", action="store_true", help="profile each index phase with pyinstrument")
    parser.add_argument(
        "--stand-in-from",
        type=int,
        default=1_000_000,
        help="sizes from this one up are indexed with stand-in passage vectors (query latency and memory only)",
    )
    parser.add_argument(
        "--sizes-only", action="store_true", help="skip claims, public corpora and the local judge"
    )
    parser.add_argument("--workdir", type=Path, help="keep corpora and indexes here and reuse them next time")
    parser.add_argument(
        "--compare", type=Path, nargs=2, metavar=("OLD", "NEW"), help="compare two result files and stop"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results", help="where JSON and Markdown go"
    )
    args = parser.parse_args()
    if args.compare:
        old, new = (json.loads(path.read_text(encoding="utf-8")) for path in args.compare)
        return compare(old, new)
    if args.peer and not PEER_PYTHON.exists():
        raise SystemExit(
            "--peer needs the benchmark-only environment: run `bash benchmarks/setup_peer.sh` first"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    results: dict = {
        "date": datetime.now().isoformat(timespec="minutes"),
        "machine": machine(),
        "versions": versions(),
        "sizes": {},
        "public": {},
    }
    for size in args.sizes:
        print(f"generated corpus, {size} passages", file=sys.stderr)
        folder = workdir / f"generated-{size}"
        texts = generate_corpus(folder, size)
        results["sizes"][str(size)] = measure_corpus(folder, texts, args, generated=True, size=size)
    smallest = workdir / f"generated-{min(args.sizes)}"
    first_draft = results["sizes"][str(min(args.sizes))].get("draft")
    for result in results["sizes"].values():
        if first_draft and "draft" in result:
            result["draft_ratio"] = round(result["draft"]["rate"] / first_draft["rate"], 3)
    if args.sizes_only:
        return finish(results, args)
    clef = args.data / "clef2020_checkthat_task5_debates" / "test.jsonl"
    options = ["--corpus", str(smallest / "corpus")] + (
        ["--clef", str(clef), "--clef-lines", str(args.clef_lines)] if clef.exists() else []
    )
    results["claims"] = phase("claims", *options)
    for name in ("averitec", "checkcovid"):
        folder = workdir / f"public-{name}"
        texts = (
            public_corpus(folder, name, args.data)
            if not (folder / "passages.jsonl").exists()
            else folder / "passages.jsonl"
        )
        if texts:
            print(f"public corpus {name}", file=sys.stderr)
            results["public"][name] = measure_corpus(folder, texts, args, generated=False)
    results["draft_evidence"] = results["sizes"][str(min(args.sizes))].get("draft")
    if args.local:
        results["local"] = phase("local", "--home", str(smallest / "home-local"))
    finish(results, args)


def finish(results: dict, args) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = results["date"].replace(":", "").replace("-", "")
    (args.out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / f"bench-{stamp}.md").write_text(markdown(results), encoding="utf-8")
    print_table(results)
    print(f"\nwrote {args.out / f'bench-{stamp}.json'} and .md")


def machine() -> dict:
    import os

    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    flags = next(
        (
            set(line.split(":", 1)[1].split())
            for line in (
                Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
            )
            if line.startswith("flags")
        ),
        set(),
    )
    return {
        "cpu": cpu,
        "vector_instructions": sorted(flags & {"avx2", "avx512f", "avx512_vnni", "avx_vnni"}),
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict:
    names = ("factcheck", "chromadb", "onnxruntime", "tokenizers", "bm25s", "numpy")
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except Exception:
            found[name] = "not installed"
    revision = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    found["git"] = revision.stdout.strip() or "unknown"
    from factcheck.retrieval.minilm import resolve_runtime
    from factcheck.settings import load_settings

    found["embedding runtime"] = resolve_runtime(load_settings().embeddings.runtime)
    return found


if __name__ == "__main__":
    main()
