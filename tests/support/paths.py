"""Paths the tests share (importable from every lane: pytest puts tests/ on sys.path)."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
EXAMPLES = ROOT / "examples"
DATA = TESTS / "data"
SEED_A = EXAMPLES / "articles" / "000_74ff7ea8ffdc7416.txt"
SEED_B = EXAMPLES / "articles" / "002_226ed5e22ff4a158.txt"
