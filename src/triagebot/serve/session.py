"""One browser session: the TUI on Textual's web driver, run by ``triagebot serve`` in a
process of its own per websocket (``python -m triagebot.serve.session``).

The web driver is chosen here, explicitly: the session never infers it from stdin (which
is textual-serve's pipe, not a terminal) nor from the environment. The server sets the
data folder to the user's own (their journals), and the clinician the reverse proxy
named (:data:`~triagebot.app.conversation.CLINICIAN_VARIABLE`), before this starts.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from triagebot import startup
from triagebot.app import flowcache

KEEP_EXPORTS_VARIABLE = "TRIAGEBOT_SERVE_KEEP_EXPORTS"
"""Where exports are also written on the server (``--keep-exports``); unset: nowhere."""


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="triagebot-serve-session")
    parser.add_argument("--flows", type=Path, action="append", default=[])
    parser.add_argument("--lang", default=None)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the TUI on the web driver until the browser leaves (textual-serve's quit)."""
    return run(parse(sys.argv[1:] if argv is None else argv))


@flowcache.launching
def run(args: argparse.Namespace) -> int:
    """As ``triagebot chat`` runs the TUI (flows from the cache, the collector paused while
    Textual is imported, until the TUI is drawn), on the web driver."""
    startup.pause_collector()
    from textual.drivers.web_driver import WebDriver  # noqa: PLC0415 (slow: after parsing)

    from triagebot.tui.app import TriageApp  # noqa: PLC0415

    keep = os.environ.get(KEEP_EXPORTS_VARIABLE)
    app = TriageApp(
        None,
        args.flows,
        lang=args.lang,
        export_dir=Path(keep) if keep else None,
        ask_patient=True,  # as in the terminal: an optional patient reference first
    )
    app.driver_class = WebDriver
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
