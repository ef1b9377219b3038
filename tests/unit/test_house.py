"""The shape of the house, checked: the façade stays thin and no function grows past what a reader holds."""

import ast
import re

from support.paths import ROOT

PACKAGE = ROOT / "factcheck"
LONGEST = 60


def test_no_function_in_the_package_is_longer_than_sixty_lines():
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > LONGEST:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, long


def test_the_facade_is_thin():
    assert len((PACKAGE / "workspace.py").read_text(encoding="utf-8").splitlines()) < 600


def test_every_export_format_reader_and_dataset_is_registered_once():
    from factcheck.evaluation.datasets import VERDICT_LOADERS
    from factcheck.review.export import EXPORT_FORMATS

    assert set(VERDICT_LOADERS) == {"factcheck", "averitec", "checkcovid", "wice", "climatefever"}
    assert list(EXPORT_FORMATS) == ["md", "html", "json", "csv", "claimreview", "markup"]
    assert all(f.suffix and f.media_type and f.description for f in EXPORT_FORMATS.values())


def test_a_reader_registered_by_suffix_is_all_it_takes_to_index_a_new_format(tmp_path, monkeypatch):
    from factcheck.ingest import readers

    def read_rst(text, path, reading):
        yield from readers._read_text(text.replace("=====\n", ""), path, reading)

    article = tmp_path / "note.rst"
    article.write_text("Title\n=====\nThe council approved 40 new homes on Tuesday.\n", encoding="utf-8")
    found, missing, _ = readers.discover([tmp_path])
    assert found == [] and "no articles" in missing[0]
    readers.READERS.register(".rst", read_rst)
    try:
        found, _, _ = readers.discover([tmp_path])
        [document] = readers.read_documents(found[0], max_mb=1).documents
    finally:
        del readers.READERS[".rst"]
    assert found == [article] and "40 new homes" in document.text and "=====" not in document.text


def test_the_test_install_is_pinned_by_the_constraints_file():
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [
        d for extra in ("test", "local", "lint") for d in project["optional-dependencies"][extra]
    ]

    def name(requirement):
        return re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")

    pinned = {
        name(line): line.split("==")[1]
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    assert sorted({name(d) for d in wanted} - set(pinned)) == []
    assert "-c constraints.txt" in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")


def test_no_module_of_the_package_writes_the_environment():
    """A library is a guest in its caller's process: an API key written into os.environ reaches every child."""
    import re

    writes = re.compile(r"os\.environ\[[^\]]+\]\s*=|os\.environ\.(?:update|setdefault|pop)\(|os\.putenv\(")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert not found, found


def test_every_runtime_dependency_has_an_upper_bound_that_the_tested_versions_meet():
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    tested = {
        canonicalize_name(name): version
        for name, version in (
            line.split("==", 1)
            for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
            if "==" in line and not line.startswith("#")
        )
    }
    unbounded, unmet = [], []
    for text in project["dependencies"]:
        requirement = Requirement(text)
        if not any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier):
            unbounded.append(text)
        version = tested.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            unmet.append(f"{text} (tested {version})")
    assert not unbounded and not unmet, (unbounded, unmet)


def test_no_module_imports_a_private_part_of_typer_and_settings_refuse_unknown_keys():
    from factcheck.settings import Settings

    private = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(from|import) typer\._", path.read_text(encoding="utf-8"), re.M)
    ]
    assert not private
    assert Settings.model_config.get("extra") == "forbid"


def test_no_hash_or_label_list_of_a_model_is_written_in_python_source():
    import json

    manifest = json.loads((PACKAGE / "data" / "artefacts.json").read_text(encoding="utf-8"))
    labels = manifest["verifier"]["labels"]
    found = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"[\"'][0-9a-f]{64}[\"']", text):
            found.append(f"{path.relative_to(ROOT)}: a SHA-256")
        if re.search(r"\(\s*" + r",\s*".join(f"[\"']{label}[\"']" for label in labels), text):
            found.append(f"{path.relative_to(ROOT)}: the verifier's labels")
    assert not found, found
    assert all(
        entry.get("sha256") and entry.get("made_by") and entry.get("what") for entry in manifest.values()
    )


def test_storage_has_one_module_per_kind_of_data_none_over_three_hundred_lines():
    modules = {
        path.stem: len(path.read_text(encoding="utf-8").splitlines())
        for path in (PACKAGE / "storage").glob("*.py")
    }
    assert {"documents", "claims", "archive", "notes", "cache", "evals", "team", "queue"} <= set(modules)
    assert {name: n for name, n in modules.items() if n > 300} == {}


def test_no_service_takes_the_whole_database_only_the_stores_it_uses():
    holders = {"workspace.py", "diagnostics.py"}  # the façade composes it; doctor opens it to check integrity
    found = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if path.parent.name != "storage"
        and path.name not in holders
        and re.search(r"\bDatabase\b", path.read_text(encoding="utf-8"))
    ]
    assert found == []
