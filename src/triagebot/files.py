"""Moved to :mod:`triagebot.app.files`; kept only for ``flows/flowcache.py``, which the
`model` branch (issue 19) moves into ``triagebot.app``. Remove at that merge."""

from triagebot.app.files import FILE_MODE, data_dir, private_dir

__all__ = ["FILE_MODE", "data_dir", "private_dir"]
