#!/usr/bin/env bash
# Refresh constraints.txt on purpose: upgrade the test environment to the newest releases the pyproject ranges
# allow, then record every installed version. Run the test suite afterwards and commit both together.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}" .venv/bin/python -m pip install --quiet --upgrade -e '.[test,local,lint]'
{
    echo "# Every package version the test environment was last checked with; scripts/test.sh installs with it."
    echo "# Refreshed on purpose by scripts/refresh_constraints.sh, never by a clean install."
    # torch (the train extra) comes from its own index as a +cpu build; that extra pins it exactly instead.
    .venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check | grep -v -E '^(torch|nvidia-|triton)'
} > constraints.txt
echo "wrote constraints.txt ($(grep -c '==' constraints.txt) pins); now run: bash scripts/test.sh"
