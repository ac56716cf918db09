"""``python -m triagebot``."""

from triagebot.cli import entry_point

entry_point()
