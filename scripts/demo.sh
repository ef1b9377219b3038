#!/usr/bin/env bash
# The main job on the bundled examples: install, index both articles, list their checkable claims.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
.venv/bin/factcheck index examples/articles
for article in examples/articles/*.txt; do
    echo
    echo "== $article"
    .venv/bin/factcheck claims "$article"
done
