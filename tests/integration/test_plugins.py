"""Another package extends factcheck through the `factcheck.plugins` entry-point group, without touching
factcheck's files: the in-repo plugin under tests/data/plugin (a distribution's metadata and a module) adds a
judge and an export format, and the CLI, the settings and the exports take them like their own."""

import pytest
from support.desk import draft_the_first_example
from support.paths import DATA
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.registry import JUDGES
from factcheck.registry import load_plugins
from factcheck.review.export import EXPORT_FORMATS
from factcheck.settings import load_settings


@pytest.fixture
def plugin(monkeypatch):
    assert "tsv" not in EXPORT_FORMATS and "demo" not in JUDGES  # nothing of it is factcheck's own
    monkeypatch.syspath_prepend(str(DATA / "plugin"))  # as if pip had installed it
    loaded = load_plugins(again=True)
    assert loaded.get("demo") == ""
    yield
    del EXPORT_FORMATS["tsv"]
    del JUDGES["demo"]
    load_plugins(again=True)


def test_a_plugin_adds_an_export_format_and_a_judge(plugin, workspace, corpus, monkeypatch):
    drafted = draft_the_first_example(workspace, corpus)
    assert "tsv" in [f.name for f in drafted.export_formats()]
    note = drafted.queue_entries()[0].note_id
    if not drafted.note(note).citations:
        drafted.cite_evidence(note, 1, None, "ann")
    drafted.approve(note, "ann", confirm=True)
    exported = drafted.export("tsv")
    assert (
        exported.files["notes.tsv"].startswith("note\tverdict\tclaim\n")
        and note in exported.files["notes.tsv"]
    )
    monkeypatch.setenv("FACTCHECK_LLM__JUDGE", "demo")
    assert load_settings().llm.judge == "demo"  # settings accept the plugin's judge
    claim = drafted.claims(str(corpus / "000_74ff7ea8ffdc7416.txt"))[0]
    report = drafted.draft([claim.id], redo=True, judge="demo")
    assert report.notes and report.notes[0].provenance.judge == "demo"
    listed = CliRunner().invoke(app, ["notes", "export", "--format", "tsv"])
    assert listed.exit_code == 0 and note in listed.stdout
    doctor = CliRunner().invoke(app, ["doctor"])
    assert "demo (a plugin's judge)" in doctor.stdout


def test_an_unknown_name_says_which_ones_there_are(workspace):
    with pytest.raises(Exception, match="use one of md, html, json, csv, claimreview, markup"):
        workspace.export("tsv")
