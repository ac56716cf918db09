"""The Textual front end: ``make_app`` builds the app the CLI runs and the tests drive.

Nothing here is imported by the CLI until a TUI is actually opened, so ``list``,
``validate`` and ``run`` never pay for importing textual.
"""
