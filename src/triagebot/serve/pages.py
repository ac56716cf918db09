"""The pages ``triagebot serve`` draws itself: the token form, "all sessions in use", and a
one-line message. Self-contained (no script, no font, no image): nothing leaves the page.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from triagebot.serve.words import ServeWords

STYLE = """
body { background: #0c181f; color: #f0f0f0; font-family: sans-serif; margin: 0; }
main { max-width: 34em; margin: 12vh auto; padding: 2em; background: #12232d; }
h1 { font-size: 1.3em; margin-top: 0; }
label, input, button { display: block; font-size: 1em; margin-top: 0.8em; }
input { width: 100%; box-sizing: border-box; padding: 0.5em; }
button { padding: 0.5em 1.5em; background: #5e0ba7; color: #fff; border: none; }
p.error { color: #ffb4a8; font-weight: bold; }
"""


def _page(said: ServeWords, title: str, body: str, status: int) -> web.Response:
    text = (
        f'<!DOCTYPE html>\n<html lang="{said.language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>\n"
    )
    response = web.Response(text=text, content_type="text/html", status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_in(said: ServeWords, error: str | None = None, status: int = 200) -> web.Response:
    """The token form (posted to ``/login``), with ``error`` over it after a refusal."""
    shown = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f"{shown}<p>{escape(said.sign_in_hint)}</p>"
        '<form method="post" action="/login">'
        f'<label for="token">{escape(said.token_label)}</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" '
        "autofocus required>"
        f'<button type="submit">{escape(said.sign_in_button)}</button></form>'
    )
    return _page(said, said.sign_in_title, body, status)


def full(said: ServeWords, count: int) -> web.Response:
    """Every session is in use (503): come back later, nothing is lost."""
    body = f"<p>{escape(said.full_text.format(count=count))}</p>"
    response = _page(said, said.full_title, body, 503)
    response.headers["Retry-After"] = "60"
    return response


def message(said: ServeWords, text: str, status: int) -> web.Response:
    """One line, under triagebot's name."""
    return _page(said, "triagebot", f"<p>{escape(text)}</p>", status)
