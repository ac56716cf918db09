"""The Textual front end: ``app.TriageApp`` is the app the CLI runs and the tests drive.

Nothing here is imported by the CLI until a TUI is actually opened, so ``list``,
``validate`` and ``run`` never pay for importing textual.
"""
