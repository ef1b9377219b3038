"""Read fact-check archives: schema.org ClaimReview JSON-LD (as fact-checkers publish it, and as
`factcheck notes export --format claimreview` writes it), or a plain TSV / JSONL of verified claims."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factcheck.errors import InputError
from factcheck.models import CheckedClaim
from factcheck.registry import Registry

CLAIM_KEYS = ("claim", "claimReviewed", "claim_reviewed", "vclaim", "text", "statement")
TITLE_KEYS = ("title", "headline", "name")
RATING_KEYS = ("rating", "textualRating", "verdict", "label")
PUBLISHER_KEYS = ("publisher", "author", "claimReviewAuthor")
DATE_KEYS = ("date", "datePublished", "published", "publishDate", "review_date")
URL_KEYS = ("url", "pageUrl", "review_url", "link")
MAX_CLAIM_CHARS = 2_000  # a checked claim is a sentence or two; longer is not a claim (and costs memory)
MAX_FIELD_CHARS = 1_000  # titles, ratings, publishers and URLs are cut here


@dataclass
class ArchiveReading:
    claims: list[CheckedClaim] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):  # {"@type": "Organization", "name": ...}
        return _text(value.get("name") or value.get("alternateName"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _first(record: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        if text := _text(record.get(key)):
            return text
    return ""


def _rating(record: dict) -> str:
    rating = record.get("reviewRating") or record.get("rating")
    if isinstance(rating, dict):
        return _text(rating.get("alternateName") or rating.get("textualRating") or rating.get("ratingValue"))
    return _first(record, RATING_KEYS)


class RecordTooLong(ValueError):
    pass


def _checked(record: dict, origin: str, key: str) -> CheckedClaim | None:
    claim = _first(record, CLAIM_KEYS)
    if not claim:
        return None
    if len(claim) > MAX_CLAIM_CHARS:
        raise RecordTooLong(f"its claim is {len(claim):,} characters, over the {MAX_CLAIM_CHARS:,} accepted")
    url = _first(record, URL_KEYS)[:MAX_FIELD_CHARS]
    digest = hashlib.sha256(f"{origin}\x00{key}\x00{claim}\x00{url}".encode()).hexdigest()[:16]
    return CheckedClaim(
        id=f"a{digest}",
        claim=" ".join(claim.split()),
        title=_first(record, TITLE_KEYS)[:MAX_FIELD_CHARS],
        rating=_rating(record)[:MAX_FIELD_CHARS],
        publisher=_first(record, PUBLISHER_KEYS)[:MAX_FIELD_CHARS],
        published=_first(record, DATE_KEYS)[:10],
        url=url,
        origin=origin,
        source_id=_text(record.get("id") or record.get("@id")),
    )


def _json_records(text: str, path: Path, errors: list[str]) -> list[tuple[str, object]]:
    if path.suffix.lower() == ".jsonl":
        records: list[tuple[str, object]] = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    records.append((f"line {number}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    errors.append(f"{path}:{number}: invalid JSON ({exc.msg}); fix or remove that line")
                except RecursionError:
                    errors.append(f"{path}:{number}: nested too deeply to be a fact-check record")
        return records
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be a fact-check archive") from None
    if isinstance(data, dict):
        data = data.get("@graph") or data.get("claims") or data.get("claimReviewMarkups") or [data]
    if not isinstance(data, list):
        raise InputError(f"{path}: expected ClaimReview objects (a list, an object or an @graph)")
    out: list[tuple[str, object]] = []
    for number, record in enumerate(data, 1):
        # Google's ClaimReviewMarkupPage nests the reviews: one record per markup.
        if isinstance(record, dict) and isinstance(record.get("claimReviewMarkups"), list):
            page = {k: v for k, v in record.items() if k != "claimReviewMarkups"}
            out += [(f"record {number}", {**page, **m}) for m in record["claimReviewMarkups"]]
        else:
            out.append((f"record {number}", record))
    return out


def _tsv_rows(text: str, path: Path, errors: list[str]) -> list[tuple[int, list[str]]]:
    """(line number, fields) of each row; a row the reader cannot take (a field over its 128 KB limit) is one
    line in `errors` and the rows after it are still read."""
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    rows: list[tuple[int, list[str]]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            errors.append(f"{path}: line {reader.line_num} could not be read ({exc}); skipped")
            continue
        rows.append((reader.line_num, row))


def _tsv_records(text: str, path: Path, errors: list[str]) -> list[tuple[str, object]]:
    numbered = _tsv_rows(text, path, errors)
    rows = [row for _, row in numbered]
    if not rows:
        return []
    header = [column.strip() for column in rows[0]]
    if not any(column in CLAIM_KEYS for column in header):
        raise InputError(
            f"the TSV header names no claim column; name one of {', '.join(CLAIM_KEYS[:4])} "
            "(other columns: title, rating, publisher, date, url)"
        )
    if header and header[0] == "":
        header[0] = "id"  # CLEF's verified_claims.docs.tsv: an unnamed id column first
    return [(f"line {number}", dict(zip(header, row, strict=False))) for number, row in numbered[1:]]


ARCHIVE_FORMATS: Registry[Callable[[str, Path, list[str]], Any]] = Registry("archive format")
"""Archive readers by file suffix: each turns the file's text into (where, record) pairs, a line per bad one
in `errors`."""
for _suffix in (".tsv", ".tab"):
    ARCHIVE_FORMATS.register(_suffix, _tsv_records)
for _suffix in (".json", ".jsonld", ".jsonl"):
    ARCHIVE_FORMATS.register(_suffix, _json_records)


def read_archive(path: Path, max_mb: float = 200.0) -> ArchiveReading:
    """Every checked claim in one archive file; a record without a claim, or with one too long to be a claim,
    is one line in `errors`."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; give a ClaimReview JSON(-LD), JSONL or TSV file")
    size = path.stat().st_size
    if size > max_mb * 2**20:
        raise InputError(
            f"{path}: {size / 2**20:.1f} MB is over the {max_mb:g} MB limit for an archive; split it or raise "
            "FACTCHECK_MATCHING__MAX_ARCHIVE_MB"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save it as UTF-8 and import it again") from None
    reading = ArchiveReading()
    records_of = ARCHIVE_FORMATS.find(path.suffix.lower())
    if records_of is None:
        raise InputError(
            f"{path}: unknown archive type; use one of {', '.join(ARCHIVE_FORMATS.names())} "
            "(.json and .jsonld: ClaimReview)"
        )
    records = records_of(text, path, reading.errors)
    origin = path.name
    for where, record in records:
        try:
            checked = (
                _checked(record, origin, _text(record.get("id")) or where)
                if isinstance(record, dict)
                else None
            )
        except RecordTooLong as exc:
            reading.errors.append(f"{path}: {where}: {exc}; skipped")
            continue
        except RecursionError:
            reading.errors.append(f"{path}: {where} is nested too deeply to read; skipped")
            continue
        if checked is None:
            reading.errors.append(f"{path}: {where} has no claim; give it a claimReviewed or claim field")
        else:
            reading.claims.append(checked)
    if not reading.claims and not reading.errors:
        raise InputError(f"{path}: holds no checked claims")
    return reading
