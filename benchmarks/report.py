"""Tables for bench.py's results: printed, and as a Markdown summary next to the JSON."""

from __future__ import annotations


def _get(data: dict | None, *keys, fmt: str = "{:.1f}") -> str:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return "-"
        data = data[key]
    return fmt.format(data) if isinstance(data, (int, float)) else str(data)


ROWS = [
    ("passages indexed", ("index", "passages"), "{:,}"),
    ("embedding model alone (passages/s)", ("raw", "rate"), "{:.1f}"),
    ("factcheck index (passages/s)", ("index", "rate"), "{:.1f}"),
    ("index / raw model (median pair)", ("ratio",), "{:.2f}"),
    ("index / raw model, each pair in run order", ("ratios",), "list"),
    ("index with the model in the indexing process / raw model (median)", ("in_process_ratio",), "{:.2f}"),
    ("the same, beside each pair in run order", ("in_process_ratios",), "list"),
    (
        "peer: LangChain Chroma.from_documents + sentence-transformers (passages/s)",
        ("peer", "rate"),
        "{:.1f}",
    ),
    ("factcheck index / peer", ("peer_ratio",), "{:.2f}"),
    ("peak RSS, index (MB)", ("index", "peak_rss_mb"), "{:,.0f}"),
    ("peak RSS, peer (MB)", ("peer", "peak_rss_mb"), "{:,.0f}"),
    ("BM25 build (s)", ("query", "bm25_build_s"), "{:.2f}"),
    ("BM25 load of the saved index (s)", ("query", "bm25_load_s"), "{:.2f}"),
    ("BM25 memory / on disk (MB)", None, None),
    ("dense query p50 / p95 (ms)", ("query", "dense"), None),
    ("retrieval as drafting uses it, dense + BM25 + fusion, p50 / p95 (ms)", ("query", "retrieval"), None),
    ("`search` p50 / p95 (ms)", ("query", "search"), None),
    ("peak RSS, query (MB)", ("query", "peak_rss_mb"), "{:,.0f}"),
    (
        "first retrieval of the draft process: model and HNSW index loaded (s)",
        ("draft", "first_retrieval_s"),
        "{:.2f}",
    ),
    ("draft, evidence judge (claims/s)", ("draft", "rate"), "{:.1f}"),
    ("draft rate / its rate at the smallest size", ("draft_ratio",), "{:.2f}"),
    ("peak RSS, draft (MB)", ("draft", "peak_rss_mb"), "{:,.0f}"),
]


def _cell(result: dict, keys, fmt) -> str:
    if keys is None:
        memory = _get(result, "query", "bm25_memory_mb", fmt="{:.0f}")
        return f"{memory} / {_get(result, 'query', 'bm25_disk_mb', fmt='{:.0f}')}"
    if fmt is None:
        return f"{_get(result, 'query', keys[1] + '_p50_ms')} / {_get(result, 'query', keys[1] + '_p95_ms')}"
    if fmt == "list":
        values = result.get(keys[0])
        return ", ".join(f"{value:.2f}" for value in values) if values else "-"
    if keys == ("index", "rate") and result.get("index", {}).get("stand_in_vectors"):
        return "stand-in vectors: not a rate"
    cell = _get(result, *keys, fmt=fmt)
    if keys[0] == "index" and result.get("index", {}).get("reused") and keys[1] == "rate":
        cell += f" (measured {result['index'].get('measured', 'earlier')})"
    return cell


def tables(results: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for every table of a run."""
    out = []
    columns = {
        f"{int(size):,} passages" + (" (stand-in vectors)" if r["index"].get("stand_in_vectors") else ""): r
        for size, r in results["sizes"].items()
    }
    columns.update({f"{name} (public)": r for name, r in results.get("public", {}).items()})
    rows = [[label] + [_cell(r, keys, fmt) for r in columns.values()] for label, keys, fmt in ROWS]
    out.append(("Indexing and retrieval", ["measure", *columns], rows))
    claims = results.get("claims") or {}
    rows = [
        [
            name.replace("_", ", "),
            f"{v['sentences']:,}",
            f"{v['claims']:,}" if "model" not in name else "-",
            f"{v['rate']:.1f}",
            f"{v['of_model']:.2f}" if "of_model" in v else "",
        ]
        for name, v in claims.items()
    ]
    out.append(
        (
            "Claims",
            ["corpus, detector", "sentences", "claim candidates", "sentences/s", "learned / model alone"],
            rows,
        )
    )
    local = results.get("local") or {}
    rows = [[workers, f"{v['rate']:.3f}", f"{v['median_judge_s']:.1f}"] for workers, v in local.items()]
    if rows:
        out.append(
            ("Local LLM judge (SmolLM2, llama.cpp server)", ["workers", "claims/s", "median s/claim"], rows)
        )
    return out


def header(results: dict) -> str:
    m = results["machine"]
    v = ", ".join(f"{k} {val}" for k, val in results["versions"].items())
    instructions = " ".join(m.get("vector_instructions", [])) or "no AVX2 or AVX-512"
    machine = f"{m['cores']} cores ({m['cpu']}; {instructions}), {m['memory_gb']} GB, Python {m['python']}"
    return f"factcheck benchmark, {results['date']}; {machine}; {v}"


def print_table(results: dict) -> None:
    print(header(results))
    for title, head, rows in tables(results):
        widths = [max(len(str(x)) for x in column) for column in zip(head, *rows, strict=True)]
        print(f"\n{title}")
        for row in [head, *rows]:
            print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def markdown(results: dict) -> str:
    parts = [f"# Benchmark\n\n{header(results)}\n"]
    for title, head, rows in tables(results):
        parts.append(f"\n## {title}\n\n| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
        parts.extend("| " + " | ".join(row) + " |\n" for row in rows)
    return "".join(parts)


def compare(old: dict, new: dict) -> None:
    """Two runs side by side, measure by measure, column by column (a size or corpus only one run has shows
    '-').
    """
    print(f"old: {header(old)}\nnew: {header(new)}")
    old_cells = {
        (title, row[0], column): cell
        for title, head, rows in tables(old)
        for row in rows
        for column, cell in zip(head[1:], row[1:], strict=True)
    }
    for title, head, rows in tables(new):
        print(f"\n{title}")
        for row in rows:
            cells = []
            for column, cell in zip(head[1:], row[1:], strict=True):
                before = old_cells.get((title, row[0], column), "-")
                cells.append(f"{column}: {before} -> {cell}" if before != cell else f"{column}: {cell}")
            print(f"  {row[0]}: " + " | ".join(cells))
