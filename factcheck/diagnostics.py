"""Health checks behind `factcheck doctor`."""

from __future__ import annotations

from dataclasses import dataclass

from factcheck.errors import FactcheckError
from factcheck.drafting.judges import active_judge_name
from factcheck.settings import Settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def run_checks(settings: Settings) -> list[Check]:
    """Each check runs even when an earlier one failed, so one run shows every problem."""
    checks = [Check("workspace", True, str(settings.home.resolve()))]
    if settings.embeddings.backend == "minilm":
        try:
            from factcheck.retrieval.embeddings import load_minilm, model_files

            load_minilm(settings.embeddings.threads)
            checks.append(Check("embeddings", True, f"embedded all-MiniLM-L6-v2 int8 ONNX, hashes verified ({model_files()[0]})"))
        except FactcheckError as exc:
            checks.append(Check("embeddings", False, str(exc)))
    else:
        key = "set" if settings.embeddings.api_key else "from OPENAI_API_KEY if set"
        checks.append(Check("embeddings", True, f"openai model {settings.embeddings.model} at {settings.embeddings.base_url or 'api.openai.com'} (key {key})"))
    try:
        from factcheck.workspace import Workspace

        workspace = Workspace(settings)
        try:
            count = workspace.store.count()
            where = settings.store.url or str(settings.chroma_path)
            checks.append(Check("store", True, f"Chroma at {where}: {count} passages, {len(workspace.sources())} documents"))
        finally:
            workspace.close()
    except FactcheckError as exc:
        checks.append(Check("store", False, str(exc)))
    judge = active_judge_name(settings.llm.judge, settings.llm.model)
    detail = {
        "evidence": "evidence (no LLM: verdicts only where deterministic checks justify them)",
        "llm": f"llm model {settings.llm.model or '(unset)'} at {settings.llm.base_url or 'api.openai.com'} (key {'set' if settings.llm.api_key else 'not set'})",
        "local": "local SmolLM2-135M-Instruct through llama.cpp (optional extra)",
    }[judge]
    checks.append(Check("judge", True, detail))
    from factcheck.claims.scoring import load_scorer

    checks.append(Check("check-worthiness", True, "learned scorer + rules" if load_scorer() else "rules only (no weights file)"))
    return checks
