#!/usr/bin/env bash
# The whole test suite, end-to-end tests with the real embedded model included, after the lint checks.
set -euo pipefail
cd "$(dirname "$0")/.."
# The HTML report and review desk tests open pages in headless Chromium, driven through chromedriver
# (Debian's chromium and chromium-driver packages; nothing is downloaded by Selenium).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
# Versions come from constraints.txt (refreshed on purpose with scripts/refresh_constraints.sh), so a clean
# install today and in a month gets the same releases.
# The 'local' extra builds llama-cpp-python from source once (about 5 minutes; pip caches the wheel). A portable
# build (AVX2, no AVX-512 or AMX): llama.cpp's native AMX kernels crash on some virtualised Xeons, and a cached
# native wheel would not run on another CPU.
CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}" .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,local,lint,docs]'
# Lint, format, types and import contracts first (seconds); the documentation site, built strictly so a link
# that does not resolve fails the run; then every lane of the test suite.
bash scripts/lint.sh
echo "docs (mkdocs build --strict)"
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet
if [ $# -eq 0 ]; then
    # The pure core first (seconds): a failure there stops the run before the slower lanes start.
    .venv/bin/python -m pytest tests/unit
    exec .venv/bin/python -m pytest tests/integration tests/e2e
fi
exec .venv/bin/python -m pytest "$@"
