"""The application layer every front end shares (TUI, plain, CLI): it owns all I/O.

Front ends import it; it imports the pure core (`triagebot.flows`); nothing imports upward.
See ../shared/design.md, "The shape (version 2)".
"""
