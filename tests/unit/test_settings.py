"""Settings refuse typos and validate every override, with a message that names the nearest known key."""

import pytest
from typer.testing import CliRunner

from factcheck.errors import ConfigError
from factcheck.settings import known_variables, load_settings


def test_a_misspelt_setting_in_a_group_is_refused_with_the_nearest_name(monkeypatch):
    monkeypatch.setenv("FACTCHECK_LLM__MODLE", "gpt-x")
    with pytest.raises(
        ConfigError, match="unknown setting FACTCHECK_LLM__MODLE; did you mean FACTCHECK_LLM__MODEL"
    ):
        load_settings()
    from factcheck.cli import app

    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 2 and "did you mean FACTCHECK_LLM__MODEL?" in result.stderr


def test_a_misspelt_top_level_setting_or_one_in_the_dotenv_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("FACTCHECK_REVIEWR", "ann")
    with pytest.raises(ConfigError, match="did you mean FACTCHECK_REVIEWER"):
        load_settings()
    monkeypatch.delenv("FACTCHECK_REVIEWR")
    env = tmp_path / "settings.env"
    env.write_text("FACTCHECK_DRAFT__WORKRS=4\n")
    monkeypatch.setenv("FACTCHECK_ENV_FILE", str(env))
    with pytest.raises(ConfigError, match="did you mean FACTCHECK_DRAFT__WORKERS"):
        load_settings()


def test_every_override_is_validated():
    with pytest.raises(ConfigError, match="invalid setting 'reviewer'"):
        load_settings(reviewer=12345)
    assert load_settings(reviewer="ann").reviewer == "ann"


def test_the_variables_factcheck_reads_that_are_not_settings_are_known(monkeypatch, tmp_path):
    monkeypatch.setenv("FACTCHECK_MODEL_CACHE", str(tmp_path))
    assert (
        load_settings()
        and "FACTCHECK_MODEL_CACHE" in known_variables()
        and "FACTCHECK_HOME" in known_variables()
    )


def test_an_override_with_a_typo_is_refused_with_the_nearest_name_as_an_environment_variable_is():
    from factcheck.errors import ConfigError
    from factcheck.settings import load_settings

    with pytest.raises(ConfigError, match="did you mean FACTCHECK_HOME"):
        load_settings(hoem="x")


def test_a_misspelt_top_level_variable_is_refused_with_the_nearest_name(monkeypatch):
    from factcheck.errors import ConfigError
    from factcheck.settings import load_settings

    monkeypatch.setenv("FACTCHECK_HOEM", "x")
    with pytest.raises(ConfigError, match="unknown setting FACTCHECK_HOEM; did you mean FACTCHECK_HOME"):
        load_settings()
