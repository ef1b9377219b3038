"""Reliability probes of 2026-11-24 (shared/probes), ingest: one bad file or record is one line, the rest is
indexed, nothing is a traceback. Test names carry the probe's number."""

import json
import os
import shutil

from support.paths import SEED_A
from typer.testing import CliRunner

from factcheck.claims.detect import MAX_SENTENCE_CHARS, detect_claims
from factcheck.cli import app
from factcheck.models import Document
from factcheck.text import sentences

runner = CliRunner()


def _index(*paths):
    return runner.invoke(app, ["index", *map(str, paths)])


def _sources():
    return json.loads(runner.invoke(app, ["sources", "list", "--json"]).stdout)


def test_probe_06_bytes_ff_fe_that_are_not_utf16_are_one_line_and_the_rest_is_indexed(corpus):
    (corpus / "x.txt").write_bytes(b"\xff\xfeHello")  # a BOM and an odd byte count
    result = _index(corpus)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "2 new" in result.stdout and "x.txt: starts like UTF-16" in result.stderr
    assert len(_sources()) == 2


def test_probe_08_a_long_line_is_cut_linearly_before_pysbd_sees_it(monkeypatch):
    seen = []
    original = sentences._pysbd_spans
    monkeypatch.setattr(sentences, "_pysbd_spans", lambda t, a, b: seen.append(b - a) or original(t, a, b))
    line = "The agency said 45 units were sold and prices rose by 3 percent in the region. " * 2000
    found = sentences.split_sentences(line)
    assert len(found) >= 1900 and max(seen) <= sentences.LONG_TEXT


def test_probe_08_a_megabyte_without_sentence_ends_indexes_and_yields_no_claims(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(
        "The agency said 45 units were sold and the minister said prices rose by 3 percent " * 3000
    )
    result = _index(path)
    assert result.exit_code == 0 and "1 new" in result.stdout
    document = Document(id="d", path="", content_hash="", text=path.read_text())
    assert detect_claims(document) == [] and len(document.text) > MAX_SENTENCE_CHARS


def test_probe_15_one_bad_record_does_not_reject_the_good_ones(tmp_path):
    (tmp_path / "b.jsonl").write_text(
        '{"text": "The minister said 50 hospitals opened."}\n{bad}\n{"text": 456}\n'
        '{"text": "The council said 12 parks reopened."}\n'
    )
    result = _index(tmp_path / "b.jsonl")
    assert result.exit_code == 1 and "2 new" in result.stdout
    assert "b.jsonl:2: invalid JSON" in result.stderr and "record 3 has no text" in result.stderr
    assert result.stderr.count("\n") == 2


def test_a_record_that_breaks_the_reader_is_one_line_and_the_other_records_are_kept(tmp_path, monkeypatch):
    from factcheck.ingest import readers

    def fragile(text):
        if "bridges" in text:
            raise RuntimeError("the reader broke")
        return "en"

    monkeypatch.setattr(readers, "detect_language", fragile)
    (tmp_path / "a.jsonl").write_text(
        '{"text": "The minister said 50 hospitals opened."}\n{"text": "The mayor said 12 bridges closed."}\n'
        '{"text": "The council said 12 parks reopened."}\n'
    )
    result = _index(tmp_path / "a.jsonl")
    assert result.exit_code == 1 and "2 new" in result.stdout and "Traceback" not in result.output
    assert (
        "a.jsonl: record 2 could not be read (RuntimeError: the reader broke); the other records were kept"
        in (result.stderr.replace("\n", " "))
    )


def test_a_file_that_breaks_indexing_midway_keeps_what_came_before_it(tmp_path, monkeypatch):
    from factcheck.ingest import pipeline

    def fragile(document, *options):
        if "bridges" in document.text:
            raise RuntimeError("the splitter broke")
        return original(document, *options)

    original = pipeline.make_passages
    monkeypatch.setattr(pipeline, "make_passages", fragile)
    (tmp_path / "a.jsonl").write_text(
        '{"text": "The minister said 50 hospitals opened."}\n{"text": "The mayor said 12 bridges closed."}\n'
    )
    (tmp_path / "b.txt").write_text("Schools\n\nThe board said 7 schools will close in June.\n")
    result = _index(tmp_path)
    assert result.exit_code == 1 and "2 new" in result.stdout and "Traceback" not in result.output
    assert (
        "a.jsonl: could not be read (RuntimeError: the splitter broke); the 1 record before it and the other "
        in result.stderr.replace("\n", " ")
    )
    assert sorted(d["path"].rsplit("/", 1)[-1] for d in _sources()) == ["a.jsonl", "b.txt"]


def test_probe_17_an_impossible_front_matter_date_keeps_the_article_without_a_date(corpus):
    (corpus / "x.md").write_text(
        "---\ndate: 2024-13-45\ntitle: Parks\n---\nThe council said 20 parks will reopen.\n"
    )
    result = _index(corpus)
    assert result.exit_code == 0 and "3 new" in result.stdout and "Traceback" not in result.output
    assert "'2024-13-45' is not a date" in result.stderr
    parks = next(d for d in _sources() if d["title"] == "Parks")
    assert parks["published"] is None


def test_probe_18_front_matter_that_is_never_closed_is_a_clear_error(tmp_path):
    (tmp_path / "u.md").write_text("---\ntitle: T\nThe council said 20 parks will reopen.\n")
    result = _index(tmp_path / "u.md")
    assert result.exit_code == 1 and "front matter that starts with --- is never closed" in result.stderr


def test_probe_26_claims_of_a_path_indexed_under_another_spelling(corpus, tmp_path):
    assert _index(corpus).exit_code == 0
    absolute = runner.invoke(app, ["claims", str((corpus / SEED_A.name).resolve()), "--json"])
    assert absolute.exit_code == 0 and json.loads(absolute.stdout)
    os.chdir(corpus)
    relative = runner.invoke(app, ["claims", SEED_A.name, "--json"])
    assert relative.exit_code == 0 and json.loads(relative.stdout) == json.loads(absolute.stdout)


def test_probe_36_duplicate_and_zero_ids_in_jsonl_are_records_not_crashes(tmp_path):
    (tmp_path / "d.jsonl").write_text(
        '{"id": 0, "text": "Exports fell 3 percent in May."}\n{"id": 1, "text": "The mayor said 40 schools closed."}\n'
        '{"id": 1, "text": "A duplicate that must not replace the first."}\n'
    )
    result = _index(tmp_path / "d.jsonl")
    assert result.exit_code == 1 and "2 new" in result.stdout
    assert "record 3 repeats the id '1'" in result.stderr and "DuplicateIDError" not in result.output
    texts = [runner.invoke(app, ["sources", "show", d["id"], "--json"]).stdout for d in _sources()]
    assert any("Exports fell" in t for t in texts) and not any("duplicate that must not" in t for t in texts)


def test_probe_24_sql_wildcards_in_ids_match_nothing(corpus):
    _index(corpus)
    for ref in ("_%", "%", "d%"):
        result = runner.invoke(app, ["sources", "show", ref])
        assert result.exit_code == 3 and "no indexed document" in result.stderr
    assert runner.invoke(app, ["notes", "show", "%"]).exit_code == 3


def test_probe_41_rich_markup_in_article_text_prints_literally(tmp_path):
    (tmp_path / "m.txt").write_text(
        "Council [/b] row over [red]12 schools[/red]\n\n"
        "The mayor said 12 schools will close by June, officials said.\n"
    )
    assert _index(tmp_path / "m.txt").exit_code == 0
    listed = runner.invoke(app, ["sources", "list"])
    assert listed.exit_code == 0 and "[/b]" in listed.stdout and "[red]" in listed.stdout
    document_id = _sources()[0]["id"]
    for args in (
        ["sources", "show", document_id],
        ["search", "schools close"],
        ["claims", document_id, "--all"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Traceback" not in result.output, args
    drafted = runner.invoke(app, ["claims", document_id, "--all", "--draft", "--judge", "evidence"])
    assert drafted.exit_code == 0
    notes = runner.invoke(app, ["notes", "list"])
    assert notes.exit_code == 0
    note_id = json.loads(runner.invoke(app, ["notes", "list", "--json"]).stdout)[0]["id"]
    assert runner.invoke(app, ["notes", "show", note_id]).exit_code == 0
    shutil.rmtree(tmp_path / "home", ignore_errors=True)
