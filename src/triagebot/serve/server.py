"""``triagebot serve``'s web server: textual-serve's, behind a token, per user, capped.

Built on textual-serve's public pieces (``Server`` for downloads and logging,
``AppService`` for the process per websocket) with an aiohttp application of our own:

- every request but the token form passes :meth:`TriageServer.guard` (the cookie, the
  proxy's user header); without it, 401 and no process;
- the page is our template (:mod:`triagebot.serve.templates`): fonts and scripts from the
  package, never a font service, and the websocket URL from the address the browser used;
- each websocket runs :mod:`triagebot.serve.session` in its own process, with the user's
  data folder (their journals) and the clinician; one over ``max_sessions`` is refused
  with a page that says so;
- a user's new session waits for their last one to close, so a reload finds the journal
  free to resume.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shlex
import sys
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from triagebot.app.conversation import CLINICIAN_VARIABLE
from triagebot.app.files import DATA_DIR_VARIABLE
from triagebot.serve import pages
from triagebot.serve.access import (
    COOKIE,
    TOKEN_VARIABLE,
    FailureLimit,
    Secret,
    browser_of,
    new_cookie,
    token_matches,
    user_folder,
)
from triagebot.serve.session import KEEP_EXPORTS_VARIABLE
from triagebot.serve.words import serve_words

TEMPLATES = Path(__file__).parent / "templates"
COOKIE_DAYS = 30
"""How long a browser keeps its cookie: a browser closed and opened again is the same
user, and is offered its unfinished sessions."""
CLOSING_WAIT = 5.0
"""Seconds a user's new session waits for their last one to close (and free its journal)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Identity:
    """Who a request is from: the key their journals are kept under, and the clinician
    the proxy named (None without ``--user-header``)."""

    user: str
    clinician: str | None = None


IDENTITY = web.RequestKey("identity", Identity)
"""The request's :class:`Identity`, set by :meth:`TriageServer.guard`."""


@dataclass
class Options:
    """What ``triagebot serve`` was asked for."""

    host: str = "127.0.0.1"
    port: int = 8000
    serve_dir: Path = Path(".")
    """Users' data folders (journals) live under ``serve_dir/users``."""
    flows: list[Path] = field(default_factory=list)
    lang: str | None = None
    max_sessions: int = 8
    user_header: str | None = None
    public_url: str | None = None
    keep_exports: Path | None = None


class TriageServer(Server):
    """textual-serve's server, serving triagebot's TUI behind :meth:`guard`."""

    def __init__(self, options: Options, secret: Secret) -> None:
        super().__init__(
            "triagebot",
            host=options.host,
            port=options.port,
            title="triagebot",
            public_url=options.public_url,
            templates_path=TEMPLATES,
        )
        self.options = options
        self.secret = secret
        self.failures = FailureLimit()
        self.running: set[AppService] = set()
        self.closing: dict[str, list[asyncio.Event]] = {}

    # --- the application -----------------------------------------------------------------

    def web_app(self) -> web.Application:
        """The aiohttp application: the guard, the pages, the websocket, downloads, statics."""
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=_template_loader())
        app.add_routes(
            [
                web.get("/", self.handle_page, name="index"),
                web.get("/login", self.handle_login_form),
                web.post("/login", self.handle_login),
                web.get("/ws", self.handle_session, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def run(self) -> None:
        """Serve until interrupted (Ctrl+C, SIGTERM): every session is closed first, its
        journal kept."""
        self.initialize_logging()
        said = f"Serving triagebot on {self.public_url}  (Ctrl+C stops)"
        # run_app prints once it listens: said then, not before a port found taken.
        web.run_app(
            self.web_app(),
            host=self.options.host,
            port=self.options.port,
            print=lambda *_: print(said, flush=True),
        )

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: ``run`` says where it serves (textual-serve prints a banner here)."""

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(
            *(service.stop() for service in list(self.running)), return_exceptions=True
        )

    # --- access --------------------------------------------------------------------------

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Let a request through only with the token's cookie (set here at once when no
        token is needed) and, with ``--user-header``, the proxy's user; else 401."""
        said = serve_words(request.headers.get("Accept-Language"))
        if request.path == "/login":
            return await handler(request)
        cookie = request.cookies.get(COOKIE)
        browser = browser_of(self.secret, cookie)
        fresh = None
        if browser is None and self.secret.token is None and request.path == "/":
            fresh = new_cookie(self.secret)
            browser = browser_of(self.secret, fresh)
        if browser is None:
            if request.path == "/":
                return pages.sign_in(said, status=401)
            return web.Response(status=401, text="401: sign in first\n")
        header = self.options.user_header
        named = _user_named(request.headers.get(header, "")) if header else None
        if header and not named:
            return pages.message(said, said.no_user.format(header=header), status=401)
        identity = Identity(f"user:{named}" if named else f"browser:{browser}", named)
        request[IDENTITY] = identity
        response = await handler(request)
        if fresh is not None:
            self._set_cookie(response, fresh)
        return response

    async def handle_login_form(self, request: web.Request) -> web.StreamResponse:
        return pages.sign_in(serve_words(request.headers.get("Accept-Language")))

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        """The token form: a right token sets the cookie; wrong ones are counted per address."""
        said = serve_words(request.headers.get("Accept-Language"))
        address = request.remote or "unknown"
        wait = self.failures.wait(address)
        if wait:
            text = said.too_many_attempts.format(seconds=wait)
            response = pages.sign_in(said, error=text, status=429)
            response.headers["Retry-After"] = str(wait)
            return response
        form = await request.post()
        given = form.get("token")
        if not isinstance(given, str) or not token_matches(self.secret, given):
            self.failures.failed(address)
            return pages.sign_in(said, error=said.wrong_token, status=401)
        signed_in = web.HTTPSeeOther(location="/")
        held = request.cookies.get(COOKIE, "")
        # Signing in again keeps the browser's id: its journals stay its own.
        kept = held if browser_of(self.secret, held) is not None else new_cookie(self.secret)
        self._set_cookie(signed_in, kept)
        raise signed_in

    def _set_cookie(self, response: web.StreamResponse, value: str) -> None:
        secure = self.public_url.startswith("https:")
        response.set_cookie(
            COOKIE,
            value,
            httponly=True,
            samesite="Strict",
            secure=secure,
            path="/",
            max_age=COOKIE_DAYS * 24 * 3600,
        )

    # --- the page and its sessions -------------------------------------------------------

    async def handle_page(self, request: web.Request) -> web.StreamResponse:
        said = serve_words(request.headers.get("Accept-Language"))
        if len(self.running) >= self.options.max_sessions:
            return pages.full(said, self.options.max_sessions)
        base = self._base_url(request)
        ws_base = "wss:" if base.startswith("https:") else "ws:"
        context = {
            "font_size": _to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ws_base + base.split(":", 1)[1] + "/ws",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": "triagebot"},
            "lang": said.language,
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    def _base_url(self, request: web.Request) -> str:
        """The address the browser reached us on (``--public-url`` behind a proxy)."""
        if self.options.public_url:
            return self.options.public_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    async def handle_session(self, request: web.Request) -> web.StreamResponse:
        """Run one session for this websocket, in its own process."""
        said = serve_words(request.headers.get("Accept-Language"))
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != urlsplit(self._base_url(request)).netloc:
            return web.Response(status=403, text=said.wrong_origin)
        if len(self.running) >= self.options.max_sessions:
            return web.Response(status=503, text=said.full_title)
        identity: Identity = request[IDENTITY]
        websocket = web.WebSocketResponse(heartbeat=15)
        service = AppService(
            self.session_command(identity),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=lambda: _close_quietly(websocket),
            download_manager=self.download_manager,
        )
        self.running.add(service)  # counted before any wait: two at once cannot pass the cap
        try:
            await self._settled(identity.user)
            await websocket.prepare(request)
            width = _to_int(request.query.get("width", "80"), 80)
            height = _to_int(request.query.get("height", "24"), 24)
            await service.start(width, height)
            await _relay(websocket, service)
        finally:
            await self._close(identity.user, service)
        return websocket

    async def _settled(self, user: str) -> None:
        """Wait (a little) for the user's sessions that are closing."""
        closing = [event.wait() for event in self.closing.get(user, [])]
        if closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*closing), CLOSING_WAIT)

    async def _close(self, user: str, service: AppService) -> None:
        closed = asyncio.Event()
        self.closing.setdefault(user, []).append(closed)
        try:
            await service.stop()
        finally:
            self.running.discard(service)
            closed.set()
            self.closing[user].remove(closed)
            if not self.closing[user]:
                del self.closing[user]

    def session_command(self, identity: Identity) -> str:
        """The shell command of one session: the user's data folder and clinician set, the
        token left out of its environment."""
        options = self.options
        environment = {DATA_DIR_VARIABLE: str(user_folder(options.serve_dir, identity.user))}
        if identity.clinician:
            environment[CLINICIAN_VARIABLE] = identity.clinician
        if options.keep_exports is not None:
            environment[KEEP_EXPORTS_VARIABLE] = str(options.keep_exports)
        words = ["env", "-u", TOKEN_VARIABLE]
        words += [f"{name}={value}" for name, value in environment.items()]
        words += [sys.executable, "-m", "triagebot.serve.session"]
        for folder in options.flows:
            words += ["--flows", str(folder)]
        if options.lang:
            words += ["--lang", options.lang]
        return "exec " + shlex.join(words)


def _user_named(value: str) -> str | None:
    """The user the proxy named, or None for none or a value no proxy sends (control
    characters: it goes into transcripts)."""
    value = value.strip()
    if not value or len(value) > 200 or any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        return None
    return value


async def _relay(websocket: web.WebSocketResponse, service: AppService) -> None:
    """Hand what the browser sends to the session until the websocket closes."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        except (ValueError, TypeError, IndexError, KeyError):
            continue  # not textual.js: ignored
        await _dispatch(websocket, service, kind, data)


async def _dispatch(
    websocket: web.WebSocketResponse, service: AppService, kind: object, data: Any
) -> None:
    if kind == "stdin" and isinstance(data, str):
        await service.send_bytes(data.encode("utf-8"))
    elif kind == "resize" and isinstance(data, dict):
        width, height = data.get("width"), data.get("height")
        if isinstance(width, int) and isinstance(height, int):
            await service.set_terminal_size(width, height)
    elif kind == "ping":
        await websocket.send_json(["pong", data])
    elif kind == "blur":
        await service.blur()
    elif kind == "focus":
        await service.focus()


async def _close_quietly(websocket: web.WebSocketResponse) -> None:
    """Close the browser's websocket (the session's app has exited)."""
    await websocket.close()


def _template_loader() -> Any:
    import jinja2  # noqa: PLC0415 (textual-serve's dependency, only when serving)

    return jinja2.FileSystemLoader(TEMPLATES)


def _to_int(text: str, default: int) -> int:
    try:
        return max(1, min(int(text), 1000))
    except ValueError:
        return default
