"""factcheck: a local-first fact-check workflow assistant.

The public API is the `Workspace` façade, the domain models, the settings and the errors:

    from factcheck import Workspace
    with Workspace() as ws:
        ws.index(["examples/articles"])
        claims = ws.claims("examples/articles/000_74ff7ea8ffdc7416.txt")
        report = ws.draft([c.id for c in claims if c.checkworthiness >= 0.5])
"""

from factcheck.errors import (
    ConfigError,
    ConflictError,
    FactcheckError,
    InputError,
    ModelError,
    NotFoundError,
    ProviderError,
    ProviderUnavailable,
    StoreError,
)
from factcheck.models import (
    ArticleView,
    CheckResult,
    Citation,
    Claim,
    ClaimType,
    Document,
    DocumentSummary,
    DraftReport,
    EvalRun,
    Evidence,
    HealthCheck,
    IndexReport,
    JudgeName,
    Note,
    NoteStatus,
    NoteView,
    Passage,
    QueueFilter,
    QueueItem,
    Review,
    RunComparison,
    Verdict,
)
from factcheck.settings import Settings, load_settings
from factcheck.workspace import Workspace, doctor

__all__ = [
    "ArticleView",
    "CheckResult",
    "Citation",
    "Claim",
    "ClaimType",
    "ConfigError",
    "ConflictError",
    "Document",
    "DocumentSummary",
    "DraftReport",
    "EvalRun",
    "Evidence",
    "FactcheckError",
    "HealthCheck",
    "IndexReport",
    "InputError",
    "JudgeName",
    "ModelError",
    "Note",
    "NoteStatus",
    "NoteView",
    "NotFoundError",
    "Passage",
    "ProviderError",
    "ProviderUnavailable",
    "QueueFilter",
    "QueueItem",
    "Review",
    "RunComparison",
    "Settings",
    "StoreError",
    "Verdict",
    "Workspace",
    "doctor",
    "load_settings",
]
