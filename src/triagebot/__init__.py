"""triagebot: guided clinical triage, one question at a time."""

__version__ = "0.1.0"
