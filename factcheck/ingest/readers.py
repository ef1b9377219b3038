"""Read articles from disk: decode safely, extract text and metadata, build Documents and passages."""

from __future__ import annotations

import codecs
import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from factcheck.errors import InputError
from factcheck.logs import dropped
from factcheck.models import Document, Passage
from factcheck.registry import Registry
from factcheck.safety import mask_credentials, source_url
from factcheck.text.language import detect_language
from factcheck.text.metadata import metadata_from_text, outlet_from_url, parse_date
from factcheck.text.sentences import sentence_spans

_TEXT_KEYS = ("text", "body", "content", "article", "claim")
_TITLE_KEYS = ("title", "headline")
_URL_KEYS = ("url", "link", "source_url")
_DATE_KEYS = ("published", "date", "publish_date", "published_at", "claim_date")
_OUTLET_KEYS = ("outlet", "publisher", "source", "site", "sitename")


def discover(paths: list[Path]) -> tuple[list[Path], list[str], list[str]]:
    """Expand files and directories (recursively) into supported files; report paths that do not exist,
    folders that hold no article, and links that lead out of a folder (not followed). Hidden files and folders
    inside a given folder are skipped; the given path itself may be anything (`..`, `./x`, a hidden folder)."""
    files: list[Path] = []
    missing: list[str] = []
    outside: list[str] = []
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            found = []
            for p in sorted(path.rglob("*")):
                if not p.is_file() or p.suffix.lower() not in READERS:
                    continue
                if any(part.startswith(".") for part in p.relative_to(path).parts):
                    continue
                if not p.resolve().is_relative_to(root):  # a link out of the folder: never followed
                    outside.append(f"{p}: a link to a file outside {path}; not followed")
                    continue
                found.append(p)
            if not found:
                missing.append(
                    f"{path}: no articles in this folder ({', '.join(sorted(READERS))}; hidden "
                    "files and folders are skipped)"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(f"{path}: no such file or directory")
    return files, missing, outside


def decode(raw: bytes, path: Path) -> str:
    """Bytes to text: UTF-8 (BOM allowed) or UTF-16 with a BOM; anything else is a clear InputError."""
    if not raw.strip():
        raise InputError(f"{path}: file is empty")
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE starts both
        try:
            return raw.decode("utf-32").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: starts like UTF-32 (bytes {raw[:4].hex(' ')}) but is not valid UTF-32; re-save it as UTF-8"
            ) from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: starts like UTF-16 (bytes {raw[:2].hex(' ')}) but is not valid UTF-16; re-save it as UTF-8"
            ) from None
    if b"\x00" in raw[:8192]:
        raise InputError(
            f"{path}: looks like a binary file (NUL bytes), not an article; convert it to .txt, .md, .html "
            f"or .json"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            f"re-save it as UTF-8, e.g. `iconv -f windows-1252 -t utf-8 {path.name}`"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{path}: file has no text")
    return text


def read_bytes(path: Path, max_mb: float) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise InputError(
                f"{path}: {size / 1048576:.1f} MB is over the {max_mb:g} MB limit; split it or raise "
                f"FACTCHECK_INGEST__MAX_FILE_MB"
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read it ({exc.strerror}); check the path and its permissions"
        ) from None


def document_id(key: str) -> str:
    return "d" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:11]


def _make_document(
    key: str,
    path: Path,
    text: str,
    *,
    title: str = "",
    url: str = "",
    outlet: str = "",
    published: object = None,
    body_start: int = 0,
) -> Document:
    published_date = parse_date(published)
    digest = hashlib.sha256(
        json.dumps([text, title, url, outlet, str(published_date)], ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return Document(
        id=document_id(key),
        title=title.strip(),
        url=source_url(url),
        outlet=outlet.strip(),
        published=published_date,
        path=str(path),
        content_hash=digest,
        text=text,
        body_start=body_start,
        language=detect_language(text[body_start:]),
    )


def _first(record: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return value["name"]
    return ""


def _records_from_json(text: str, path: Path, errors: list[str]) -> Iterator[tuple[str, dict]]:
    """(number, record) for each record; a JSONL line that is not JSON is one line in `errors`."""
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield str(number), json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path}:{number}: invalid JSON ({exc.msg}); fix or remove that line")
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    if isinstance(data, dict):
        for key in ("records", "articles", "documents", "items", "data"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON object or a list of objects with a 'text' field")
    for number, record in enumerate(data, 1):
        yield str(number), record


@dataclass
class Reading:
    """What one file holds: its documents, and one line for each record that could not be read."""

    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _documents_from_json(text: str, path: Path, reading: Reading) -> Iterator[Document]:
    """One document per record, as each is read; a bad record is one line of error and the others are kept."""
    seen: set[str] = set()
    try:
        records = iter(_records_from_json(text, path, reading.errors))
        first = next(records, None)  # a file that is not JSON at all fails here, before any document
    except InputError as exc:
        reading.errors.append(str(exc))
        return
    if first is None:
        return
    for number, record in itertools.chain([first], records):
        if not isinstance(record, dict):
            reading.errors.append(f"{path}: record {number} is not a JSON object")
            continue
        body = _first(record, _TEXT_KEYS)
        if not body:
            reading.errors.append(
                f"{path}: record {number} has no text; give it one of the fields "
                f"{', '.join(_TEXT_KEYS)} as a string"
            )
            continue
        record_id = str(record["id"]) if record.get("id") is not None else number  # 0 is an id
        if record_id in seen:
            reading.errors.append(
                f"{path}: record {number} repeats the id {record_id!r}; ids must be unique in a "
                "file, so this record was left out"
            )
            continue
        seen.add(record_id)
        url = _first(record, _URL_KEYS)
        try:
            document = _make_document(
                f"{path.resolve()}#{record_id}",
                path,
                body.replace("\r\n", "\n"),
                title=_first(record, _TITLE_KEYS),
                url=url,
                outlet=_first(record, _OUTLET_KEYS) or (outlet_from_url(url) if url else ""),
                published=next((record[k] for k in _DATE_KEYS if record.get(k)), None),
            )
        except Exception as exc:  # noqa: BLE001 - one record must never cost the file's other records
            reading.errors.append(
                f"{path}: record {number} could not be read ({type(exc).__name__}: {str(exc)[:160]}); "
                "the other records were kept"
            )
            continue
        yield document


class _StringDates(yaml.SafeLoader):
    """YAML without its timestamp type: 'date: 2024-13-45' stays a string instead of raising ValueError."""


_StringDates.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _document_from_markdown(text: str, path: Path, warnings: list[str]) -> Document:
    front: dict = {}
    body_start = 0
    if text.startswith("---\n"):
        closing = text.find("\n---", 4)
        if closing < 0:
            raise InputError(
                f"{path}: the front matter that starts with --- is never closed; add a line with --- "
                "after it (or remove the first line)"
            )
        try:
            loaded = yaml.load(text[4:closing], Loader=_StringDates)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: {_front_matter_problem(text[4:closing], exc)}") from None
        front = loaded if isinstance(loaded, dict) else {}
        body_start = text.find("\n", closing + 1) + 1 or len(text)
        stated = next((front[k] for k in _DATE_KEYS if front.get(k)), None)
        if stated is not None and parse_date(stated) is None:
            warnings.append(
                f"{path}: the front matter date {str(stated)!r} is not a date; indexed without one"
            )
    meta = metadata_from_text(text[body_start:])
    title = str(_first(front, _TITLE_KEYS) or meta.title)
    url = str(_first(front, _URL_KEYS) or meta.url)
    published = next((front[k] for k in _DATE_KEYS if front.get(k)), None) or meta.published
    outlet = str(_first(front, _OUTLET_KEYS) or meta.outlet or (outlet_from_url(url) if url else ""))
    return _make_document(
        str(path.resolve()),
        path,
        text,
        title=title,
        url=url,
        outlet=outlet,
        published=published,
        body_start=body_start + meta.body_start,
    )


def _document_from_html(html: str, path: Path, fetched_from: str = "") -> Document:
    """The article in an HTML page; `fetched_from` is the URL it was downloaded from, if it was."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    body = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not body:
        where = fetched_from or path
        raise InputError(f"{where}: no article text found in the HTML; save the article body as .txt instead")
    url = fetched_from or getattr(extracted, "url", None) or ""
    return _make_document(
        fetched_from or str(path.resolve()),
        Path(fetched_from) if fetched_from else path,
        body,
        title=getattr(extracted, "title", None) or "",
        url=url,
        outlet=getattr(extracted, "sitename", None) or (outlet_from_url(url) if url else ""),
        published=getattr(extracted, "date", None),
    )


def is_url(ref: str) -> bool:
    return ref.startswith(("http://", "https://"))


def read_url(url: str, max_mb: float, allow_private: bool = False) -> Reading:
    """Fetch a web page and read its article; the document keeps the URL as its source and id key. Local and
    private addresses are refused unless `allow_private` (trafilatura's SSRF protection)."""
    import trafilatura.downloads
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "SSRF_PROTECTION", "off" if allow_private else "on")
    config.set("DEFAULT", "MAX_FILE_SIZE", str(int(max_mb * 1024 * 1024) + 1))  # one byte over: detectable
    try:
        with dropped(
            "trafilatura.downloads"
        ):  # it logs its download errors; ours is the one line the person sees
            response = trafilatura.downloads.fetch_response(url, decode=False, config=config)
    except OSError as exc:
        raise InputError(f"{mask_credentials(url)}: could not be fetched ({exc})") from None
    if response is None and not allow_private and _private_host(url):
        raise InputError(
            f"{mask_credentials(url)}: a local or private address; set FACTCHECK_INGEST__ALLOW_PRIVATE_URLS=1 to "
            "fetch it"
        )
    if response is None or response.status != 200 or not response.data:
        status = f"HTTP {response.status}" if response is not None else "no answer"
        raise InputError(
            f"{mask_credentials(url)}: could not be fetched ({status}); check the address, or save the page and "
            "index the file"
        )
    if len(response.data) > max_mb * 1024 * 1024:
        raise InputError(
            f"{mask_credentials(url)}: larger than {max_mb:g} MB; raise FACTCHECK_INGEST__MAX_FILE_MB to index it"
        )
    html = decode(response.data, Path(url.rsplit("/", 1)[-1] or "page.html"))
    document = _document_from_html(html, Path("page.html"), fetched_from=source_url(url))
    return Reading([document.model_copy(update={"path": source_url(url)})])


def _private_host(url: str) -> bool:
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError):
        return False
    return not address.is_global


def read_documents(path: Path, max_mb: float) -> Reading:
    """All documents in one file (a JSON/JSONL file may hold many). A file that cannot be read at all is an
    InputError with a one-line reason; a bad record inside a file is one line in `errors`."""
    reading = Reading()
    reading.documents = list(iter_documents(path, max_mb, reading))
    return reading


def iter_documents(path: Path, max_mb: float, reading: Reading) -> Iterator[Document]:
    """`read_documents` one document at a time, so indexing a file of many records starts embedding before
    the last record is parsed. Errors and warnings about single records go to `reading` as they are met; a
    file that cannot be read at all raises InputError before the first document."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(sorted(READERS))}"
        )
    yield from READERS[suffix](decode(read_bytes(path, max_mb), path), path, reading)


def _read_markdown(text: str, path: Path, reading: Reading) -> Iterator[Document]:
    yield _document_from_markdown(text, path, reading.warnings)


def _read_html(text: str, path: Path, reading: Reading) -> Iterator[Document]:
    yield _document_from_html(text, path)


def _read_text(text: str, path: Path, reading: Reading) -> Iterator[Document]:
    meta = metadata_from_text(text)
    yield _make_document(
        str(path.resolve()),
        path,
        text,
        title=meta.title,
        url=meta.url,
        outlet=meta.outlet,
        published=meta.published,
        body_start=meta.body_start,
    )


Reader = Callable[[str, Path, Reading], Iterator[Document]]

READERS: Registry[Reader] = Registry("article reader")
"""The article readers by file suffix: a new format is one function here and its test (or a plugin's
`READERS.register(".rst", read_rst)`). Each gets the decoded text, the path and the `Reading` (for per-record
errors and warnings) and yields documents."""
for _suffix, _reader in (
    (".txt", _read_text),
    (".md", _read_markdown),
    (".markdown", _read_markdown),
    (".html", _read_html),
    (".htm", _read_html),
    (".json", _documents_from_json),
    (".jsonl", _documents_from_json),
):
    READERS.register(_suffix, _reader)


def make_passages(document: Document, target_chars: int = 600, overlap_sentences: int = 1) -> list[Passage]:
    """Pack body sentences into passages of about `target_chars`, overlapping by whole sentences. Sentences are
    cut by the linear splitter: a passage only needs sensible edges, and pysbd (claim detection's splitter)
    cost about 10% of indexing time next to the embedding model."""
    body = document.body_start
    units = [(body + start, body + end) for start, end in sentence_spans(document.text[body:])]
    units = [piece for unit in units for piece in _split_long(document.text, unit, target_chars)]
    passages: list[Passage] = []
    first = 0
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= target_chars:
            last += 1
        start, end = units[first][0], units[last][1]
        index = len(passages)
        passages.append(
            Passage(
                id=f"{document.id}:{index}",
                document_id=document.id,
                index=index,
                start=start,
                end=end,
                text=document.text[start:end],
            )
        )
        if last + 1 >= len(units):
            break
        first = max(first + 1, last + 1 - overlap_sentences)
    return passages


def _split_long(text: str, unit: tuple[int, int], target_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than twice the target is cut at word boundaries (LangChain's recursive splitter)."""
    start, end = unit
    if end - start <= 2 * target_chars:
        return [unit]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=target_chars,
        chunk_overlap=0,
        separators=["; ", ", ", " ", ""],
        keep_separator="end",
        add_start_index=True,
        strip_whitespace=True,
    )
    pieces = []
    for chunk in splitter.create_documents([text[start:end]]):
        offset = start + chunk.metadata["start_index"]
        pieces.append((offset, offset + len(chunk.page_content)))
    return pieces


def _front_matter_problem(front: str, exc: yaml.YAMLError) -> str:
    """What is wrong with the metadata block at the top of a file, in plain words with the fix."""
    mark = getattr(exc, "problem_mark", None)
    line = front.splitlines()[mark.line] if mark is not None and mark.line < len(front.splitlines()) else ""
    key = line.split(":", 1)[0].strip() if ":" in line else ""
    if key and line.count(":") > 1:
        return (
            f"the {key!r} line at the top of the file has a second colon, which the metadata block cannot read; "
            f'put the {key} in quotes ({key}: "...")'
        )
    where = f" on its line {mark.line + 1}" if mark is not None else ""
    return (
        f"the metadata block at the top of the file (between the --- lines) cannot be read{where}; write each "
        "line as key: value, with values holding a colon in quotes"
    )
