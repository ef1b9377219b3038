#!/usr/bin/env bash
# Lint, format, types and layering, in seconds once installed; CI runs this before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/ruff ] || [ ! -x .venv/bin/mypy ] || [ ! -x .venv/bin/lint-imports ]; then
    [ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[lint]'
fi
echo "ruff check";       .venv/bin/ruff check --quiet .
echo "ruff format";      .venv/bin/ruff format --check --quiet .
echo "mypy";             .venv/bin/mypy
echo "import contracts"; .venv/bin/lint-imports --no-cache | tail -n 1
