"""``triagebot serve``: the TUI in a browser, on textual-serve, behind a token, one
process and one journal folder per user (see the README's "Serving in a browser")."""
