"""``triagebot serve`` in headless Chromium (Debian's, driven by Playwright): a flow walked by
keys to its outcome, the transcript downloaded, the token, a reload resumed, two users kept
apart, and no request leaving the machine. Skips, saying why, without Chromium or Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve_support import (
    RECORD_OUTPUT,
    browser_missing,
    cells,
    focus_terminal,
    launch,
    mark,
    open_app,
    press,
    serving,
    shown,
    wait_for,
)

MISSING = browser_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"browser tests: {MISSING}")

TOKEN = "k" * 43
FIRST_QUESTION = "back pain and/or leg pain"
EMERGENCY = "EMERGENCY"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (skipped without it)

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


PATIENT = "NHS 943 476 5919"


def start_cauda_equina(page: Any, patient: str = "") -> None:
    """From the start screen (cauda equina is listed first): Enter asks for the optional
    patient reference (typed, or skipped with Enter alone), then the first question."""
    wait_for(page, "cauda equina")
    focus_terminal(page)
    at = mark(page)
    press(page, "Enter")
    wait_for(page, "Patient reference", at)
    page.keyboard.type(patient)
    at = mark(page)
    press(page, "Enter")
    wait_for(page, FIRST_QUESTION, at)


def record_downloads(page: Any) -> list[str]:
    """The text of every download the page asks the server for, as the browser received it."""
    bodies: list[str] = []

    def keep(route: Any) -> None:
        response = route.fetch()
        bodies.append(response.text())
        route.fulfill(response=response)

    page.context.route("**/download/**", keep)
    return bodies


def test_cauda_equina_by_keys_to_the_emergency_outcome_then_downloaded(
    browser: Any, tmp_path: Path
) -> None:
    """A patient reference, then y, n, y: the emergency outcome; F5 asks for the format and
    Enter takes plain text: the transcript is downloaded with the patient in it (the page is
    not reloaded by it), and the notice says downloaded, not a server path."""
    with serving(tmp_path) as served:
        page = open_app(browser, served.url, 1280, 800)
        page.evaluate("() => { window.__same_page = true; }")
        start_cauda_equina(page, PATIENT)
        downloads = record_downloads(page)
        at = mark(page)
        press(page, "y", "n", "y")
        wait_for(page, EMERGENCY, at)
        page.screenshot(path=str(tmp_path / "outcome-wide.png"))
        at = mark(page)
        press(page, "F5")
        wait_for(page, "Export the transcript as", at)
        press(page, "Enter")  # the format chosen last (plain text, the first time)
        wait_for(page, "Transcript downloaded", at)
        page.wait_for_timeout(500)
        text = downloads[0] if downloads else ""
        kept = list((served.data_dir / "users").rglob("*.txt"))
        same_page = page.evaluate("() => window.__same_page === true")
    lines = [
        f"Patient: {PATIENT}",
        "- Does the patient present with back pain and/or leg pain? Yes",
        "OUTCOME [EMERGENCY]: Suspected cauda equina syndrome — emergency MRI",
    ]
    assert ([line in text for line in lines], same_page, kept) == ([True] * 3, True, [])


def test_the_outcome_fits_80_by_24(browser: Any, tmp_path: Path) -> None:
    """At 80 by 24 cells the outcome is drawn, with its keys in the footer."""
    with serving(tmp_path) as served:
        page = open_app(browser, served.url, 722, 515)
        start_cauda_equina(page)
        at = mark(page)
        press(page, "y", "n", "y")
        wait_for(page, EMERGENCY, at)
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "outcome-80x24.png"))
        size = cells(page)
        drawn = shown(page)
    assert (size, "Why?" in drawn) == ((80, 24), True)


def test_a_wrong_token_is_refused_and_the_right_one_opens_the_app(
    browser: Any, tmp_path: Path
) -> None:
    """Served on every address: the page asks for the token; a wrong one is refused, the
    right one opens the start screen."""
    with serving(tmp_path, "--host", "0.0.0.0", token=TOKEN) as served:
        context = browser.new_context()
        page = context.new_page()
        first = page.goto(served.url)
        page.fill("#token", "not-the-token")
        with page.expect_navigation():
            page.click("button[type=submit]")
        refused = page.inner_text("p.error")
        page.fill("#token", TOKEN)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.wait_for_selector(".xterm-helper-textarea", state="attached")
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        context.close()
    cookie = cookies.get("triagebot_session", {})
    expected = (401, True, True, "Strict")
    actual = (
        first.status,
        "not accepted" in refused,
        cookie.get("httpOnly"),
        cookie.get("sameSite"),
    )
    assert expected == actual


def test_a_reload_mid_flow_offers_the_session_back_with_its_answers(
    browser: Any, tmp_path: Path
) -> None:
    """Two answers, then a reload: the new page offers the unfinished session, and resuming
    it brings both answers back (the next question is the third)."""
    with serving(tmp_path) as served:
        page = open_app(browser, served.url)
        start_cauda_equina(page)
        at = mark(page)
        press(page, "y", "n")
        wait_for(page, "perianal, perineal or genital sensation", at)
        page.reload()
        wait_for(page, "New session")
        focus_terminal(page)
        at = mark(page)
        press(page, "Enter")
        wait_for(page, "perianal, perineal or genital sensation", at)
        downloads = record_downloads(page)
        press(page, "F5")
        wait_for(page, "Export the transcript as", at)
        press(page, "Enter")  # the format chosen last (plain text, the first time)
        wait_for(page, "Transcript downloaded", at)
        page.wait_for_timeout(500)
    text = " ".join((downloads[0] if downloads else "").split())
    answers = [
        "back pain and/or leg pain? Yes",
        "difficulty initiating micturition, or impaired sensation of urinary flow? No",
        "OUTCOME",  # not reached: the session goes on from the third question
    ]
    assert [answer in text for answer in answers] == [True, True, False]


def test_two_browsers_do_not_see_each_others_sessions(browser: Any, tmp_path: Path) -> None:
    """Two browsers (two users) at once: each answers its own session; neither is offered
    the other's unfinished session."""
    with serving(tmp_path) as served:
        first = open_app(browser, served.url)
        second = open_app(browser, served.url)
        start_cauda_equina(first)
        start_cauda_equina(second)
        at_first, at_second = mark(first), mark(second)
        press(first, "y", "n")  # first: two answers
        press(second, "n")  # second: one
        wait_for(first, "perianal", at_first)
        wait_for(second, "micturition", at_second)
        first.reload()
        wait_for(first, "New session")
        second.context.close()
        third = open_app(browser, served.url)  # a third browser: a new user
        wait_for(third, "cauda equina")
        third.wait_for_timeout(1000)
        offered_to_third = "New session" in shown(third)
        users = (served.data_dir / "users").iterdir()
        # The third browser's folder may hold the flow cache, and no journal.
        journals = sorted(len(list(folder.rglob("sessions/*.jsonl"))) for folder in users)
    assert (offered_to_third, [count for count in journals if count]) == (False, [1, 1])


def test_no_request_leaves_the_machine(browser: Any, tmp_path: Path) -> None:
    """With every other address blocked, the page and app load and ask nothing elsewhere."""
    with serving(tmp_path) as served:
        context = browser.new_context()
        outside: list[str] = []

        def block(route: Any) -> None:
            url = route.request.url
            if url.startswith(served.url) or url.startswith("ws://127.0.0.1"):
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", block)
        context.add_init_script(RECORD_OUTPUT)
        page = context.new_page()
        page.goto(served.url)
        wait_for(page, "cauda equina")
        fonts = page.evaluate(
            "() => [...document.fonts].some("
            "f => f.family.includes('Roboto Mono') && f.status === 'loaded')"
        )
        context.close()
    assert (outside, fonts) == ([], True)


def test_f_keys_reach_the_app_and_a_click_gives_keys_back(browser: Any, tmp_path: Path) -> None:
    """In Chromium every F-key (F1-F9) acts in the app, none reloads or leaves the page, the
    footer shows the terminal's keys, and after a click on a blank area y still answers."""
    with serving(tmp_path) as served:
        page = open_app(browser, served.url)
        page.evaluate("() => { window.__same_page = true; }")
        wait_for(page, "cauda equina")
        focus_terminal(page)
        at = mark(page)
        press(page, "F4")
        f4 = wait_for(page, "No unfinished sessions", at) >= 0
        start_cauda_equina(page)
        footer = all(key in shown(page) for key in ("f1 Why?", "f2 Back", "f3 Change"))
        acted = []
        for key, said in [
            ("F1", "Why we ask"),
            ("Escape", FIRST_QUESTION),
            ("F3", "No answer to change yet"),
            ("F6", "Transcript copied"),
            ("F7", FIRST_QUESTION),
        ]:
            at = mark(page)
            press(page, key)
            acted.append(bool(wait_for(page, said, at) >= 0))
        page.mouse.click(500, 300)  # the transcript's blank space
        at = mark(page)
        press(page, "y")
        wait_for(page, "1 question answered", at)
        at = mark(page)
        press(page, "F2")
        acted.append(bool(wait_for(page, FIRST_QUESTION, at) >= 0))
        at = mark(page)
        press(page, "F8")
        acted.append(bool(wait_for(page, "choose a flow", at) >= 0))
        page.keyboard.type("sepsis")  # the flow written in French and English
        at = mark(page)
        press(page, "Enter")
        wait_for(page, "Référence du patient", at)  # asked in the flow's own language
        at = mark(page)
        press(page, "Enter")  # none given
        wait_for(page, "Dysfonction myocardique", at)
        at = mark(page)
        press(page, "F9")
        acted.append(bool(wait_for(page, "Language: English (en)", at) >= 0))
        same_page = page.evaluate("() => window.__same_page === true")
    assert (f4, footer, acted, same_page) == (True, True, [True] * 8, True)


def test_keep_exports_writes_the_download_on_the_server_too(browser: Any, tmp_path: Path) -> None:
    """--keep-exports DIR: F5 downloads the transcript and leaves the same text in DIR."""
    kept = tmp_path / "kept"
    with serving(tmp_path, "--keep-exports", str(kept)) as served:
        page = open_app(browser, served.url)
        start_cauda_equina(page)
        downloads = record_downloads(page)
        at = mark(page)
        press(page, "y", "n", "y")
        wait_for(page, EMERGENCY, at)
        at = mark(page)
        press(page, "F5")
        wait_for(page, "Export the transcript as", at)
        press(page, "Enter")  # the format chosen last (plain text, the first time)
        wait_for(page, "Transcript downloaded", at)
        page.wait_for_timeout(500)
    files = [path.read_text(encoding="utf-8") for path in kept.glob("*.txt")]
    assert (len(files), files == downloads) == (1, True)


def test_one_session_over_the_cap_gets_a_page_that_says_so(browser: Any, tmp_path: Path) -> None:
    """--max-sessions 1: a second browser is told all sessions are in use; once the first
    leaves, it gets one."""
    with serving(tmp_path, "--max-sessions", "1") as served:
        first = open_app(browser, served.url)
        wait_for(first, "cauda equina")
        second = browser.new_context().new_page()
        refused = second.goto(served.url)
        said = second.inner_text("main")
        first.context.close()
        second.wait_for_timeout(1500)
        again = second.goto(served.url)
        second.context.close()
    assert (refused.status, "All 1 sessions are in use" in said, again.status) == (503, True, 200)
