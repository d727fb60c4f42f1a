"""Settings load from defaults, file, env and options, and report every problem at once."""

from __future__ import annotations

import traceback
from pathlib import Path

import platformdirs
import pytest

from core.config import Settings, check_settings, describe, load_settings
from core.errors import ConfigError

PASSWORD = "Zq9-hunter2-secret"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(environ: dict[str, str], config_file: Path | None) -> list[str]:
    settings, problems = check_settings(environ=environ, config_file=config_file)
    assert settings is not None  # with problems, bad values fall back to defaults so the rest can be shown
    return problems


def test_defaults_when_no_file_and_no_env(tmp_path: Path) -> None:
    settings = load_settings(environ={}, config_file=write(tmp_path, "# all defaults\n"))
    assert settings.data_dir == platformdirs.user_data_path("qayd")
    assert (settings.company, settings.language, settings.log_level) == ("default", "en", "WARNING")
    assert settings.secrets.master_key_source == "keyring"
    assert settings.secrets.master_key_file is None
    assert settings.audit.checkpoint_every == 1000
    assert settings.central.database_url is None
    assert settings.central.sslmode == "verify-full"
    assert settings.zatca.environment == "sandbox"
    assert settings.config_file == tmp_path / "config.toml"
    assert set(settings.sources.values()) == {"default", "option"}


def test_missing_explicit_file_is_a_problem(tmp_path: Path) -> None:
    absent = tmp_path / "absent.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={}, config_file=absent)
    assert caught.value.problems == [f"config file {absent} (from the command line) does not exist"]
    problems = problems_of({"QAYD_CONFIG": str(absent)}, None)
    assert problems == [f"config file {absent} (from QAYD_CONFIG) does not exist"]


def test_file_overrides_defaults(tmp_path: Path) -> None:
    config = write(tmp_path, 'language = "ar"\nlog_level = "debug"\n[zatca]\nenvironment = "simulation"\n'
                   "[audit]\ncheckpoint_every = 50\n")
    settings = load_settings(environ={}, config_file=config)
    assert (settings.language, settings.log_level) == ("ar", "DEBUG")
    assert settings.zatca.environment == "simulation"
    assert settings.audit.checkpoint_every == 50
    assert settings.config_file == config
    assert settings.sources["language"] == "file"
    assert settings.sources["company"] == "default"


def test_relative_paths_in_the_file_are_relative_to_the_file(tmp_path: Path) -> None:
    config = write(tmp_path, 'data_dir = "data"\n[secrets]\nmaster_key_source = "file"\n')
    settings = load_settings(environ={}, config_file=config)
    assert settings.data_dir == tmp_path / "data"
    assert settings.secrets.master_key_file == tmp_path / "data" / "master.key"


def test_env_overrides_file_and_options_override_env(tmp_path: Path) -> None:
    config = write(tmp_path, f'language = "ar"\ncompany = "from-file"\ndata_dir = "{tmp_path / "f"}"\n')
    environ = {"QAYD_LANGUAGE": "en", "QAYD_COMPANY": "from-env", "QAYD_AUDIT_CHECKPOINT_EVERY": "7"}
    settings = load_settings(environ=environ, config_file=config,
                             overrides={"company": "acme", "data_dir": tmp_path / "o", "language": None})
    assert settings.language == "en"
    assert settings.company == "acme"
    assert settings.data_dir == tmp_path / "o"
    assert settings.audit.checkpoint_every == 7
    assert settings.sources["language"] == "env QAYD_LANGUAGE"
    assert settings.sources["company"] == "option"
    assert settings.sources["audit.checkpoint_every"] == "env QAYD_AUDIT_CHECKPOINT_EVERY"
    assert settings.sources["log_level"] == "default"
    assert settings.sources["config_file"] == "option"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad_values = 'language = "fr"\n[audit]\ncheckpoint_every = 0\n[zatca]\nenvironment = "live"\n'
    config = write(tmp_path, bad_values)
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"QAYD_CENTRAL_SSLMODE": "strict"}, config_file=config)
    problems = caught.value.problems
    assert len(problems) == 4, problems
    assert f'language = "fr" (from {config}, language): must be one of en, ar' in problems
    assert f'audit.checkpoint_every = 0 (from {config}, [audit] checkpoint_every): ' \
           "must be a whole number >= 1" in problems
    assert any(p.startswith('zatca.environment = "live"') and "sandbox, simulation, production" in p
               for p in problems)
    assert any(p.startswith('central.sslmode = "strict" (from QAYD_CENTRAL_SSLMODE)') for p in problems)
    assert "4 problem(s)" in str(caught.value)


def test_cross_checks_still_run_when_another_setting_is_bad(tmp_path: Path) -> None:
    environ = {"QAYD_LANGUAGE": "fr", "QAYD_MASTER_KEY_SOURCE": "env"}
    problems = problems_of(environ, write(tmp_path, ""))
    assert [p.split(" = ")[0] for p in problems] == ["language", "secrets.master_key_source"]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"QAYD_LANGUAGE": "fr"}, 'language = "fr" (from QAYD_LANGUAGE): must be one of en, ar'),
        ({"QAYD_COMPANY": "Acme Ltd"}, 'company = "Acme Ltd" (from QAYD_COMPANY): must be a slug'),
        ({"QAYD_LOG_LEVEL": "loud"}, 'log_level = "loud" (from QAYD_LOG_LEVEL): must be one of DEBUG,'),
        ({"QAYD_AUDIT_CHECKPOINT_EVERY": "lots"},
         'audit.checkpoint_every = "lots" (from QAYD_AUDIT_CHECKPOINT_EVERY): must be a whole number >= 1'),
        ({"QAYD_MASTER_KEY_SOURCE": "env"},
         'secrets.master_key_source = "env" (from QAYD_MASTER_KEY_SOURCE): needs QAYD_MASTER_KEY'),
        ({"QAYD_CENTRAL_DATABASE_URL": "mysql://db/x"},
         'central.database_url = "mysql://db/x" (from QAYD_CENTRAL_DATABASE_URL): must start with postgresql://'),
    ],
)
def test_bad_env_values_name_setting_value_and_fix(
    tmp_path: Path, environ: dict[str, str], expected: str
) -> None:
    problems = problems_of(environ, write(tmp_path, ""))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_data_dir_must_not_be_an_existing_file(tmp_path: Path) -> None:
    a_file = write(tmp_path, "")
    _, problems = check_settings(environ={"QAYD_DATA_DIR": str(a_file)}, config_file=a_file)
    assert problems == [f'data_dir = "{a_file}" (from QAYD_DATA_DIR): '
                        "must be a directory, but that path is an existing file"]


def test_master_key_from_env_is_reported_but_never_shown(tmp_path: Path) -> None:
    environ = {"QAYD_MASTER_KEY_SOURCE": "env", "QAYD_MASTER_KEY": PASSWORD}
    settings = load_settings(environ=environ, config_file=write(tmp_path, ""))
    rows = describe(settings)
    assert ("QAYD_MASTER_KEY", "set", "env QAYD_MASTER_KEY") in rows
    assert PASSWORD not in repr(settings) + repr(rows)


def test_password_in_central_url_is_a_problem_and_is_masked(tmp_path: Path) -> None:
    url = f"postgresql://qayd:{PASSWORD}@db.example:5432/qayd"
    config = write(tmp_path, f'[central]\ndatabase_url = "{url}?sslpassword={PASSWORD}"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"QAYD_CENTRAL_DATABASE_URL": url}, config_file=tmp_path / "x.toml")
    error_text = "".join(traceback.format_exception(caught.value))
    assert PASSWORD not in error_text
    assert "postgresql://qayd:***@db.example:5432/qayd" in error_text
    assert "must not contain a password" in error_text
    _, problems = check_settings(environ={}, config_file=config)
    assert PASSWORD not in "".join(problems)
    assert "sslpassword=***" in problems[0]


def test_describe_masks_a_url_password_even_if_one_slipped_in(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://qayd:{PASSWORD}@db.example/qayd"
    settings = load_settings(environ={}, config_file=write(tmp_path, ""))
    # model_construct skips validation, standing in for a Settings built by other code.
    central = settings.central.model_construct(database_url=url, sslmode="require")
    leaky = Settings.model_construct(**{**dict(settings), "central": central})
    rows = dict((name, value) for name, value, _ in describe(leaky))
    assert rows["central.database_url"] == '"postgresql+psycopg://qayd:***@db.example/qayd"'
    assert PASSWORD not in repr(describe(leaky))


def test_describe_reports_every_setting_with_its_source(tmp_path: Path) -> None:
    config = write(tmp_path, 'company = "acme"\n')
    settings = load_settings(environ={"QAYD_ZATCA_ENVIRONMENT": "production"}, config_file=config,
                             overrides={"log_level": "error"})
    rows = {name: (value, source) for name, value, source in describe(settings)}
    assert rows["company"] == ('"acme"', "file")
    assert rows["zatca.environment"] == ('"production"', "env QAYD_ZATCA_ENVIRONMENT")
    assert rows["log_level"] == ('"ERROR"', "option")
    assert rows["central.database_url"] == ("(not set)", "default")
    assert rows["config_file"] == (str(config), "option")
    # 39 settings (store.busy_timeout: issue 12; [payments] provider, base_url, currency and the six [mail] ones:
    # issue 15; the ten [alerts] thresholds and support.crash_upload_url: issue 16; the seven [assistant] ones: issue
    # 18) and the config file
    assert len(rows) == 40
    assert rows["payments.provider"] == ('"stripe"', "default") and rows["payments.currency"] == ('"SAR"', "default")
    assert rows["store.busy_timeout"] == ("15.0", "default")


def test_unknown_keys_and_env_vars_get_a_suggestion(tmp_path: Path) -> None:
    config = write(tmp_path, 'langauge = "en"\n[central]\nsslmod = "require"\n[secret]\n')
    environ = {"QAYD_LOG_LEVLE": "INFO", "QAYD_TEST_FAST": "1", "QAYD_CONFIG": str(config), "HOME": "/x"}
    problems = problems_of(environ, config)
    assert problems == [
        f"{config}: langauge is not a known setting; did you mean language?",
        f"{config}: [central] sslmod is not a known setting; did you mean [central] sslmode?",
        f"{config}: [secret] is not a known section; did you mean [secrets]?",
        "environment variable QAYD_LOG_LEVLE is not a Qayd setting; did you mean QAYD_LOG_LEVEL?",
    ]


def test_unknown_secret_env_var_value_is_not_shown(tmp_path: Path) -> None:
    problems = problems_of({"QAYD_MASTERKEY": PASSWORD}, write(tmp_path, ""))
    assert problems == ["environment variable QAYD_MASTERKEY is not a Qayd setting; "
                        "did you mean QAYD_MASTER_KEY?"]


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    config = write(tmp_path, 'company = "acme"\nlanguage = \n')
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"QAYD_LANGUAGE": "xx"}, config_file=config)
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith(f"config file {config} is not valid TOML")
    assert "line 2" in problems[0]


def test_unknown_override_is_reported(tmp_path: Path) -> None:
    _, problems = check_settings(environ={}, config_file=write(tmp_path, ""), overrides={"compnay": "x"})
    assert problems == ["option compnay is not a known setting; did you mean company?"]


def test_mail_without_tls_only_on_a_loopback_host(tmp_path: Path) -> None:
    config = write(tmp_path, '[mail]\nhost = "smtp.example.sa"\nsecurity = "none"\nfrom_address = "billing"\n')
    problems = problems_of({}, config)
    assert any(p.startswith('mail.security = "none"') and "loopback" in p and "starttls" in p for p in problems)
    assert any(p.startswith('mail.from_address = "billing"') and "e-mail address" in p for p in problems)
    local = load_settings(environ={"QAYD_MAIL_HOST": "127.0.0.1", "QAYD_MAIL_SECURITY": "none",
                                   "QAYD_MAIL_PORT": "2525"}, config_file=write(tmp_path, ""))
    assert (local.mail.host, local.mail.port, local.mail.security) == ("127.0.0.1", 2525, "none")
    assert load_settings(environ={}, config_file=write(tmp_path, "")).mail.security == "starttls"
    password = write(tmp_path, f'[mail]\npassword = "{PASSWORD}"\n')
    (problem,) = problems_of({}, password)
    assert "secret store" in problem and PASSWORD not in problem
