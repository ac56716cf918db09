"""``triagebot serve`` without a browser: the token, the cookie, who the user is, the cap,
and the clinician reaching the transcript (the browser tests are test_serve_browser.py)."""

from __future__ import annotations

import shlex
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from triagebot.app import library
from triagebot.app.conversation import CLINICIAN_VARIABLE, Conversation
from triagebot.cli import build_parser, command_names, main
from triagebot.flows.exports import EXTENSIONS, FORMATS, Format
from triagebot.serve import access
from triagebot.serve.access import (
    COOKIE,
    MIN_TOKEN_CHARS,
    AccessError,
    FailureLimit,
    Secret,
    load_secret,
    new_token,
)
from triagebot.serve.server import Identity, Options, TriageServer
from triagebot.serve.words import serve_words

TOKEN = "t" * MIN_TOKEN_CHARS


def secret(token: str | None = TOKEN) -> Secret:
    return Secret(token, (token or "server key").encode())


@pytest_asyncio.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    server = TriageServer(Options(serve_dir=tmp_path, max_sessions=2), secret())
    async with TestClient(TestServer(server.web_app())) as test_client:
        yield test_client


# --- the token and the cookie ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_request_without_the_cookie_gets_401_and_the_token_form(client: TestClient) -> None:  # type: ignore[type-arg]
    """The page, the websocket and the statics all answer 401 without the cookie."""
    page = await client.get("/")
    text = await page.text()
    statuses = [page.status]
    for path in ("/ws", "/static/js/textual.js", "/download/x"):
        statuses.append((await client.get(path)).status)
    assert (statuses, 'name="token"' in text) == ([401, 401, 401, 401], True)


@pytest.mark.asyncio
async def test_the_right_token_sets_an_httponly_samesite_strict_cookie(client: TestClient) -> None:  # type: ignore[type-arg]
    """The token form answers a right token with the cookie, and the page opens with it."""
    signed = await client.post("/login", data={"token": TOKEN}, allow_redirects=False)
    cookie = signed.cookies[COOKIE]
    page = await client.get("/")
    expected = (303, True, "Strict", 200)
    assert expected == (signed.status, bool(cookie["httponly"]), cookie["samesite"], page.status)


@pytest.mark.asyncio
async def test_signing_in_again_keeps_the_browser_and_its_cookie_outlives_the_browser(
    client: TestClient,  # type: ignore[type-arg]
) -> None:
    """The cookie lasts 30 days (a browser closed and reopened is the same user), and the
    token given again keeps the browser's id (its journals stay its own)."""
    first = await client.post("/login", data={"token": TOKEN}, allow_redirects=False)
    again = await client.post("/login", data={"token": TOKEN}, allow_redirects=False)
    kept, given_again = first.cookies[COOKIE], again.cookies[COOKIE]
    same = kept.value == given_again.value
    assert (same, kept["max-age"]) == (True, str(30 * 24 * 3600))


@pytest.mark.asyncio
async def test_a_wrong_token_is_refused_and_sets_no_cookie(client: TestClient) -> None:  # type: ignore[type-arg]
    """A wrong token: 401, the form again with why, no cookie."""
    refused = await client.post("/login", data={"token": TOKEN + "x"}, allow_redirects=False)
    text = await refused.text()
    assert (refused.status, COOKIE in refused.cookies, "not accepted" in text) == (
        401,
        False,
        True,
    )


@pytest.mark.asyncio
async def test_wrong_tokens_from_one_address_are_paused(client: TestClient) -> None:  # type: ignore[type-arg]
    """Past five wrong tokens, the address gets 429 (the right token too) until the window
    has passed."""
    statuses = []
    for given in [*["wrong"] * 6, TOKEN]:
        response = await client.post("/login", data={"token": given}, allow_redirects=False)
        statuses.append(response.status)
    assert statuses == [401, 401, 401, 401, 401, 429, 429]


@pytest.mark.asyncio
async def test_a_forged_cookie_is_refused(client: TestClient) -> None:  # type: ignore[type-arg]
    """A cookie not signed under the token is no cookie."""
    client.session.cookie_jar.update_cookies({COOKIE: "browser.0123abcd"})
    assert (await client.get("/")).status == 401


def test_failures_are_forgotten_once_the_window_has_passed() -> None:
    """The pause lasts until the oldest failure leaves the window, then lifts."""
    now = [0.0]
    limit = FailureLimit(limit=2, window=60, clock=lambda: now[0])
    limit.failed("a")
    now[0] = 10
    limit.failed("a")
    waits = [limit.wait("a"), limit.wait("b")]
    now[0] = 61
    waits.append(limit.wait("a"))
    assert waits == [50, 0, 0]


# --- the token's source ------------------------------------------------------------------


def test_no_token_is_needed_on_the_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """127.0.0.1 without a token: none asked for, cookies signed by a kept key."""
    monkeypatch.delenv(access.TOKEN_VARIABLE, raising=False)
    first = load_secret("127.0.0.1", None, tmp_path)
    again = load_secret("127.0.0.1", None, tmp_path)
    assert (first.token, first.key == again.key) == (None, True)


def test_any_other_address_gets_a_generated_token_printed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0.0.0.0 without a token: one is generated (32 random bytes) and announced."""
    monkeypatch.delenv(access.TOKEN_VARIABLE, raising=False)
    made = load_secret("0.0.0.0", None, tmp_path)
    assert made.token is not None and made.announcement is not None
    assert (len(made.token) >= MIN_TOKEN_CHARS, made.token in made.announcement) == (True, True)


def test_a_missing_token_file_is_generated_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--token-file naming no file: the token is written there, mode 0600, and read back."""
    monkeypatch.delenv(access.TOKEN_VARIABLE, raising=False)
    path = tmp_path / "token"
    made = load_secret("0.0.0.0", path, tmp_path)
    read = load_secret("0.0.0.0", path, tmp_path)
    mode = stat.S_IMODE(path.stat().st_mode)
    assert (mode, read.token == made.token, read.announcement) == (0o600, True, None)


@pytest.mark.parametrize(
    "token",
    [
        "short",  # a password, not a secret
        "a" * (MIN_TOKEN_CHARS - 1),  # one short of 32 bytes in base64
    ],
)
def test_a_short_token_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, token: str
) -> None:
    """TRIAGEBOT_SERVE_TOKEN shorter than 32 random bytes is refused, saying how long."""
    monkeypatch.setenv(access.TOKEN_VARIABLE, token)
    with pytest.raises(AccessError, match=str(MIN_TOKEN_CHARS)):
        load_secret("0.0.0.0", None, tmp_path)


def test_the_command_refuses_a_short_token_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``triagebot serve`` with a short token: exit 1, one message, no traceback."""
    monkeypatch.setenv(access.TOKEN_VARIABLE, "short")
    code = main(["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert (code, err.count("\n"), "Traceback" in err) == (1, 1, False)


@pytest.mark.parametrize(
    "url",
    [
        "triage.example",  # no scheme
        "https://triage.example/app",  # a path: the page, websocket and cookie are at /
        "ftp://triage.example",  # not the web
    ],
)
def test_a_public_url_that_is_not_an_address_is_a_usage_error(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--public-url takes http(s)://HOST[:PORT] only (exit 2, saying what it takes)."""
    code = main(["serve", "--public-url", url])
    assert (code, "triage.example" in capsys.readouterr().err) == (2, True)


def test_new_tokens_differ() -> None:
    """Each generated token is fresh."""
    assert len({new_token() for _ in range(20)}) == 20


# --- who the user is --------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_with_a_user_header_a_request_without_it_gets_401(tmp_path: Path) -> None:
    """--user-header: the proxy must name the user, else 401 (no anonymous session)."""
    options = Options(serve_dir=tmp_path, user_header="X-Remote-User")
    server = TriageServer(options, secret(None))
    async with TestClient(TestServer(server.web_app())) as test_client:
        anonymous = await test_client.get("/")
        named = await test_client.get("/", headers={"X-Remote-User": "dr.jones"})
        assert (anonymous.status, named.status) == (401, 200)


@pytest.mark.parametrize(
    "value",
    [
        "",  # empty
        "dr\u202ejones",  # a bidirectional override: it would reach transcripts
        "x" * 201,  # longer than any user name
    ],
)
@pytest.mark.asyncio
async def test_a_user_header_no_proxy_sends_is_refused(tmp_path: Path, value: str) -> None:
    """A user header that is empty, too long or holds control characters names nobody: 401."""
    options = Options(serve_dir=tmp_path, user_header="X-Remote-User")
    server = TriageServer(options, secret(None))
    async with TestClient(TestServer(server.web_app())) as test_client:
        response = await test_client.get("/", headers={"X-Remote-User": value})
        assert response.status == 401


def test_each_user_has_a_data_folder_of_their_own(tmp_path: Path) -> None:
    """Two users, two folders; a name from a header never becomes a path."""
    folders = {access.user_folder(tmp_path, user) for user in ("user:a", "user:b", "user:../x")}
    inside = {folder.parent == tmp_path / "users" for folder in folders}
    assert (len(folders), inside) == (3, {True})


def test_the_session_command_carries_the_users_folder_and_clinician(tmp_path: Path) -> None:
    """The session's shell command sets the user's data folder and clinician, quoted, and
    drops the token from its environment."""
    server = TriageServer(Options(serve_dir=tmp_path), secret())
    command = server.session_command(Identity("user:o'brien", "Dr O'Brien; rm -rf /"))
    words = shlex.split(command)
    folder = access.user_folder(tmp_path, "user:o'brien")
    expected_dir = f"TRIAGEBOT_DATA_DIR={folder}"
    assert (
        words[:4],
        expected_dir in words,
        f"{CLINICIAN_VARIABLE}=Dr O'Brien; rm -rf /" in words,
    ) == (
        ["exec", "env", "-u", access.TOKEN_VARIABLE],
        True,
        True,
    )


@pytest.mark.asyncio
async def test_a_websocket_from_another_site_is_refused(client: TestClient) -> None:  # type: ignore[type-arg]
    """Another site's page cannot open a session, even with the cookie."""
    await client.post("/login", data={"token": TOKEN}, allow_redirects=False)
    response = await client.get("/ws", headers={"Origin": "https://evil.example"})
    assert response.status == 403


@pytest.mark.asyncio
async def test_past_the_cap_the_page_says_all_sessions_are_in_use(tmp_path: Path) -> None:
    """Sessions at the cap: the page is a 503 that says so, not a crash."""
    server = TriageServer(Options(serve_dir=tmp_path, max_sessions=1), secret(None))
    server.running.add(Running())  # type: ignore[arg-type]  # one session running
    async with TestClient(TestServer(server.web_app())) as test_client:
        page = await test_client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        text = await page.text()
    assert (page.status, "occupées" in text) == (503, True)


class Running:
    """Stands for a session's process."""

    async def stop(self) -> None:
        pass


def test_the_pages_speak_the_browsers_first_language_we_have() -> None:
    """Accept-Language picks French or English; anything else is English."""
    picked = [serve_words(header).language for header in ("fr-CA,en", "de,fr", "de", None)]
    assert picked == ["fr", "fr", "en", "en"]


# --- the clinician ---------------------------------------------------------------------------


def test_the_clinician_named_by_the_proxy_is_in_the_transcript(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TRIAGEBOT_CLINICIAN (set by serve from the proxy's header) is the transcript's clinician."""
    monkeypatch.setenv(CLINICIAN_VARIABLE, "dr.jones")
    conversation = Conversation.new(library.resolve("cauda-equina"), lambda _: None)
    monkeypatch.delenv(CLINICIAN_VARIABLE)
    other = Conversation.new(library.resolve("cauda-equina"), lambda _: None)
    assert (conversation.transcript().clinician, other.transcript().clinician) == ("dr.jones", None)


@pytest.mark.parametrize("fmt", FORMATS)  # each format a browser may download
def test_a_download_is_named_for_its_format_and_names_the_clinician(
    monkeypatch: pytest.MonkeyPatch, fmt: Format
) -> None:
    """Every export format downloads (nothing written), named with its extension; the
    JSON record carries the clinician."""
    monkeypatch.setenv(CLINICIAN_VARIABLE, "dr.jones")
    conversation = Conversation.new(library.resolve("cauda-equina"), lambda _: None)
    for answer in ("yes", "no", "yes"):
        conversation.answer(answer)
    name, text = conversation.download(fmt)
    carries = "dr.jones" in text if fmt == "json" else True  # FHIR author: not built yet
    assert (name.endswith("." + EXTENSIONS[fmt]), carries) == (True, True)


def test_the_page_loads_no_font_from_elsewhere() -> None:
    """The page's template names no address but its own (the font is the package's)."""
    template = Path(__file__).parents[1] / "src/triagebot/serve/templates/app_index.html"
    text = template.read_text(encoding="utf-8")
    outside = [word for word in ("googleapis", "gstatic", "https://", "cdn") if word in text]
    assert outside == []


def test_serve_is_a_command() -> None:
    """``triagebot serve`` is registered (``triagebot --help`` lists it)."""
    assert "serve" in command_names(build_parser())
