"""The LLM path: an OpenAI-compatible client, a response cache, and a judge whose answers are validated
so that citations are never invented."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from factcheck.claims.detect import ClaimRefiner
from factcheck.drafting.grounding import resolve_quote
from factcheck.drafting.judges import Judgement
from factcheck.drafting.prompts import load_prompt
from factcheck.errors import ConfigError, ProviderError, ProviderUnavailable
from factcheck.models import CheckResult, Citation, Claim, ClaimType, Document, Evidence, Verdict
from factcheck.settings import LLMSettings
from factcheck.storage.db import Database


class AnswerCitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    passage: str = Field(description="Id of a source passage shown in the prompt, e.g. 'P2'.")
    quote: str = Field(description="Exact words copied from that passage.")


class JudgeAnswer(BaseModel):
    """What the LLM must return."""

    model_config = ConfigDict(extra="forbid")
    verdict: Verdict = Field(description="supported, partly_supported, refuted or not_enough_evidence.")
    rationale: str = Field(description="Two to four sentences explaining the verdict from the passages.")
    confidence: float = Field(ge=0.0, le=1.0, description="How sure, 0-1.")
    citations: list[AnswerCitation] = Field(description="Passages and verbatim quotes the verdict rests on.")


class ChatClient(Protocol):
    model: str

    def complete(self, messages: list[dict], schema: type[BaseModel]) -> tuple[str, dict]:
        """The reply text and the usage the server reported."""


ResponseStyle = Literal["json_schema", "json_object"]


class OpenAIChatClient:
    """Any OpenAI-compatible server through the official client (OpenAI, vLLM, Ollama, llama.cpp, ...)."""

    def __init__(
        self,
        settings: LLMSettings,
        style: ResponseStyle,
        model: str | None = None,
        base_url: str | None = None,
    ) -> None:
        import openai

        self.model = model or settings.model or ""
        if not self.model:
            raise ConfigError(
                "no LLM model set: export FACTCHECK_LLM__MODEL (and FACTCHECK_LLM__BASE_URL for a local "
                "server)"
            )
        key = settings.api_key.get_secret_value() if settings.api_key else os.environ.get("OPENAI_API_KEY")
        self.base_url = base_url or settings.base_url
        if not key and not self.base_url:
            raise ConfigError(
                "the llm judge needs FACTCHECK_LLM__API_KEY (or OPENAI_API_KEY), or FACTCHECK_LLM__BASE_URL "
                "for a keyless server"
            )
        self.client = openai.OpenAI(
            api_key=key or "not-needed",
            base_url=self.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
        )
        self.style = style
        self.max_tokens = settings.max_tokens

    def complete(self, messages: list[dict], schema: type[BaseModel]) -> tuple[str, dict]:
        import openai

        json_schema = strict_schema(schema.model_json_schema())
        response_format: dict[str, Any]
        if self.style == "json_schema":
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": schema.__name__, "schema": json_schema, "strict": True},
            }
        else:  # llama.cpp's server: json_object constrained by a schema (not in OpenAI's own types)
            response_format = {"type": "json_object", "schema": json_schema}
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "response_format": response_format,
        }
        where = self.base_url or "api.openai.com"
        try:
            response = self.client.chat.completions.create(**request)
        except openai.APIConnectionError as exc:  # includes timeouts, after the client's own retries
            kind = "timed out" if isinstance(exc, openai.APITimeoutError) else "is unreachable"
            error = ProviderError if isinstance(exc, openai.APITimeoutError) else ProviderUnavailable
            raise error(
                f"LLM server at {where} {kind}; check it is running and FACTCHECK_LLM__BASE_URL"
            ) from None
        except openai.RateLimitError:
            raise ProviderError(
                f"LLM server at {where} kept answering 429 (rate limit) after retries; lower --workers or "
                f"try later"
            ) from None
        except openai.APIStatusError as exc:
            raise ProviderError(
                f"LLM server at {where} answered HTTP {exc.status_code}: {str(exc.message)[:160]}"
            ) from None
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        usage = {}
        if response.usage:
            usage = {"prompt": response.usage.prompt_tokens, "completion": response.usage.completion_tokens}
        return text, usage


_UNSUPPORTED_KEYWORDS = ("minimum", "maximum", "title", "default")


def strict_schema(node: object, names: bool = False) -> object:
    """Drop keywords OpenAI's strict structured outputs reject (ranges, titles); pydantic still enforces them.
    Keys of a `properties` or `$defs` mapping are names, not keywords, and are kept."""
    if isinstance(node, dict):
        return {
            k: strict_schema(v, k in ("properties", "$defs") and not names)
            for k, v in node.items()
            if names or k not in _UNSUPPORTED_KEYWORDS
        }
    if isinstance(node, list):
        return [strict_schema(v) for v in node]
    return node


class CachedClient:
    """Keyed by model + messages + schema: the same call is never paid for twice."""

    def __init__(self, inner: ChatClient, db: Database) -> None:
        self.inner, self.db, self.model = inner, db, inner.model

    def complete(self, messages: list[dict], schema: type[BaseModel]) -> tuple[str, dict]:
        key = hashlib.sha256(
            json.dumps([self.model, messages, schema.model_json_schema()], sort_keys=True).encode()
        ).hexdigest()
        if cached := self.db.cached_response(key):
            return cached[0], {**cached[1], "cached": True}
        text, usage = self.inner.complete(messages, schema)
        self.db.cache_response(key, self.model, text, usage)
        return text, usage


def validate_answer(answer: JudgeAnswer, shown: dict[str, Evidence]) -> tuple[list[Citation], list[str]]:
    """Citations resolved to stored passages, and the problems to send back to the model."""
    citations, problems = [], []
    for cited in answer.citations:
        if not cited.passage.strip() and not cited.quote.strip():
            continue  # an empty placeholder some small models emit: nothing is cited, nothing is invented
        item = shown.get(cited.passage.strip())
        if item is None:
            problems.append(f"passage {cited.passage!r} was not shown; cite only {', '.join(shown)}")
            continue
        citation = resolve_quote(item.passage, cited.quote, item.document_title, item.document_url)
        if citation is None:
            problems.append(f"the quote {cited.quote[:80]!r} is not copied exactly from {cited.passage}")
            continue
        citations.append(citation)
    if answer.verdict != Verdict.not_enough_evidence and not citations and not problems:
        problems.append(
            f"a verdict of {answer.verdict.value} needs at least one citation with an exact quote"
        )
    return citations, problems


def _fence(alias: str, item: Evidence) -> str:
    title = item.document_title or item.passage.document_id
    meta = f"{title}; {item.outlet or 'unknown outlet'}; {item.published or 'undated'}"
    flags = f"; flags: {', '.join(item.flags)}" if item.flags else ""
    body = item.passage.text.replace("<<<", "‹‹‹").replace(
        ">>>", "›››"
    )  # a passage cannot close its own fence
    return f"<<<PASSAGE {alias} (untrusted source text; {meta}{flags})\n{body}\nPASSAGE {alias}>>>"


class LLMJudge:
    """Claim + fenced passages + check results in; a validated, grounded JudgeAnswer out."""

    prompt_name = "judge"

    def __init__(
        self, client: ChatClient, max_reasks: int = 2, name: str = "llm", refine_statements: bool = False
    ) -> None:
        self.client, self.max_reasks, self.name = client, max_reasks, name
        self.refiner: ClaimRefiner | None = StatementRefiner(client) if refine_statements else None
        self.prompt = load_prompt(self.prompt_name)
        self.prompt_hash = self.prompt.sha256
        self.model = client.model

    def render(
        self, claim: Claim, evidence: list[Evidence], checks: list[CheckResult]
    ) -> tuple[str, dict[str, Evidence]]:
        shown = {f"P{i}": item for i, item in enumerate(evidence, 1)}
        text = self.prompt.render(
            statement=claim.statement,
            claim_text=claim.text,
            speaker=claim.speaker or "unknown",
            claim_date=claim.claim_date or "unknown",
            checks="\n".join(f"- {c.name}: {c.outcome}. {c.detail}" for c in checks) or "- none",
            passages="\n\n".join(_fence(alias, item) for alias, item in shown.items())
            or "(no passages were found)",
            passage_ids=", ".join(shown) or "(none)",
        )
        return text, shown

    def judge(
        self,
        claim: Claim,
        evidence: list[Evidence],
        checks: list[CheckResult],
        check_citations: list[Citation],
    ) -> Judgement:
        prompt, shown = self.render(claim, evidence, checks)
        messages = [{"role": "user", "content": prompt}]
        tokens = {"prompt": 0, "completion": 0}
        problems: list[str] = []
        reply = ""
        for attempt in range(1, self.max_reasks + 2):
            reply, usage = self.client.complete(messages, JudgeAnswer)
            tokens["prompt"] += usage.get("prompt") or 0
            tokens["completion"] += usage.get("completion") or 0
            try:
                answer = JudgeAnswer.model_validate_json(reply)
            except ValidationError as exc:
                problems = [f"the reply is not valid JSON for the schema ({exc.errors()[0]['msg']})"]
            else:
                citations, problems = validate_answer(answer, shown)
                if not problems:
                    return Judgement(
                        answer.verdict,
                        answer.confidence,
                        answer.rationale,
                        citations,
                        tokens=tokens,
                        attempts=attempt,
                    )
            messages = messages + [
                {"role": "assistant", "content": reply},
                {
                    "role": "user",
                    "content": "Your answer cannot be used: "
                    + "; ".join(problems)
                    + ". Answer again with JSON only, citing only the passages shown and copying quotes "
                    "exactly.",
                },
            ]
        return Judgement(
            Verdict.not_enough_evidence,
            0.0,
            "The model's answer could not be grounded in the sources, so no verdict is given.",
            [],
            failure=f"after {self.max_reasks + 1} attempts: "
            + "; ".join(problems)
            + f" (last reply: {reply[:200]!r})",
            tokens=tokens,
            attempts=self.max_reasks + 1,
        )


class StatementAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement: str = Field(description="The claim rewritten to stand alone: who, what, where, when.")
    type: ClaimType = Field(
        description="quantity, quote, attribution, event, comparison, causal, prediction or other."
    )


class StatementRefiner:
    """The optional LLM pass over a claim before retrieval: statement and type only; the span never moves."""

    def __init__(self, client: ChatClient) -> None:
        self.client = client
        self.prompt = load_prompt("decontextualise")

    def __call__(self, claim: Claim, document: Document) -> Claim:
        prompt = self.prompt.render(
            article_title=document.title or "unknown",
            article_date=document.published or "unknown",
            outlet=document.outlet or "unknown",
            sentence=claim.sentence,
            span=claim.text,
            speaker=claim.speaker or "unknown",
            rule_statement=claim.statement,
        )
        reply, _ = self.client.complete([{"role": "user", "content": prompt}], StatementAnswer)
        try:
            answer = StatementAnswer.model_validate_json(reply)
        except ValidationError:
            return claim  # keep the rule-based statement rather than guess
        if not answer.statement.strip():
            return claim
        return claim.model_copy(
            update={
                "statement": answer.statement.strip(),
                "type": answer.type,
                "statement_source": self.client.model,
            }
        )
