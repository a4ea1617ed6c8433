"""Plugin settings in QgsSettings under ``slick/``: backend location, models, SAM checkpoints.

The remote backend's token is a secret: it is kept in QGIS's authentication database
(QgsAuthManager, encrypted with the master password), never in QgsSettings; QgsSettings only
holds the id of its auth config. A plain-text token of an older version is moved there (and
removed) at the first chance that needs no prompt: loading the settings while the database is
unlocked, saving the settings, or connecting to the remote backend.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsSettings

PREFIX = "slick/"
LEGACY_TOKEN_KEY = PREFIX + "token"  # plain text before the authentication database was used
AUTH_NAME = "Slick backend token"


class TokenStoreError(Exception):
    """The authentication database cannot be used (disabled, or the master password was not given)."""


def _auth_manager(prompt: bool = True):
    from .i18n import tr

    manager = QgsApplication.authManager()
    if manager is None or manager.isDisabled():
        raise TokenStoreError(tr("QGIS's authentication database is not available ({why})").format(
            why=manager.disabledMessage() if manager is not None else "-"))
    if not manager.masterPasswordIsSet() and not (prompt and manager.setMasterPassword(True)):
        raise TokenStoreError(tr("QGIS's authentication database is locked: enter its master password to store "
                                 "or use the backend token"))
    return manager


def store_token(token: str, authcfg: str = "") -> str:
    """Put ``token`` in the authentication database (updating ``authcfg`` if it exists); its id."""
    manager = _auth_manager()
    config = QgsAuthMethodConfig("Basic")
    config.setName(AUTH_NAME)
    config.setConfig("username", "slick")
    config.setConfig("password", token)
    if authcfg and authcfg in manager.configIds():
        config.setId(authcfg)
        if manager.updateAuthenticationConfig(config):
            return authcfg
    stored = manager.storeAuthenticationConfig(config)
    ok = stored[0] if isinstance(stored, tuple) else bool(stored)
    if not ok or not config.id():
        raise TokenStoreError(AUTH_NAME + ": could not be stored in QGIS's authentication database")
    return config.id()


def read_token(authcfg: str, prompt: bool = True) -> str:
    """The token of auth config ``authcfg`` ("" when there is none)."""
    if not authcfg:
        return ""
    manager = _auth_manager(prompt)
    config = QgsAuthMethodConfig()
    loaded = manager.loadAuthenticationConfig(authcfg, config, True)
    ok = loaded[0] if isinstance(loaded, tuple) else bool(loaded)
    return config.config("password", "") if ok else ""
PLUGIN_DIR = Path(__file__).resolve().parent
HELP_URL = "https://github.com/slick-seeps/slick/blob/main/docs/plugin.md"


def _unlocked() -> bool:
    manager = QgsApplication.authManager()
    return manager is not None and not manager.isDisabled() and manager.masterPasswordIsSet()


def default_python() -> str:
    """The project's .venv when the plugin runs from a checkout (make deploy), else nothing."""
    for candidate in (PLUGIN_DIR.parent / ".venv" / "bin" / "python", PLUGIN_DIR.parent / ".venv" / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return ""


def default_data_dir() -> str:
    base = QgsApplication.qgisSettingsDirPath() if QgsApplication.instance() else str(Path.home())
    return str(Path(base) / "slick")


DEFAULT_SAM_MODEL = "slick-s1-prompt"  # the shipped prompt model; "tiny" = random SAM (tests)


@dataclasses.dataclass
class SlickSettings:
    """Everything the settings page edits. ``mode`` is "local" (start a server) or "remote"."""

    mode: str = "local"
    python: str = ""
    url: str = ""
    token: str = ""  # in memory only: a new token to store, or the one read for a connection
    token_authcfg: str = ""  # the auth config holding the token (QgsAuthManager)
    models_dir: str = ""
    work_dir: str = ""
    sam_model: str = DEFAULT_SAM_MODEL
    sam_dir: str = ""  # folder of SAM checkpoints (*.safetensors) the server offers
    threshold: float = 0.0  # 0: each model's own threshold (its card's); else this probability
    start_timeout_s: float = 120.0

    @classmethod
    def load(cls) -> SlickSettings:
        store = QgsSettings()
        values = {}
        for field in dataclasses.fields(cls):
            if field.name == "token":
                continue
            default = field.default
            values[field.name] = store.value(PREFIX + field.name, default, type=type(default))
        loaded = cls(**values)
        loaded.migrate_token(prompt=False)
        loaded.python = loaded.python or default_python()
        loaded.models_dir = loaded.models_dir or str(Path(default_data_dir()) / "models")
        loaded.work_dir = loaded.work_dir or str(Path(default_data_dir()) / "work")
        loaded.sam_dir = loaded.sam_dir or str(Path(default_data_dir()) / "sam")
        return loaded

    def save(self) -> None:
        """Store the settings; a new token goes to the authentication database (TokenStoreError if
        it cannot: the rest is stored all the same)."""
        store = QgsSettings()
        for field in dataclasses.fields(self):
            if field.name != "token":
                store.setValue(PREFIX + field.name, getattr(self, field.name))
        self.migrate_token(prompt=True)
        if self.token:
            self.token_authcfg = store_token(self.token, self.token_authcfg)
            store.setValue(PREFIX + "token_authcfg", self.token_authcfg)

    def migrate_token(self, prompt: bool) -> bool:
        """Move a plain-text token of QgsSettings into the authentication database and remove it
        from QgsSettings. Without ``prompt`` only when the database is unlocked already."""
        store = QgsSettings()
        legacy = store.value(LEGACY_TOKEN_KEY, "", type=str)
        if not store.contains(LEGACY_TOKEN_KEY):
            return False
        if legacy:
            try:
                self.token_authcfg = store_token(legacy, self.token_authcfg) if prompt or _unlocked() else ""
            except TokenStoreError:
                return False
            if not self.token_authcfg:
                return False
            store.setValue(PREFIX + "token_authcfg", self.token_authcfg)
        store.remove(LEGACY_TOKEN_KEY)
        return True

    def stored_token(self, prompt: bool = True) -> str:
        """The token to send: a new one given in memory, else the stored one (may ask for the master
        password; main thread)."""
        if self.token:
            return self.token
        self.migrate_token(prompt)
        return read_token(self.token_authcfg, prompt)

    def server_args(self) -> list[str]:
        """Command-line options of ``slick-backend serve`` that carry these settings."""
        return ["--models-dir", self.models_dir, "--sam-dir", self.sam_dir]
