"""The verifier's default budget, in a module light enough for the command line to read
without loading the verifier (``triagebot verify --help`` shows them)."""

DEFAULT_PATH_LIMIT = 500_000
"""A walk stops (and says so) after this many complete answer paths."""

DEFAULT_SECONDS = 30.0
"""A walk stops (and says so) after this long: with loading, under a minute a flow; the
caches it keeps stay far under 1 GB (``explore.MAX_SUMMARIES``, ``rounds.MAX_CONTEXTS``)."""
