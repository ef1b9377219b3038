#!/usr/bin/env bash
# The whole test suite, end-to-end tests with the real embedded model included.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
# The 'local' extra builds llama-cpp-python from source once (about 5 minutes; pip caches the wheel).
CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,local]'
exec .venv/bin/python -m pytest "$@"
