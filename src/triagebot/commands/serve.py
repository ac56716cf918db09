"""``serve [--host H] [--port P] [--flows DIR] ...``: the TUI in a browser, on textual-serve.

The server and its access rules live in :mod:`triagebot.serve`; this module parses the
options, loads (or generates) the token, and runs it. textual-serve and aiohttp are
imported only here, when serving.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from triagebot.app import files
from triagebot.commands.common import CommandError, add_flows_dir, add_lang

_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="serve the TUI to browsers (textual-serve)",
        description="Serve triagebot to web browsers: every browser session is its own "
        "process with its own journal. Binds to 127.0.0.1 unless --host says otherwise; "
        "any other address needs the access token (--token-file or TRIAGEBOT_SERVE_TOKEN; "
        "generated and printed once if absent). See the README's 'Serving in a browser'.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (8000)")
    add_flows_dir(serve)
    add_lang(serve, "the start screen and flows")
    serve.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="the access token, one line (generated into FILE, owner-only, if missing)",
    )
    serve.add_argument(
        "--max-sessions",
        type=_positive,
        default=8,
        metavar="N",
        help="sessions open at once; one more gets a 'try again' page (8)",
    )
    serve.add_argument(
        "--user-header",
        type=_header,
        metavar="NAME",
        help="trust the reverse proxy's header NAME (e.g. X-Remote-User) as the user: "
        "their journals, and the clinician in every transcript; requests without it get 401",
    )
    serve.add_argument(
        "--public-url",
        type=_public_url,
        metavar="URL",
        help="the address browsers use, behind a reverse proxy (e.g. https://triage.example)",
    )
    serve.add_argument(
        "--keep-exports",
        type=Path,
        metavar="DIR",
        help="also write every export into DIR on the server (default: downloads only)",
    )
    serve.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where users' journals live (default: the data folder's 'serve' folder)",
    )
    serve.set_defaults(handler=serve_browsers)


def serve_browsers(args: argparse.Namespace) -> int:
    from triagebot.serve.access import AccessError, load_secret  # noqa: PLC0415 (aiohttp)
    from triagebot.serve.server import Options, TriageServer  # noqa: PLC0415

    serve_dir = (args.data_dir or files.data_dir() / "serve").expanduser().resolve()
    try:
        files.private_dir(serve_dir)
        secret = load_secret(args.host, args.token_file, serve_dir)
    except (AccessError, files.WriteError) as error:
        raise CommandError(str(error)) from None
    options = Options(
        host=args.host,
        port=args.port,
        serve_dir=serve_dir,
        flows=[folder.resolve() for folder in args.flows],
        lang=args.lang,
        max_sessions=args.max_sessions,
        user_header=args.user_header,
        public_url=args.public_url,
        keep_exports=None if args.keep_exports is None else args.keep_exports.resolve(),
    )
    if secret.announcement:
        print(secret.announcement, flush=True)
    try:
        TriageServer(options, secret).run()
    except OSError as error:  # the port taken, the address not this machine's
        reason = error.strerror or str(error)
        raise CommandError(f"cannot serve on {args.host}:{args.port}: {reason}") from None
    return 0


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port (1-65535)")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return value


def _public_url(text: str) -> str:
    if not re.match(r"^https?://[^/\s]+/?$", text):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an address such as https://triage.example (no path)"
        )
    return text.rstrip("/")


def _header(text: str) -> str:
    if not _HEADER_NAME.match(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not an HTTP header name")
    return text
