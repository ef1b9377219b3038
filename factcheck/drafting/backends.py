"""Build the judge the settings ask for (starting the local server when needed)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from factcheck.storage.db import Database
from factcheck.drafting.judges import EvidenceJudge, Judge, active_judge_name
from factcheck.settings import Settings

LOCAL_MAX_TOKENS = 256


@contextlib.contextmanager
def open_judge(settings: Settings, db: Database, judge: str | None = None) -> Iterator[Judge]:
    """The active judge; the local llama.cpp server lives exactly as long as this context."""
    name = active_judge_name(judge or settings.llm.judge, settings.llm.model)
    if name == "evidence":
        yield EvidenceJudge()
        return
    from factcheck.drafting.llm import CachedClient, LLMJudge, OpenAIChatClient

    if name == "llm":
        style = "json_object" if settings.llm.response_format == "json_object" else "json_schema"
        client = OpenAIChatClient(settings.llm, style)
        yield LLMJudge(CachedClient(client, db), settings.llm.max_reasks, name="llm",
                       refine_statements=settings.llm.refine_statements)
        return
    from factcheck.drafting.local import MODEL_ALIAS, LocalServer

    with LocalServer() as base_url:
        style = "json_schema" if settings.llm.response_format == "json_schema" else "json_object"
        client = OpenAIChatClient(settings.llm, style, model=MODEL_ALIAS, base_url=base_url)
        client.max_tokens = min(client.max_tokens, LOCAL_MAX_TOKENS)  # a 135M model rambles; keep calls short
        yield LLMJudge(CachedClient(client, db), min(settings.llm.max_reasks, 1), name="local",
                       refine_statements=settings.llm.refine_statements)
