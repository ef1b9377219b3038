"""The README's main-job command, run as a person would, on the bundled examples."""

import os
import subprocess

from support.paths import ROOT


def test_readme_main_job_runs_on_the_examples(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTCHECK_", "OPENAI_"))}
    env["FACTCHECK_HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        ["bash", "scripts/demo.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "2 new" in result.stdout or "2 unchanged" in result.stdout
    assert "100,000" in result.stdout
    assert result.stdout.count("== examples/articles/") == 2
    assert "quantity" in result.stdout and "quote" in result.stdout
    assert (tmp_path / "home" / "factcheck.db").exists()
