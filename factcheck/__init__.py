"""factcheck: a local-first fact-check workflow assistant.

The public API is the `Workspace` façade, the domain models, the settings and the errors:

    from factcheck import Workspace
    with Workspace() as ws:
        ws.index(["examples/articles"])
        claims = ws.claims("examples/articles/000_74ff7ea8ffdc7416.txt")
        report = ws.draft([c.id for c in claims if c.checkworthiness >= 0.5])
"""

from importlib.metadata import PackageNotFoundError, version

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
    ArchiveReport,
    ArticleView,
    CheckedClaim,
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
    PriorCheck,
    QueueFilter,
    QueueItem,
    Review,
    RunComparison,
    Verdict,
)
from factcheck.settings import Settings, load_settings
from factcheck.workspace import Workspace, doctor

try:
    __version__ = version("factcheck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "ArchiveReport",
    "ArticleView",
    "CheckedClaim",
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
    "PriorCheck",
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
    "__version__",
    "doctor",
    "load_settings",
]
