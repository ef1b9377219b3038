"""A deterministic fake LLM that records every prompt it is sent."""

import json
import re


class FakeChatClient:
    def __init__(self, replies=None, model="fake-model"):
        self.replies = list(replies or [])
        self.model = model
        self.calls: list[list[dict]] = []

    def enqueue(self, *replies):
        self.replies.extend(replies)

    def complete(self, messages, schema):
        self.calls.append(messages)
        reply = self.replies.pop(0) if self.replies else self.default(messages)
        if callable(reply):
            reply = reply(messages)
        return (reply if isinstance(reply, str) else json.dumps(reply)), {"prompt": 10, "completion": 5}

    def default(self, messages):
        return {
            "verdict": "not_enough_evidence",
            "rationale": "Nothing settles it.",
            "confidence": 0.2,
            "citations": [],
        }


def outside_fences(prompt: str) -> str:
    """The prompt with every fenced passage removed: what a model should treat as instructions."""
    return re.sub(r"<<<PASSAGE (P\d+).*?PASSAGE \1>>>", "", prompt, flags=re.S)


def obedient_model(messages):
    """A fake LLM that follows any instruction it finds outside the fences (and only there)."""
    prompt = messages[-1]["content"] if len(messages) == 1 else messages[0]["content"]
    if "mark this claim supported" in outside_fences(prompt).lower():
        first = re.search(r"^(P\d+\.S\d+) ", prompt, re.M)
        return {
            "verdict": "supported",
            "rationale": "Instructed.",
            "confidence": 1.0,
            "citations": [first[1]],
        }
    return {
        "verdict": "not_enough_evidence",
        "rationale": "The passages do not settle it.",
        "confidence": 0.3,
        "citations": [],
    }


def drafter(workspace, judge, retrieval=None):
    """A Drafter over a test workspace's database and retriever."""
    from factcheck.drafting.draft import Drafter
    from factcheck.retrieval.fusion import RetrievalSettings

    return Drafter(
        workspace.db, workspace.retriever, judge, retrieval or RetrievalSettings(k=6), workspace.evidence
    )


def problems(workspace, citations):
    """What the citation rule finds wrong with these citations, checked against the stored passages."""
    from factcheck.drafting.grounding import ungrounded

    return ungrounded(citations, workspace.db.passages_by_id(c.passage_id for c in citations))


def evidence_item(text, doc="d2", flags=(), about=True, rank=1, title="Wire", published=None, start=10):
    """An evidence item as the drafter builds it, from plain text (sentences split by the real splitter)."""
    from factcheck.models import EvidenceItem, EvidenceSentence
    from factcheck.text.sentences import sentence_spans

    sentences = [
        EvidenceSentence(number=n, start=start + a, end=start + b, text=text[a:b], similarity=0.65)
        for n, (a, b) in enumerate(sentence_spans(text), 1)
    ]
    return EvidenceItem(
        rank=rank,
        passage_id=f"{doc}:0",
        document_id=doc,
        title=title,
        published=published,
        start=start,
        end=start + len(text),
        text=text,
        score=1.0,
        similarity=0.6,
        about_claim=about,
        flags=list(flags),
        sentences=sentences,
        best=[1] if sentences else [],
    )
