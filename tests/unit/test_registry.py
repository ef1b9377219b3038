"""One judge registry: every judge name has a way to open it, and settings and doctor agree with it."""

import pytest

from factcheck.drafting.registry import JUDGES, active_judge
from factcheck.errors import ConfigError
from factcheck.models import JudgeName
from factcheck.settings import load_settings


def test_every_judge_name_is_registered():
    assert set(JUDGES) == set(JudgeName)


def test_auto_picks_llm_only_when_a_model_is_set(monkeypatch):
    assert active_judge(None, load_settings()) == JudgeName.evidence
    monkeypatch.setenv("FACTCHECK_LLM__MODEL", "gpt-4o-mini")
    assert active_judge(None, load_settings()) == JudgeName.llm
    assert active_judge("local", load_settings()) == JudgeName.local
    with pytest.raises(ConfigError, match="use one of evidence, llm, local"):
        active_judge("oracle", load_settings())


def test_settings_accept_exactly_the_registered_names(monkeypatch):
    monkeypatch.setenv("FACTCHECK_LLM__JUDGE", "oracle")
    with pytest.raises(ConfigError, match="FACTCHECK_LLM__JUDGE"):
        load_settings()
