"""`factcheck doctor`: what is configured and whether it works. Each check runs even when an earlier one
failed, and says in one line what it found; credentials in URLs are masked."""

from __future__ import annotations

from pathlib import Path

from factcheck.errors import ConfigError, FactcheckError
from factcheck.models import HealthCheck
from factcheck.safety import mask_credentials
from factcheck.settings import Settings
from factcheck.storage.db import Database


def doctor(settings: Settings) -> list[HealthCheck]:
    checks = [HealthCheck(name="workspace", ok=True, detail=str(settings.home.resolve()))]
    if settings.db_path.is_file():
        checks.append(_database(settings))
    where = "; ".join(f"{name} from {source}" for name, source in sorted(settings.sources.items()))
    checks.append(HealthCheck(name="settings", ok=True, detail=where or "all defaults"))
    for check in (_embeddings, _store, _verifier, _judge, _checkworthiness):
        try:
            checks.append(check(settings))
        except FactcheckError as exc:
            checks.append(HealthCheck(name=check.__name__.strip("_"), ok=False, detail=str(exc)))
    checks += _artefacts()
    return [check.model_copy(update={"detail": mask_credentials(check.detail)}) for check in checks]


def _database(settings: Settings) -> HealthCheck:
    """SQLite's integrity check of the workspace database."""
    try:
        database = Database(settings.db_path)
    except FactcheckError as exc:
        return HealthCheck(name="database", ok=False, detail=str(exc))
    try:
        problems = database.integrity()
    finally:
        database.close()
    if problems:
        return HealthCheck(
            name="database",
            ok=False,
            detail=f"{settings.db_path} is damaged: {'; '.join(problems[:3])}; restore it from a backup, or "
            "move it away and index the articles again",
        )
    return HealthCheck(name="database", ok=True, detail=f"{settings.db_path}: integrity check ok")


def _embeddings(settings: Settings) -> HealthCheck:
    if settings.embeddings.backend != "minilm":
        key = "set" if settings.embeddings.api_key else "from OPENAI_API_KEY if set"
        return HealthCheck(
            name="embeddings",
            ok=True,
            detail=f"openai model {settings.embeddings.model} at "
            f"{settings.embeddings.base_url or 'api.openai.com'} (key {key})",
        )
    from factcheck.retrieval.minilm import load_minilm, model_files

    model = load_minilm(settings.embeddings.threads, settings.embeddings.runtime)
    return HealthCheck(
        name="embeddings",
        ok=True,
        detail=f"embedded all-MiniLM-L6-v2 int8 ONNX, hashes verified ({model_files()[0]}); {model.runtime} runtime",
    )


def _store(settings: Settings) -> HealthCheck:
    from factcheck.retrieval.vectors import VectorStore

    count = VectorStore(settings).count()
    documents = 0
    if settings.db_path.is_file():
        database = Database(settings.db_path)
        try:
            documents = len(database.documents())
        finally:
            database.close()
    where = settings.store.url or str(settings.chroma_path)
    return HealthCheck(
        name="store", ok=True, detail=f"Chroma at {where}: {count} passages, {documents} documents"
    )


def _verifier(settings: Settings) -> HealthCheck:
    from factcheck.drafting.calibration import load_calibration
    from factcheck.drafting.verifier import MODEL_SHA256, load_stance_model, stance_model_available

    if not settings.draft.stance:
        return HealthCheck(
            name="verifier", ok=True, detail="off (FACTCHECK_DRAFT__STANCE=false): no stance is read"
        )
    if not MODEL_SHA256:
        return HealthCheck(name="verifier", ok=True, detail="none in this build: no stance is read")
    if not stance_model_available():
        return HealthCheck(
            name="verifier", ok=False, detail="the verification model file is missing; reinstall factcheck"
        )
    load_stance_model(settings.embeddings.threads)
    calibration = load_calibration()
    if calibration.problem:
        return HealthCheck(
            name="verifier", ok=False, detail=f"{calibration.problem}: nothing commits, no lean shown"
        )
    threshold = calibration.certificate.threshold
    commits = (
        f"; its leans commit from a certified score of {threshold:.2f}"
        if threshold is not None
        else "; no certified threshold: it commits nothing"
    )
    return HealthCheck(
        name="verifier",
        ok=True,
        detail=f"stance cross-encoder, SHA-256 {MODEL_SHA256[:12]}... verified{commits}",
    )


def _judge(settings: Settings) -> HealthCheck:
    from factcheck.drafting.registry import JUDGES, active_judge

    try:
        judge = active_judge(None, settings)
    except ConfigError as exc:
        return HealthCheck(name="judge", ok=False, detail=str(exc))
    return HealthCheck(name="judge", ok=True, detail=JUDGES.get(judge).describe(settings))


def _checkworthiness(settings: Settings) -> HealthCheck:
    from factcheck.claims.scoring import load_scorer

    scorer = "learned scorer + rules" if load_scorer() else "rules only (no weights file)"
    return HealthCheck(name="check-worthiness", ok=True, detail=scorer)


def _artefacts() -> list[HealthCheck]:
    """Each model artefact as the manifest describes it, with whether its file matches its SHA-256."""
    import hashlib
    from importlib import resources

    from factcheck.data import ShippedFileError, artefacts

    try:
        described = artefacts()
    except ShippedFileError as exc:
        return [HealthCheck(name="artefacts", ok=False, detail=str(exc))]
    checks = []
    for name, entry in described.items():
        if "package" in entry:
            from factcheck.retrieval.minilm import model_files

            path = model_files()[0]
        else:
            path = Path(str(resources.files("factcheck.data").joinpath(*entry["file"].split("/"))))
        ok = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")
        labels = f"; labels {', '.join(entry['labels'])}" if entry.get("labels") else ""
        tokens = f"; at most {entry['max_tokens']} tokens" if entry.get("max_tokens") else ""
        detail = (
            f"{entry.get('what', '')}: {entry.get('package', 'factcheck')}/{entry['file']}, SHA-256 "
            f"{entry.get('sha256', '')[:12]}... {'verified' if ok else 'DOES NOT MATCH: reinstall factcheck'}"
            f"{labels}{tokens}; made by {entry.get('made_by', '?')}"
        )
        checks.append(HealthCheck(name=f"artefact {name}", ok=ok, detail=detail))
    return checks
