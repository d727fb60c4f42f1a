"""Settings from defaults, a TOML file, QAYD_* variables and CLI options, validated at start-up."""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import reduce
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args

import platformdirs

# Settings use no pydantic plugin, and looking for one reads the metadata of every installed package (~20 ms of
# each command's start). This is pydantic's documented switch; a person who sets it otherwise keeps their value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.config_file import CONFIG_ENV, locate_file
from core.errors import ConfigError

Language = Literal["en", "ar"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
KeySource = Literal["keyring", "env", "file"]
SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
ZatcaEnvironment = Literal["sandbox", "simulation", "production"]
MailSecurity = Literal["starttls", "ssl", "none"]
AssistantProvider = Literal["anthropic", "openai", "compatible", "none"]

MASTER_KEY_ENV = "QAYD_MASTER_KEY"
# QAYD_* variables that are not settings: the key itself, the file path, and test switches.
_NOT_SETTINGS_ENV = frozenset({MASTER_KEY_ENV, CONFIG_ENV})
_INTERNAL_ENV_PREFIXES = ("QAYD_TEST_",)

_COMPANY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_URL_SCHEMES = ("postgresql", "postgresql+psycopg")
_MASK = "***"
_SECRET_NAME = re.compile(r"key|password|secret|token|passphrase", re.IGNORECASE)
# These say where the master key lives, not what it is, so showing them leaks nothing.
_NOT_SECRET_NAMES = frozenset({"secrets.master_key_source", "secrets.master_key_file"})
# libpq also takes passwords as `password=...` in a URL query or a keyword/value DSN.
_SECRET_PARAM = re.compile(r"(\b\w*(?:password|secret|token)\s*=\s*)('[^']*'|[^&\s]+)", re.IGNORECASE)


def _one_of(literal: Any) -> str:
    return "one of " + ", ".join(str(v) for v in get_args(literal))


class _Field(NamedTuple):
    env: str
    valid: str  # completes "must be ..." in problem messages


_FIELDS: dict[str, _Field] = {
    "data_dir": _Field("QAYD_DATA_DIR", "a directory path (it need not exist yet)"),
    "company": _Field("QAYD_COMPANY", "a slug: 1-63 of a-z 0-9 - _, starting with a letter or digit"),
    "language": _Field("QAYD_LANGUAGE", _one_of(Language)),
    "log_level": _Field("QAYD_LOG_LEVEL", _one_of(LogLevel) + " (any case)"),
    "secrets.master_key_source": _Field("QAYD_MASTER_KEY_SOURCE", _one_of(KeySource)),
    "secrets.master_key_file": _Field("QAYD_MASTER_KEY_FILE", "a file path"),
    "audit.checkpoint_every": _Field("QAYD_AUDIT_CHECKPOINT_EVERY", "a whole number >= 1"),
    "store.busy_timeout": _Field("QAYD_STORE_BUSY_TIMEOUT", "a number of seconds from 1 to 3600"),
    "central.database_url": _Field("QAYD_CENTRAL_DATABASE_URL", "a postgresql[+psycopg]:// URL"),
    "central.sslmode": _Field("QAYD_CENTRAL_SSLMODE", _one_of(SslMode)),
    "zatca.environment": _Field("QAYD_ZATCA_ENVIRONMENT", _one_of(ZatcaEnvironment)),
    "zatca.base_url": _Field("QAYD_ZATCA_BASE_URL",
                             "an https:// URL, or http://127.0.0.1:PORT for a local test portal"),
    "payments.provider": _Field("QAYD_PAYMENTS_PROVIDER", "a payment provider's name: stripe or moyasar"),
    "payments.base_url": _Field("QAYD_PAYMENTS_BASE_URL",
                                "an https:// URL, or http://127.0.0.1:PORT for a local test server"),
    "payments.currency": _Field("QAYD_PAYMENTS_CURRENCY", "an ISO 4217 code in capitals, e.g. SAR"),

    "alerts.zatca_report_warn_hours": _Field("QAYD_ALERTS_ZATCA_REPORT_WARN_HOURS",
                                             "a number of hours from 1 to 23 (ZATCA's deadline is 24)"),
    "alerts.clearance_wait_minutes": _Field("QAYD_ALERTS_CLEARANCE_WAIT_MINUTES", "a number of minutes >= 1"),
    "alerts.certificate_warn_days": _Field("QAYD_ALERTS_CERTIFICATE_WARN_DAYS", "a number of days >= 1"),
    "alerts.sync_failing_minutes": _Field("QAYD_ALERTS_SYNC_FAILING_MINUTES", "a number of minutes >= 1"),
    "alerts.clock_skew_warn_seconds": _Field("QAYD_ALERTS_CLOCK_SKEW_WARN_SECONDS", "a number of seconds >= 1"),
    "alerts.clock_skew_fail_seconds": _Field("QAYD_ALERTS_CLOCK_SKEW_FAIL_SECONDS",
                                             "a number of seconds >= 1, above the warning's"),
    "alerts.failed_mails": _Field("QAYD_ALERTS_FAILED_MAILS", "a whole number of failed mails >= 1"),
    "alerts.payment_poll_gap_minutes": _Field("QAYD_ALERTS_PAYMENT_POLL_GAP_MINUTES", "a number of minutes >= 1"),
    "alerts.free_disk_mb": _Field("QAYD_ALERTS_FREE_DISK_MB", "a number of megabytes >= 1"),
    "alerts.wal_mb": _Field("QAYD_ALERTS_WAL_MB", "a number of megabytes >= 1"),
    "support.crash_upload_url": _Field("QAYD_SUPPORT_CRASH_UPLOAD_URL",
                                       "an https:// URL the company chose, or http://127.0.0.1:PORT for a local "
                                       "receiver; unset (the default) uploads nothing"),

    "mail.host": _Field("QAYD_MAIL_HOST", "the SMTP server's host name"),
    "mail.port": _Field("QAYD_MAIL_PORT", "a port number from 1 to 65535 (587 for starttls, 465 for ssl)"),
    "mail.security": _Field("QAYD_MAIL_SECURITY", _one_of(MailSecurity) + " (none only for a loopback host)"),
    "mail.username": _Field("QAYD_MAIL_USERNAME", "the SMTP login (the password is the secret mail.password)"),
    "mail.from_address": _Field("QAYD_MAIL_FROM_ADDRESS", "an e-mail address such as billing@example.sa"),
    "mail.from_name": _Field("QAYD_MAIL_FROM_NAME", "the sender's display name"),

    "assistant.provider": _Field("QAYD_ASSISTANT_PROVIDER", _one_of(AssistantProvider)),
    "assistant.model": _Field("QAYD_ASSISTANT_MODEL", "the provider's model name, e.g. claude-sonnet-4-5"),
    "assistant.base_url": _Field("QAYD_ASSISTANT_BASE_URL",
                                 "an https:// URL, or http://127.0.0.1:PORT for a model on this machine"),
    "assistant.currency": _Field("QAYD_ASSISTANT_CURRENCY",
                                 "an ISO 4217 code in capitals: the currency of the prices and the budget"),
    "assistant.monthly_budget": _Field("QAYD_ASSISTANT_MONTHLY_BUDGET",
                                       'an amount >= 0 written as text, e.g. "50.00" (unset: no budget)'),
    "assistant.warn_at": _Field("QAYD_ASSISTANT_WARN_AT", "a fraction of the budget above 0 and at most 1, e.g. 0.8"),
    "assistant.prices": _Field("QAYD_ASSISTANT_PRICES",
                               'a table of model = { input = "3", output = "15" } (per million tokens, as text); '
                               "in the environment: MODEL=INPUT/OUTPUT;MODEL=INPUT/OUTPUT"),
}
_SECTIONS = {name.split(".")[0]: name for name in _FIELDS if "." in name}
_ENV_TO_NAME = {field.env: name for name, field in _FIELDS.items()}
_PATH_FIELDS = frozenset({"data_dir", "secrets.master_key_file"})
_OPTIONAL_FIELDS = frozenset({"secrets.master_key_file", "central.database_url", "zatca.base_url",
                              "support.crash_upload_url",
                              "payments.base_url", "mail.host", "mail.username", "mail.from_address",
                              "assistant.model", "assistant.base_url", "assistant.monthly_budget"})

_Layer = dict[str, tuple[object, str]]  # dotted name -> (raw value, source label)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretsSettings(_Section):
    master_key_source: KeySource = "keyring"
    master_key_file: Path | None = None

    @field_validator("master_key_file")
    @classmethod
    def _not_a_directory(cls, value: Path | None) -> Path | None:
        if value is not None and (value := value.expanduser()).is_dir():
            raise ValueError("must be a file path, but that path is an existing directory")
        return value


class AuditSettings(_Section):
    checkpoint_every: int = Field(default=1000, ge=1)

    @field_validator("checkpoint_every", mode="before")
    @classmethod
    def _no_booleans(cls, value: object) -> object:
        # pydantic would read TOML `true` as 1; a boolean here is always a mistake.
        if isinstance(value, bool):
            raise ValueError(f"must be {_FIELDS['audit.checkpoint_every'].valid}, not a boolean")
        return value


class StoreSettings(_Section):
    busy_timeout: float = Field(default=15.0, ge=1, le=3600)  # how long a write waits for another process's lock


class CentralSettings(_Section):
    database_url: str | None = None
    sslmode: SslMode = "verify-full"

    @field_validator("database_url")
    @classmethod
    def _postgres_without_password(cls, value: str | None) -> str | None:
        if value is None:
            return None
        reasons = []
        if value.partition("://")[0].lower() not in _URL_SCHEMES or "://" not in value:
            reasons.append("must start with postgresql:// or postgresql+psycopg://")
        if _mask(value)[1]:
            reasons.append("must not contain a password (keep the password in the secret store)")
        if reasons:
            raise ValueError("; ".join(reasons))
        return value


class ZatcaSettings(_Section):
    environment: ZatcaEnvironment = "sandbox"
    base_url: str | None = None  # overrides the environment's portal address (a proxy, or a local test portal)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        local = value.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
        if not (value.startswith("https://") or local):
            raise ValueError(_FIELDS["zatca.base_url"].valid)
        return value.rstrip("/")


def _local_or_https(value: str, name: str) -> str:
    local = value.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
    if not (value.startswith("https://") or local):
        raise ValueError(_FIELDS[name].valid)
    return value.rstrip("/")


class PaymentsSettings(_Section):
    # A name of core.payments.PROVIDERS; checked against that registry where the provider is built
    # (core.bootstrap.payment_provider), since the ground floor cannot import the capability.
    provider: str = Field(default="stripe", pattern=r"^[a-z][a-z0-9_]{0,39}$")
    base_url: str | None = None  # a proxy, or a local test server
    currency: str = Field(default="SAR", pattern=r"^[A-Z]{3}$")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else _local_or_https(value, "payments.base_url")


class AlertsSettings(_Section):
    """Thresholds where a condition `qayd doctor` checks becomes a warning (and, past its hard limit, a failure) and so
    an alert (docs/runbooks/<id>.md). The defaults are documented in docs/OPERATIONS.md."""

    zatca_report_warn_hours: float = Field(default=18.0, ge=1, le=23)  # a simplified invoice unreported this long
    clearance_wait_minutes: float = Field(default=60.0, ge=1)  # a standard invoice waiting for clearance this long
    certificate_warn_days: int = Field(default=30, ge=1)  # an EGS unit's certificate expiring within this
    sync_failing_minutes: float = Field(default=60.0, ge=1)  # no successful sync with central for this long
    clock_skew_warn_seconds: float = Field(default=30.0, ge=1)
    clock_skew_fail_seconds: float = Field(default=300.0, ge=1)
    failed_mails: int = Field(default=1, ge=1)  # this many mails failed for good
    payment_poll_gap_minutes: float = Field(default=60.0, ge=1)  # no successful payment poll for this long
    free_disk_mb: int = Field(default=1024, ge=1)  # less free space than this beside the store
    wal_mb: int = Field(default=256, ge=1)  # a write-ahead log larger than this

    @field_validator("clock_skew_fail_seconds")
    @classmethod
    def _above_the_warning(cls, value: float, info: Any) -> float:
        warn = info.data.get("clock_skew_warn_seconds")
        if warn is not None and value <= warn:
            raise ValueError(f"must be above alerts.clock_skew_warn_seconds ({warn:g})")
        return value


class SupportSettings(_Section):
    """Crash reports stay on this machine unless the company names a receiver (opt-in, scrubbed as on disk)."""

    crash_upload_url: str | None = None

    @field_validator("crash_upload_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else _local_or_https(value, "support.crash_upload_url")


_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class MailSettings(_Section):
    """The SMTP server invoices leave through; the password or OAuth2 token is a secret (mail.password/mail.oauth)."""

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    security: MailSecurity = "starttls"
    username: str | None = None
    from_address: str | None = None
    from_name: str = ""

    @field_validator("from_address")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        if value is not None and not _ADDRESS.match(value):
            raise ValueError(_FIELDS["mail.from_address"].valid)
        return value

    @field_validator("security")
    @classmethod
    def _plain_only_on_loopback(cls, value: str, info: Any) -> str:
        host = info.data.get("host")
        if value == "none" and host is not None and host.lower() not in _LOOPBACK:
            raise ValueError(f"none (no TLS) is allowed only for a loopback host (127.0.0.1, localhost), not "
                             f"{host!r}, since the password and the invoices would cross the network in the clear; "
                             "use starttls (port 587) or ssl (port 465)")
        return value


class ModelPrice(NamedTuple):
    """What a provider charges for one model, per million tokens, in the currency of [assistant] currency."""

    input: Decimal
    output: Decimal


# Providers' list prices per million tokens in US dollars, as their pricing pages gave them on 2026-12-08 (Anthropic:
# docs.anthropic.com pricing; OpenAI: openai.com/api/pricing). A company's own entries (or another currency) replace
# them model by model: prices change, and a cost counted from a stale price is wrong, so check them.
# No prices ship with Qayd: a list price read today is stale within months, and a company's own contract may differ.
# Every model used must be priced in [assistant.prices]; an unpriced one is refused before sending (core.assistant).
DEFAULT_PRICES: dict[str, ModelPrice] = {}
_MODEL_NAME = r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$"


def _exact(value: object, what: str) -> Decimal:
    """A Decimal from text or a whole number; a float is refused, since it is already rounded in binary."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValueError(f"{what} must be written as text, e.g. \"2.50\" (a TOML float is already rounded in binary)")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, not {str(value)[:40]!r}") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{what} must be a finite amount >= 0")
    return number


def _price_entries(value: object) -> dict[str, object]:
    """The table as {model: price}; the environment's form is MODEL=INPUT/OUTPUT;MODEL=INPUT/OUTPUT."""
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, str):
        raise ValueError(_FIELDS["assistant.prices"].valid)
    entries: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in value.split(";"))):
        model, eq, pair = item.partition("=")
        inp, slash, out = pair.partition("/")
        if not (eq and slash):
            raise ValueError(f"{item[:60]!r} is not MODEL=INPUT/OUTPUT; {_FIELDS['assistant.prices'].valid}")
        entries[model.strip()] = {"input": inp.strip(), "output": out.strip()}
    return entries


def _price(model: str, entry: object) -> ModelPrice:
    if not re.match(_MODEL_NAME, model):
        raise ValueError(f"{model[:60]!r} is not a model name")
    if isinstance(entry, ModelPrice):
        return entry
    if not isinstance(entry, Mapping) or set(entry) != {"input", "output"}:
        raise ValueError(f'the price of {model} must be {{ input = "…", output = "…" }} (per million tokens)')
    return ModelPrice(_exact(entry["input"], f"the input price of {model}"),
                      _exact(entry["output"], f"the output price of {model}"))


class AssistantSettings(_Section):
    """The finance assistant's provider, its model, and what its calls may cost (core.assistant.costs). The key is a
    secret (assistant.api_key). Prices (the company's own: none ship) and the budget are in `currency`."""

    provider: AssistantProvider = "none"
    model: str | None = Field(default=None, pattern=_MODEL_NAME)
    base_url: str | None = None  # the compatible endpoint (a model the company runs), a proxy, or a local test server
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    monthly_budget: Decimal | None = None  # None: no budget; 0 refuses every call
    warn_at: Decimal = Field(default=Decimal("0.8"), gt=0, le=1)
    prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else _local_or_https(value, "assistant.base_url")

    @field_validator("monthly_budget", mode="before")
    @classmethod
    def _budget(cls, value: object) -> Decimal | None:
        return None if value is None else _exact(value, "the budget")

    @field_validator("warn_at", mode="before")
    @classmethod
    def _fraction(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError(f"must be {_FIELDS['assistant.warn_at'].valid}, not a boolean")
        return Decimal(str(value)) if isinstance(value, float) else value  # a ratio: 0.8 as written

    @field_validator("prices", mode="before")
    @classmethod
    def _table(cls, value: object) -> dict[str, ModelPrice]:
        """The company's entries replace the defaults model by model; the other defaults stay."""
        given = {str(model): _price(str(model), entry) for model, entry in _price_entries(value).items()}
        return {**DEFAULT_PRICES, **given}


class Settings(_Section):
    """The validated, effective settings; ``sources`` tells where each value came from."""

    data_dir: Path = Field(default_factory=lambda: platformdirs.user_data_path("qayd"),
                           validate_default=True)
    company: str = Field(default="default", pattern=_COMPANY_PATTERN)
    language: Language = "en"
    log_level: LogLevel = "WARNING"
    secrets: SecretsSettings = Field(default_factory=SecretsSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    central: CentralSettings = Field(default_factory=CentralSettings)
    zatca: ZatcaSettings = Field(default_factory=ZatcaSettings)
    payments: PaymentsSettings = Field(default_factory=PaymentsSettings)

    mail: MailSettings = Field(default_factory=MailSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)
    support: SupportSettings = Field(default_factory=SupportSettings)
    assistant: AssistantSettings = Field(default_factory=AssistantSettings)
    config_file: Path | None = None
    sources: dict[str, str] = Field(default_factory=dict)
    master_key_env_set: bool = False  # whether QAYD_MASTER_KEY is set; its value is never kept

    @field_validator("data_dir")
    @classmethod
    def _not_a_file(cls, value: Path) -> Path:
        if (value := value.expanduser()).exists() and not value.is_dir():
            raise ValueError("must be a directory, but that path is an existing file")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


def _mask(url: str) -> tuple[str, bool]:
    """``url`` with any password (in the user-info part or a query) replaced, and whether one was."""
    scheme, sep, rest = url.partition("://")
    found = False
    if sep:
        # The authority ends at the first / ? or #; a password may itself hold ':' or '@'.
        ends = [i for i in (rest.find(c) for c in "/?#") if i >= 0]
        authority = rest[: min(ends, default=len(rest))]
        at = authority.rfind("@")
        user, colon, password = authority[: max(at, 0)].partition(":")
        if at >= 0 and colon and password:
            rest, found = f"{user}:{_MASK}{rest[at:]}", True
    masked, count = _SECRET_PARAM.subn(lambda m: m.group(1) + _MASK, scheme + sep + rest)
    return masked, found or count > 0


def _display(name: str, value: object) -> str:
    """How a value is shown to a person: quoted like TOML, secrets masked, long values cut."""
    if value is None:
        return "(not set)"
    leaf = name.rsplit(".", 1)[-1]
    if name not in _NOT_SECRET_NAMES and _SECRET_NAME.search(leaf):
        return _MASK
    if isinstance(value, Path):
        value = str(value)
    # Strings are masked before quoting; a URL nested in a list or table only after dumping.
    if isinstance(value, str):
        shown = json.dumps(_mask(value)[0], ensure_ascii=False)
    else:
        shown = _mask(json.dumps(value, ensure_ascii=False, default=str))[0]
    return shown if len(shown) <= 120 else shown[:117] + "..."


def _toml_name(name: str) -> str:
    if name in _SECTIONS:
        return f"[{name}]"
    section, dot, key = name.rpartition(".")
    return f"[{section}] {key}" if dot else name


def _origin(name: str, source: str, path: Path | None) -> str:
    if source == "file":
        return f"{path}, {_toml_name(name)}"
    if source.startswith("env "):
        return source.removeprefix("env ")
    return {"option": "the command line"}.get(source, source)


def _suggest(word: str, candidates: list[str], show: Any = str) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {show(close[0])}?" if close else ""


def _unknown_file_key(path: Path, name: str, is_table: bool = False) -> str:
    section, _, key = name.rpartition(".")
    level = [n for n in _FIELDS if n.startswith(f"{section}.")] if section else [
        n for n in _FIELDS if "." not in n] + list(_SECTIONS)
    hint = _suggest(name, level, _toml_name)
    if not hint:  # e.g. `sslmode` written outside [central]: same key, wrong place
        hint = _suggest(key, [n for n in _FIELDS if n.rsplit(".", 1)[-1] == key], _toml_name)
    if _SECRET_NAME.search(key) and not is_table:
        hint += " (secrets belong in the secret store, not in the config file)"
    shown = f"[{name}]" if is_table else _toml_name(name)
    return f"{path}: {shown} is not a known {'section' if is_table else 'setting'}{hint}"


def _read_file(path: Path, source: str) -> tuple[dict[str, Any] | None, list[str]]:
    """Parse the TOML file; a missing file is fine unless someone named it explicitly."""
    try:
        data = path.read_bytes()
        return tomllib.loads(data.decode("utf-8")), []
    except FileNotFoundError:
        if source == "default":
            return None, []
        return None, [f"config file {path} (from {_origin('config_file', source, None)}) does not exist"]
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [f"config file {path} is not UTF-8 text (line {line})"]
    except tomllib.TOMLDecodeError as err:
        return None, [f"config file {path} is not valid TOML: {err}"]
    except OSError as err:
        return None, [f"config file {path} cannot be read: {err.strerror or err}"]


def _file_layer(data: Mapping[str, Any], path: Path) -> tuple[_Layer, list[str]]:
    layer: _Layer = {}
    problems: list[str] = []
    for key, value in data.items():
        if key in _SECTIONS and not isinstance(value, dict):
            # The value is not shown: `secrets = "..."` may well be a secret.
            problems.append(f"{path}: {key} must be a table, written as a [{key}] section")
            continue
        items = [(f"{key}.{k}", v) for k, v in value.items()] if key in _SECTIONS else [(key, value)]
        for name, item in items:
            if name not in _FIELDS:
                problems.append(_unknown_file_key(path, name, isinstance(item, dict)))
            elif name in _PATH_FIELDS and isinstance(item, str):
                # A relative path in the file means relative to the file, not to the cwd.
                layer[name] = (path.parent / Path(item).expanduser(), "file")
            else:
                layer[name] = (item, "file")
    return layer, problems


def _env_layer(env: Mapping[str, str]) -> tuple[_Layer, list[str]]:
    layer: _Layer = {}
    problems: list[str] = []
    for var, value in env.items():
        if not var.startswith("QAYD_") or var in _NOT_SETTINGS_ENV or var.startswith(_INTERNAL_ENV_PREFIXES):
            continue
        if var not in _ENV_TO_NAME:
            # Never show the value: a mistyped QAYD_MASTER_KEY would hold the key itself.
            known = sorted(_ENV_TO_NAME)
            hint = _suggest(var, [*known, *_NOT_SETTINGS_ENV]) or f" (known: {', '.join(known)})"
            problems.append(f"environment variable {var} is not a Qayd setting{hint}")
            continue
        name = _ENV_TO_NAME[var]
        # An empty optional variable means "unset", as in a shell's `QAYD_X= qayd ...`.
        layer[name] = (None if name in _OPTIONAL_FIELDS and value == "" else value, f"env {var}")
    return layer, problems


def _override_layer(overrides: Mapping[str, object]) -> tuple[_Layer, list[str]]:
    """CLI options by dotted name; None means the option was not given, so a CLI may pass all."""
    layer: _Layer = {}
    problems: list[str] = []
    for name, value in overrides.items():
        if name not in _FIELDS:
            problems.append(f"option {name} is not a known setting{_suggest(name, list(_FIELDS))}")
        elif value is not None:
            layer[name] = (value, "option")
    return layer, problems


def _nest(values: Mapping[str, object]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for name, value in values.items():
        section, dot, key = name.rpartition(".")
        (nested.setdefault(section, {}) if dot else nested)[key] = value
    return nested


def _field_of(loc: tuple[int | str, ...]) -> str:
    """The setting an error is about; a loc may go deeper, e.g. into a list given as a value."""
    names = [".".join(str(p) for p in loc[:end]) for end in range(len(loc), 0, -1)]
    return next((name for name in names if name in _FIELDS), names[0])


def _hint(name: str, error: Any) -> str:
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our validators' own messages, written to be shown
    return f"must be {_FIELDS[name].valid}" if name in _FIELDS else str(error["msg"])


def _validate(merged: _Layer, path: Path | None) -> tuple[Settings | None, list[str]]:
    """Validate; fields that fail are reported, then retried at their defaults so later checks run."""
    values = {name: value for name, (value, _) in merged.items()}
    problems: list[str] = []
    reported: set[str] = set()
    for _attempt in range(2):
        try:
            return Settings.model_validate(_nest(values)), problems
        except ValidationError as err:
            errors = err.errors()
        for error in errors:
            name = _field_of(error["loc"])
            if name in reported:  # one line per setting, even if a default failed again
                continue
            reported.add(name)
            value, source = merged.get(name, (error["input"], "default"))
            problems.append(f"{name} = {_display(name, value)} (from {_origin(name, source, path)}): "
                            f"{_hint(name, error)}")
        values = {name: value for name, value in values.items() if name not in reported}
    return None, problems


def _resolve(settings: Settings, env: Mapping[str, str], meta: dict[str, Any]) -> Settings:
    secrets = settings.secrets
    if secrets.master_key_source == "file" and secrets.master_key_file is None:
        secrets = secrets.model_copy(update={"master_key_file": settings.data_dir / "master.key"})
    return settings.model_copy(update={"secrets": secrets, **meta,
                                       "master_key_env_set": bool(env.get(MASTER_KEY_ENV))})


def check_settings(
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    overrides: Mapping[str, object] | None = None,
) -> tuple[Settings | None, list[str]]:
    """Load and validate every source; never raises.

    With problems, the settings returned use the default in place of each bad value, so that
    `qayd config check` can still show the effective configuration beside the problems.
    """
    env = os.environ if environ is None else environ
    path, path_source = locate_file(env, config_file)
    data, problems = _read_file(path, path_source)
    merged: _Layer = {}
    layers = [_file_layer(data or {}, path), _env_layer(env), _override_layer(overrides or {})]
    for layer, layer_problems in layers:
        merged.update(layer)
        problems += layer_problems
    settings, field_problems = _validate(merged, path)
    problems += field_problems
    if settings is None:  # only when a default itself is invalid; already reported
        return None, problems
    sources = {name: merged.get(name, (None, "default"))[1] for name in _FIELDS}
    sources["config_file"] = path_source
    meta = {"config_file": path if data is not None else None, "sources": sources}
    settings = _resolve(settings, env, meta)
    if settings.secrets.master_key_source == "env" and not settings.master_key_env_set:
        origin = _origin("secrets.master_key_source", sources["secrets.master_key_source"], path)
        problems.append(f'secrets.master_key_source = "env" (from {origin}): needs {MASTER_KEY_ENV} '
                        "to hold the master key, but it is not set; set it, or use keyring or file")
    return settings, problems


def load_settings(
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """Load and validate every source; raises ConfigError listing every problem at once."""
    settings, problems = check_settings(environ=environ, config_file=config_file, overrides=overrides)
    if settings is None or problems:
        raise ConfigError(problems)
    return settings


def describe(settings: Settings) -> list[tuple[str, str, str]]:
    """Rows of (dotted name, value with secrets masked, source) for `qayd config check`."""
    rows = [(name, _display(name, reduce(getattr, name.split("."), settings)),
             settings.sources.get(name, "default")) for name in _FIELDS]
    file_shown = str(settings.config_file) if settings.config_file else "(none read; defaults used)"
    rows.append(("config_file", file_shown, settings.sources.get("config_file", "default")))
    if settings.secrets.master_key_source == "env":
        # The key is a secret, not a setting: say only whether it is there.
        state = "set" if settings.master_key_env_set else "not set"
        rows.append((MASTER_KEY_ENV, state, f"env {MASTER_KEY_ENV}"))
    return rows
