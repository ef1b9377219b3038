"""The LLM path: an OpenAI-compatible client, a response cache, and a judge whose answers are validated
so that citations are never invented."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from factcheck.claims.detect import ClaimRefiner
from factcheck.drafting.calibration import Calibration, commits, load_calibration, settled
from factcheck.drafting.checks import passage_of
from factcheck.drafting.grounding import cite
from factcheck.drafting.judges import COMMIT_PRECISION, Judgement
from factcheck.drafting.prompts import load_prompt
from factcheck.errors import ConfigError, MalformedReply, ProviderError, ProviderUnavailable
from factcheck.models import (
    CheckResult,
    Citation,
    Claim,
    ClaimType,
    Document,
    EvidenceItem,
    EvidenceSentence,
    Verdict,
)
from factcheck.safety import mask_credentials
from factcheck.settings import LLMSettings
from factcheck.storage.cache import CacheStore

MAX_REPLY_CHARS = 20_000  # longer replies are refused, never cached, never echoed back
logger = logging.getLogger(__name__)


def answer_model(sentence_ids: list[str]) -> type[BaseModel]:
    """The JSON schema of the judge's answer for one prompt: citations can only be the sentence ids shown
    (an enum), so a conforming answer cannot cite a sentence it was not given."""
    cited: Any = Literal.__getitem__(tuple(sentence_ids)) if sentence_ids else Literal["none"]
    return create_model(
        "JudgeAnswer",
        __config__=ConfigDict(extra="forbid"),
        verdict=(Verdict, Field(description="supported, partly_supported, refuted or not_enough_evidence.")),
        rationale=(str, Field(description="Two to four sentences explaining the verdict from the passages.")),
        confidence=(float, Field(ge=0.0, le=1.0, description="How sure, 0-1.")),
        citations=(
            list[cited],
            Field(description="Ids of the sentences the verdict rests on, e.g. 'P2.S1'."),
        ),
    )


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
        from factcheck.drafting.bounded_http import bounded_client

        self.client = openai.OpenAI(
            api_key=key or "not-needed",
            base_url=self.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
            http_client=bounded_client(settings.timeout_s),
        )
        self.style = style
        self.max_tokens = settings.max_tokens

    def complete(self, messages: list[dict], schema: type[BaseModel]) -> tuple[str, dict]:
        import openai

        from factcheck.drafting.bounded_http import CompressedReply, ReplyTooLarge

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
        where = mask_credentials(self.base_url) if self.base_url else "api.openai.com"
        try:
            response = self.client.chat.completions.create(**request)
            text, usage = self._reply(response, where)
            return text, usage or estimated_usage(messages, text)
        except (ReplyTooLarge, CompressedReply) as exc:
            raise ProviderError(
                f"LLM server at {where} sent a reply refused unread: {exc}; check the server"
            ) from None
        except openai.APIConnectionError as exc:  # includes timeouts, after the client's own retries
            if isinstance(exc.__cause__, ReplyTooLarge | CompressedReply):
                raise ProviderError(
                    f"LLM server at {where} sent a reply refused unread: {exc.__cause__}; check the server"
                ) from None
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
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            # A body that is not JSON, or JSON of another shape ({"choices": "oops"}): the client's parser fails.
            raise MalformedReply(
                f"LLM server at {where} sent a reply that is not an OpenAI-style chat completion "
                f"({type(exc).__name__}); check FACTCHECK_LLM__BASE_URL and the model"
            ) from None

    @staticmethod
    def _reply(response: Any, where: str) -> tuple[str, dict]:
        if not hasattr(response, "choices"):  # e.g. an HTML page from a proxy or a wrong base URL
            raise MalformedReply(
                f"LLM server at {where} did not answer like an OpenAI-compatible server (got "
                f"{type(response).__name__}); check FACTCHECK_LLM__BASE_URL, which usually ends in /v1"
            )
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        if not isinstance(text, str):
            raise TypeError(f"message content is {type(text).__name__}")
        if len(text) > MAX_REPLY_CHARS:
            raise ProviderError(
                f"LLM server at {where} sent a reply of {len(text):,} characters, over the {MAX_REPLY_CHARS:,} "
                "accepted; lower FACTCHECK_LLM__MAX_TOKENS or check the model"
            )
        return text, reported_usage(getattr(response, "usage", None), where)


MAX_USAGE = 10_000_000  # tokens one request could plausibly use; a report beyond it is absurd


def reported_usage(usage: Any, where: str) -> dict:
    """The token counts a server reported, when they are whole numbers from 0 to MAX_USAGE; anything else
    (a string, a negative number, an absurd count) is ignored and logged, and the caller counts what it sent."""
    if usage is None:
        return {}
    counts = {
        "prompt": getattr(usage, "prompt_tokens", None),
        "completion": getattr(usage, "completion_tokens", None),
    }
    if all(type(v) is int and 0 <= v <= MAX_USAGE for v in counts.values()):
        return counts
    logger.warning(
        "LLM server at %s reported unusable token counts %r; counting the request's size instead",
        where,
        counts,
    )
    return {}


def estimated_usage(messages: list[dict], reply: str) -> dict:
    """Tokens counted from what was sent and received (about four characters a token), for the budget."""
    sent = sum(len(str(m.get("content", ""))) for m in messages)
    return {"prompt": sent // 4 + 1, "completion": len(reply) // 4 + 1}


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
    """Keyed by model + messages + schema: the same call is never paid for twice. Only replies that match the
    schema are kept, so a failed answer is asked again by the next run."""

    def __init__(self, inner: ChatClient, db: CacheStore) -> None:
        self.inner, self.db, self.model = inner, db, inner.model

    def complete(self, messages: list[dict], schema: type[BaseModel]) -> tuple[str, dict]:
        key = hashlib.sha256(
            json.dumps([self.model, messages, schema.model_json_schema()], sort_keys=True).encode()
        ).hexdigest()
        if cached := self.db.cached_response(key):
            return cached[0], {**cached[1], "cached": True}
        text, usage = self.inner.complete(messages, schema)
        try:
            schema.model_validate_json(text)
        except ValidationError:
            return text, usage  # an invalid reply is never cached: the next run asks again
        self.db.cache_response(key, self.model, text, usage)
        return text, usage


def defang(text: object) -> str:
    """Untrusted text made safe to put inside a prompt fence: it cannot open or close one, or add lines."""
    return " ".join(str(text).replace("<<<", "‹‹‹").replace(">>>", "›››").split())


def _fence(alias: str, item: EvidenceItem) -> str:
    meta = (
        f"{defang(item.title or item.document_id)}; {defang(item.outlet or 'unknown outlet')}; "
        f"{item.published or 'undated'}"
    )
    flags = f"; flags: {', '.join(item.flags)}" if item.flags else ""
    lines = [
        f"{alias}.S{sentence.number}{_stance_tag(sentence)} {defang(sentence.text)}"
        for sentence in item.sentences
    ]
    return (
        f"<<<PASSAGE {alias} (untrusted source text)\nsource: {meta}{flags}\n"
        + "\n".join(lines)
        + f"\nPASSAGE {alias}>>>"
    )


def _stance_tag(sentence: EvidenceSentence) -> str:
    """The verification model's reading of a sentence, written by the tool: [supports 0.91]."""
    reading = sentence.stance
    return f" [{reading.stance.value} {reading.probability:.2f}]" if reading is not None else ""


def _check_lines(checks: list[CheckResult], evidence: list[EvidenceItem]) -> str:
    """The checks in the tool's own words only: names, outcomes and evidence numbers, never document text."""
    rank = {item.passage_id: item.rank for item in evidence}
    lines = []
    for check in checks:
        where = sorted({rank[p] for p in check.passage_ids if p in rank})
        lines.append(
            f"- {check.name}: {check.outcome.replace('_', ' ')}"
            + (f" (evidence {', '.join(f'P{n}' for n in where)})" if where else "")
        )
    return "\n".join(lines) or "- none"


class LLMJudge:
    """Claim + fenced, numbered sentences + check results in; an answer that cites sentence ids out. The
    quotes come from the stored sentences, so every citation is verbatim by construction."""

    prompt_name = "judge"

    def __init__(
        self,
        client: ChatClient,
        max_reasks: int = 2,
        name: str = "llm",
        refine_statements: bool = False,
        calibration: Calibration | None = None,
        commit_precision: float = COMMIT_PRECISION,
    ) -> None:
        self.client, self.max_reasks, self.name = client, max_reasks, name
        self.refiner: ClaimRefiner | None = StatementRefiner(client) if refine_statements else None
        self.prompt = load_prompt(self.prompt_name)
        self.prompt_hash = self.prompt.sha256
        self.model = client.model
        self.calibration = calibration if calibration is not None else load_calibration()
        self.commit_precision = commit_precision

    def render(
        self, claim: Claim, evidence: list[EvidenceItem], checks: list[CheckResult]
    ) -> tuple[str, dict[str, tuple[EvidenceItem, EvidenceSentence]]]:
        """The prompt, and the sentences it shows by id ('P2.S1')."""
        shown = {
            f"P{item.rank}.S{sentence.number}": (item, sentence)
            for item in evidence
            for sentence in item.sentences
        }
        claim_block = "\n".join(
            [
                f"statement: {defang(claim.statement)}",
                f"exact words in the article: {defang(claim.text)}",
                f"said by: {defang(claim.speaker or 'unknown')}",
                f"date of the claim: {claim.claim_date or 'unknown'}",
            ]
        )
        text = self.prompt.render(
            claim=claim_block,
            checks=_check_lines(checks, evidence),
            passages="\n\n".join(_fence(f"P{item.rank}", item) for item in evidence)
            or "(no passages were found)",
            sentence_ids=", ".join(shown) or "(none)",
        )
        return text, shown

    def judge(
        self,
        claim: Claim,
        evidence: list[EvidenceItem],
        checks: list[CheckResult],
        check_citations: list[Citation],
    ) -> Judgement:
        if not evidence:
            return Judgement(
                Verdict.not_enough_evidence,
                0.0,
                "No passage was retrieved, so no model was asked.",
                [],
                attempts=0,
                basis="no_evidence",
            )
        prompt, shown = self.render(claim, evidence, checks)
        schema = answer_model(list(shown))
        messages = [{"role": "user", "content": prompt}]
        tokens = {"prompt": 0, "completion": 0}
        problem, reply = "", ""
        for attempt in range(1, self.max_reasks + 2):
            try:
                reply, usage = self.client.complete(messages, schema)
            except MalformedReply as exc:  # asked again like a reply that does not fit the schema
                problem, reply = str(exc), ""
                continue
            tokens["prompt"] += usage.get("prompt") or 0
            tokens["completion"] += usage.get("completion") or 0
            try:
                answer = schema.model_validate_json(reply)
            except ValidationError as exc:  # the only reason to ask again: the reply does not fit the schema
                error = exc.errors()[0]
                problem = f"{'.'.join(map(str, error['loc']))}: {error['msg']}".strip(": ")
            else:
                return self._decide(answer, shown, tokens, attempt)
            messages = messages + [
                {"role": "assistant", "content": reply[:2000]},
                {
                    "role": "user",
                    "content": f"Your answer does not match the JSON schema ({problem[:300]}). Answer "
                    "again with JSON only; cite only sentence ids from the list.",
                },
            ]
        return Judgement(
            Verdict.not_enough_evidence,
            0.0,
            "The model's answer did not match the schema, so no verdict is given.",
            [],
            failure=f"after {self.max_reasks + 1} attempts the reply did not match the schema: {problem} "
            f"(last reply: {reply[:200]!r})",
            tokens=tokens,
            attempts=self.max_reasks + 1,
        )

    def _decide(
        self,
        answer: BaseModel,
        shown: dict[str, tuple[EvidenceItem, EvidenceSentence]],
        tokens: dict,
        attempt: int,
    ) -> Judgement:
        verdict: Verdict = getattr(answer, "verdict")  # noqa: B009 - a model created at run time
        confidence: float = getattr(answer, "confidence")  # noqa: B009
        rationale: str = getattr(answer, "rationale")  # noqa: B009
        ids = list(dict.fromkeys(getattr(answer, "citations")))  # noqa: B009
        citations = [
            cite(
                passage_of(item), sentence.start - item.start, sentence.end - item.start, item.title, item.url
            )
            for item, sentence in (shown[sentence_id] for sentence_id in ids)
        ]
        basis = f"{self.name}:{self.model}"
        if verdict != Verdict.not_enough_evidence and not citations:
            rationale += " (The model cited no sentence, so its verdict is only a suggestion.)"
            return Judgement(
                Verdict.not_enough_evidence, confidence, rationale, [], suggestion=verdict, tokens=tokens,
                attempts=attempt, basis=basis,
            )  # fmt: skip
        if verdict != Verdict.not_enough_evidence:
            confidence, committed, note = self._commit(verdict, confidence)
            rationale = f"{rationale} {note}" + (
                "" if committed else " That is not enough to commit the verdict: it is left to the reviewer."
            )
            verdict, suggestion = settled(verdict, committed)
        else:
            suggestion = None
        return Judgement(
            verdict,
            round(confidence, 3),
            rationale,
            citations,
            suggestion=suggestion,
            tokens=tokens,
            attempts=attempt,
            basis=basis,
        )

    def _commit(self, verdict: Verdict, confidence: float) -> tuple[float, bool, str]:
        """The confidence shown, whether the verdict commits, and the track record behind it, in words."""
        record = self.calibration.record(f"{self.name}:{self.model}:{verdict.value}")
        committed, measured = commits(record, None, self.commit_precision)
        if measured is None or record is None:  # a model's own confidence is not a calibration
            return (
                confidence,
                False,
                f"This model has no calibration record (training/calibrate_judges.py --llm makes one), so its "
                f"own confidence ({confidence:.2f}) commits nothing.",
            )
        return (
            measured,
            committed,
            f"This model's {verdict.value} verdicts were right in {record.correct} of {record.fired} cases on "
            f"claims kept apart for calibration ({measured:.0%}).",
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
        try:
            reply, _ = self.client.complete([{"role": "user", "content": prompt}], StatementAnswer)
            answer = StatementAnswer.model_validate_json(reply)
        except (ValidationError, MalformedReply):
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
