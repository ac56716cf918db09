"""Who may open a session under ``triagebot serve``, and who they are.

- The token: ``--token-file`` or ``TRIAGEBOT_SERVE_TOKEN``, at least 32 random bytes.
  Required on any address but the loopback; generated (and printed once) if absent.
- The cookie: after the token is given once, the browser holds an HttpOnly,
  SameSite=Strict cookie ``BROWSER.SIGNATURE``: a random browser id and its HMAC under the
  token (under a key kept in the serve folder when there is no token). It proves the token
  was given without holding it, and names the browser: its journals are its own.
- The user: the reverse proxy's header (``--user-header``) when configured, else the
  browser id. Journals are kept per user (:func:`user_folder`).
- Failed tokens are counted per address; past :data:`MAX_FAILURES` in
  :data:`FAILURE_WINDOW` seconds the form is refused until the window has passed.

Tokens and signatures are compared in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from triagebot.app.files import WriteError, private_dir, write_private

TOKEN_VARIABLE = "TRIAGEBOT_SERVE_TOKEN"
"""Environment variable holding the access token (instead of ``--token-file``)."""

TOKEN_BYTES = 32
"""Random bytes in a generated token; a given token must be at least this long."""

MIN_TOKEN_CHARS = 43
"""32 random bytes written in URL-safe base64 (what :func:`new_token` makes)."""

COOKIE = "triagebot_session"
"""The cookie naming the browser (and proving the token was given)."""

MAX_FAILURES = 5
"""Wrong tokens from one address accepted in :data:`FAILURE_WINDOW`; the next is refused."""

FAILURE_WINDOW = 60.0
"""Seconds over which failed tokens are counted."""

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
"""Addresses only this machine reaches: no token is required there."""


class AccessError(Exception):
    """A token that cannot be used (too short, unreadable); the message says how to fix it."""


@dataclass(frozen=True)
class Secret:
    """The access token (None: none required) and the key that signs browser cookies."""

    token: str | None
    key: bytes
    announcement: str | None = None
    """What to print once at start (a token just generated), or None."""


def new_token() -> str:
    """A fresh token: 32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def checked_token(token: str, where: str) -> str:
    """``token`` stripped, refused when shorter than 32 random bytes would be."""
    token = token.strip()
    if len(token) < MIN_TOKEN_CHARS:
        raise AccessError(
            f"{where}: the token is {len(token)} characters; it must be at least "
            f"{MIN_TOKEN_CHARS} (32 random bytes). Remove it to have one generated."
        )
    return token


def load_secret(host: str, token_file: Path | None, serve_dir: Path) -> Secret:
    """The token for serving on ``host``: from ``TRIAGEBOT_SERVE_TOKEN``, else
    ``token_file`` (generated into it, owner-only, if it does not exist), else generated
    and printed once when ``host`` is not the loopback. Raises :class:`AccessError`."""
    from_environment = os.environ.get(TOKEN_VARIABLE, "").strip()
    if from_environment:
        token = checked_token(from_environment, TOKEN_VARIABLE)
        return Secret(token, token.encode())
    if token_file is not None:
        return _file_secret(token_file)
    if host in LOOPBACK:
        return Secret(None, _server_key(serve_dir))
    token = new_token()
    said = f"Access token (shown once; keep it, or use --token-file): {token}"
    return Secret(token, token.encode(), said)


def _file_secret(token_file: Path) -> Secret:
    try:
        text = token_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        token = new_token()
        try:
            write_private(token_file, token + "\n")
        except (OSError, WriteError) as error:
            raise AccessError(f"{token_file}: cannot write the token: {error}") from None
        said = f"Access token generated into {token_file} (owner-only): {token}"
        return Secret(token, token.encode(), said)
    except (OSError, UnicodeDecodeError) as error:
        raise AccessError(f"{token_file}: cannot read the token: {error}") from None
    token = checked_token(text, str(token_file))
    return Secret(token, token.encode())


def _server_key(serve_dir: Path) -> bytes:
    """The key that signs cookies when there is no token, kept so a browser is the same
    user after a restart (its journals are offered again)."""
    path = serve_dir / "cookie-key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        key = secrets.token_bytes(TOKEN_BYTES)
        try:
            private_dir(serve_dir)
            write_private(path, key.hex() + "\n", force=True)
        except (OSError, WriteError):
            pass  # a key for this run only: browsers sign in afresh after a restart
        return key


def token_matches(secret: Secret, given: str) -> bool:
    """Whether ``given`` is the token, compared in constant time."""
    if secret.token is None:
        return True
    return hmac.compare_digest(secret.token.encode(), given.strip().encode())


def new_cookie(secret: Secret) -> str:
    """A cookie value for a new browser: ``BROWSER.SIGNATURE``."""
    browser = secrets.token_urlsafe(18)
    return f"{browser}.{_signature(secret, browser)}"


def browser_of(secret: Secret, cookie: str | None) -> str | None:
    """The browser id a cookie names, or None if it is missing or not signed by us."""
    browser, _, signature = (cookie or "").partition(".")
    if not browser or not hmac.compare_digest(signature, _signature(secret, browser)):
        return None
    return browser


def _signature(secret: Secret, browser: str) -> str:
    return hmac.new(secret.key, browser.encode(), hashlib.sha256).hexdigest()


def user_folder(serve_dir: Path, user: str) -> Path:
    """The data folder of one user (their journals, and exports if kept): a hash of the
    user, so a name from a header never becomes a path."""
    digest = hashlib.sha256(user.encode("utf-8")).hexdigest()[:32]
    return serve_dir / "users" / digest


class FailureLimit:
    """Failed tokens per address, over a sliding window."""

    def __init__(
        self,
        limit: int = MAX_FAILURES,
        window: float = FAILURE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.failures: dict[str, deque[float]] = {}

    def wait(self, address: str) -> int:
        """Seconds before ``address`` may try again; 0: it may now."""
        recent = self._recent(address)
        if len(recent) < self.limit:
            return 0
        return max(1, math.ceil(recent[0] + self.window - self.clock()))

    def failed(self, address: str) -> None:
        """Count a wrong token from ``address``."""
        recent = self._recent(address)
        recent.append(self.clock())
        self.failures[address] = recent

    def _recent(self, address: str) -> deque[float]:
        """The address's failures in the window; an address with none is forgotten."""
        recent = self.failures.pop(address, deque())
        while recent and recent[0] <= self.clock() - self.window:
            recent.popleft()
        if recent:
            self.failures[address] = recent
        return recent
