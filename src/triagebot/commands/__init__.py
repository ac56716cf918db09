"""The subcommands. Each module has ``register(subparsers)``, which sets ``handler`` on
its parser(s); a handler takes the parsed arguments and returns an exit code."""

from __future__ import annotations

from triagebot.commands import (
    chat,
    core,
    safety,
    scenario_tests,
    serve,
    transcripts,
    verify,
)
from triagebot.commands.common import CommandError

COMMAND_MODULES = [core, chat, verify, scenario_tests, safety, transcripts, serve]
"""Registered in help order (a bare ``triagebot`` runs ``chat``: see cli.with_default_command)."""

__all__ = ["COMMAND_MODULES", "CommandError"]
