"""Service configuration: one frozen `Settings` read from `DISCLOSURE_*` environment variables.

Everything a deployment may change lives here, one line of documentation per field; the README's
configuration table lists the same fields (`Settings.documented_fields`, checked by the tests).
Settings that administrators change at run time (the force's name and nation) live in the database
instead, in `disclosure.force`.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

Environment = Literal["development", "test", "production"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'disclosure.db'}"


@dataclass(frozen=True)
class Settings:
    """The service's configuration. Field docs: `name: type = default  # meaning`."""

    environment: Environment = "development"
    """`development`, `test` or `production`; production refuses to start without a secret key or HTTPS."""
    database_url: str = field(default_factory=_default_database_url)
    """SQLAlchemy URL: the SQLite file under `var/` by default, or `postgresql+psycopg://user@host/db`."""
    secret_key: str = ""
    """Signs CSRF tokens and flash messages. Required in production (32+ random characters); development keeps
    a generated one in `var/secret-key`."""
    base_url: str = "http://127.0.0.1:8000"
    """The address users reach the service at, for set-up and invitation links; `https://` in production."""
    host: str = "127.0.0.1"
    """Interface `disclosure serve` listens on."""
    port: int = 8000
    """Port `disclosure serve` listens on."""
    workers: int = 1
    """Server worker processes; sessions live in the database, so any number behave as one service."""
    session_idle_minutes: int = 30
    """A session unused for this long ends."""
    session_absolute_hours: int = 10
    """A session ends this long after sign-in, however busy."""
    reauth_minutes: int = 10
    """Sensitive actions (role changes, API tokens, exports, sign-off) need a password and code this
    recent."""
    lockout_threshold: int = 5
    """Failed sign-ins for one user name within the window before it is locked."""
    lockout_window_minutes: int = 15
    """The window failed sign-ins are counted over."""
    lockout_minutes: int = 15
    """How long a locked user name stays locked (it unlocks by itself)."""
    setup_link_minutes: int = 60
    """How long the first administrator's one-time set-up link lasts."""
    invitation_hours: int = 72
    """How long a new user's one-time invitation link lasts."""
    log_level: str = "INFO"
    """Application log level."""
    asset_dir: Path = PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"
    """GOV.UK Frontend's fonts and images, installed by `make install`."""
    frontend_dir: Path = PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
    """GOV.UK Frontend's compiled CSS and JavaScript, installed by `make install`."""
    var_dir: Path = PROJECT_ROOT / "var"
    """Where the SQLite file and generated secret live by default."""
    attachment_store: str = "local"
    """Where evidence attachments are kept: `local` (files in `DISCLOSURE_ATTACHMENT_DIR`, outside any served
    folder) or `database` (file contents in the database, for several servers sharing one database)."""
    attachment_dir: Path = PROJECT_ROOT / "var" / "attachments"
    """Folder for attachments when `DISCLOSURE_ATTACHMENT_STORE` is `local`; never served directly."""
    max_upload_mb: int = 20
    """Largest attachment accepted, in megabytes; a larger upload is refused before it is read."""
    smtp_host: str = ""
    """Mail server for the partner outbox. Empty: notifications stay in the in-service inbox only."""
    smtp_port: int = 587
    """Mail server port (587 with STARTTLS, 465 for implicit TLS)."""
    smtp_security: str = "starttls"
    """`starttls`, `tls` (implicit, port 465) or `none` (a relay on the same machine only)."""
    smtp_username: str = ""
    """Mail server user name, if it needs one."""
    smtp_password: str = ""
    """Mail server password, if it needs one."""
    smtp_from: str = "disclosure@localhost"
    """Sender address of outbox messages."""
    public_applications_per_sender: int = 3
    """Online applications accepted from one connection in an hour (counted by a keyed hash of its address,
    never the address); more are refused with when to try again."""
    public_applications_per_hour: int = 200
    """Online applications accepted from everyone together in an hour: a flood from many addresses stops
    here."""

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def secure_cookies(self) -> bool:
        """Cookies are `Secure` whenever the service is reached over HTTPS, and always in production."""
        return self.is_production or self.base_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def documented_fields(cls) -> list[tuple[str, str, str]]:
        """(variable, default, meaning) for every field, as the README's configuration table shows them:
        paths inside the project as `<repo>/...`, an empty default as `(none)`."""
        docs = _field_docs(cls)
        rows = []
        for f in fields(cls):
            value = f.default_factory() if f.default_factory is not MISSING else f.default
            default = str(value).replace(str(PROJECT_ROOT), "<repo>") if value != "" else "(none)"
            rows.append((f"DISCLOSURE_{f.name.upper()}", default, " ".join(docs.get(f.name, "").split())))
        return rows

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read `DISCLOSURE_*` variables; refuse to start with a value that cannot work, or production
        without its secret."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            variable = f"DISCLOSURE_{f.name.upper()}"
            raw = env.get(variable)
            if raw is None:
                continue
            kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "str")
            if kind == "int":
                values[f.name] = _whole_number(variable, raw)
            elif kind == "Path":
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw.strip()
        values.update(overrides)
        settings = cls(**values)
        settings.check()
        if not settings.secret_key:
            if settings.is_production:
                raise ConfigurationError("DISCLOSURE_SECRET_KEY is required in production")
            settings = _with_generated_secret(settings)
        return settings

    def check(self) -> None:
        """Refuse values the service cannot run with, naming the variable."""
        if self.environment not in ("development", "test", "production"):
            raise ConfigurationError("DISCLOSURE_ENVIRONMENT must be development, test or production")
        if self.log_level.upper() not in LOG_LEVELS:
            raise ConfigurationError(f"DISCLOSURE_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        if not 1 <= self.port <= 65535:
            raise ConfigurationError("DISCLOSURE_PORT must be between 1 and 65535")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and value < 1:
                raise ConfigurationError(f"DISCLOSURE_{f.name.upper()} must be 1 or more")
        if self.attachment_store not in ATTACHMENT_STORES:
            raise ConfigurationError(
                f"DISCLOSURE_ATTACHMENT_STORE must be one of {', '.join(ATTACHMENT_STORES)}"
            )
        if self.smtp_security not in SMTP_SECURITY:
            raise ConfigurationError(f"DISCLOSURE_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}")
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError("DISCLOSURE_BASE_URL must start with http:// or https://")
        if self.is_production and self.secret_key:
            if len(self.secret_key) < MIN_SECRET_LENGTH or self.secret_key == EXAMPLE_SECRET:
                raise ConfigurationError(
                    f"DISCLOSURE_SECRET_KEY must be a random string of {MIN_SECRET_LENGTH} characters or more"
                )
            if not self.base_url.startswith("https://"):
                raise ConfigurationError("DISCLOSURE_BASE_URL must use https:// in production")


ATTACHMENT_STORES = ("local", "database")
SMTP_SECURITY = ("starttls", "tls", "none")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MIN_SECRET_LENGTH = 32
EXAMPLE_SECRET = "change-me-to-a-long-random-string"  # noqa: S105 (the placeholder in .env.example, refused)  # nosec B105


def _whole_number(variable: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ConfigurationError(f"{variable} must be a whole number, not {raw!r}") from None


class ConfigurationError(RuntimeError):
    """The service cannot start with this configuration."""


def _with_generated_secret(settings: Settings) -> Settings:
    """Development keeps one generated secret on disk so restarts do not invalidate forms."""
    if settings.environment == "test":
        return replace(settings, secret_key=secrets.token_urlsafe(32))
    path = settings.var_dir / "secret-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # made readable by its owner only from the start; of two processes starting at once, one writes
        made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(made, "w") as file:
            file.write(secrets.token_urlsafe(32))
    return replace(settings, secret_key=path.read_text().strip())


def _field_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (the string literal after each field) read from the class source."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = following.value.value
    return docs
