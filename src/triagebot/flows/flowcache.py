"""Compiled flows kept on disk, so opening a flow does not read and check it again.

Compiling a flow means PyYAML, building pydantic validators and checking every expression:
most of what ``triagebot FLOW`` spends before its first question. A flow that compiled is
pickled under the data folder (``cache/flows``) and read back the next time the same text
is opened under the same name, in the same language, by the same code.

The cache can make a load faster, never different:

- An entry is found by the sha256 of the file's text, the file name as given (problem
  positions name it), the language asked for, and a fingerprint of the code: triagebot's,
  Python's versions and the size and modification time of pydantic's ``version.py`` and
  of every module of this package. Editing the flow or the code misses the cache.
- What is read back must be a compiled flow of that very text, name and language; anything
  else (a damaged, foreign or unreadable entry) is ignored and the flow compiled again.
- A flow that fails to compile is never cached, so every problem is reported every time.
- Entries are read only from an owner-only folder the user owns (pickle runs code when it
  loads: nobody else may be able to write there); files are written owner-only, atomically.

Failing to write an entry is silent: the cache is an optimisation, not a record.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from functools import cache
from importlib.machinery import PathFinder
from pathlib import Path
from typing import TYPE_CHECKING

from triagebot import __version__
from triagebot.files import FILE_MODE, data_dir, private_dir

if TYPE_CHECKING:
    from triagebot.flows.compiler import CompiledFlow

CACHE_VARIABLE = "TRIAGEBOT_FLOW_CACHE"
"""Set to ``off`` to neither read nor write compiled flows."""

SUFFIX = ".pickle"


def cache_dir() -> Path:
    """Where compiled flows are kept (not created here)."""
    return data_dir() / "cache" / "flows"


def enabled() -> bool:
    return os.environ.get(CACHE_VARIABLE, "").strip().lower() != "off"


@cache
def code_fingerprint() -> str:
    """What the compiled form depends on besides the flow text: versions and this package's
    modules (size and modification time: an edited checkout misses the cache)."""
    package = Path(__file__).resolve().parent
    parts = [__version__, sys.version, _file_stamp(_pydantic_version_file())]
    parts += [_file_stamp(module) for module in sorted(package.glob("*.py"))]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _pydantic_version_file() -> Path | None:
    """pydantic's ``version.py``, found without importing pydantic: a cached flow does not
    need it (~15 ms), and an upgrade rewrites the file."""
    spec = PathFinder.find_spec("pydantic")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)), "version.py")


def _file_stamp(path: Path | None) -> str:
    if path is None or not path.exists():
        return f"{path}: missing"
    info = path.stat()
    return f"{path.name}:{info.st_size}:{info.st_mtime_ns}"


def text_digest(text: str) -> str:
    """The sha256 a compiled flow records for its text (``CompiledFlow.sha256``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_path(name: str, digest: str, lang: str | None) -> Path:
    """The cache file for the text of sha256 ``digest`` read as ``name`` in ``lang`` (None:
    the flow's default).

    Named ``<name hash>-<language>-<key hash>``: entries for the same file and language
    share a prefix, so a new one replaces the old.
    """
    key = "\n".join((code_fingerprint(), name, lang or "", digest))
    named = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    keyed = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return cache_dir() / f"{named}-{lang or 'default'}-{keyed}{SUFFIX}"


def _trusted(folder: Path) -> bool:
    """An existing folder owned by this user that nobody else can write to."""
    try:
        info = folder.stat()
    except OSError:
        return False
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owned and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(name: str, digest: str, lang: str | None) -> CompiledFlow | None:
    """The compiled flow cached for the text of sha256 ``digest`` (:func:`text_digest`) read
    as ``name`` in ``lang``, or None."""
    from triagebot.flows.compiler import CompiledFlow  # noqa: PLC0415 (import cycle)

    if not enabled():
        return None
    path = entry_path(name, digest, lang)
    if not _trusted(path.parent):
        return None
    try:
        with path.open("rb") as stream:
            found = pickle.load(stream)
    except Exception:  # missing, damaged or written by other code: compile instead
        return None
    if not (
        isinstance(found, CompiledFlow)
        and found.file == name
        and found.sha256 == digest
        and (lang is None or found.language == lang)
    ):
        return None
    return found


def store(name: str, lang: str | None, compiled: CompiledFlow) -> None:
    """Keep ``compiled`` (its file read as ``name``, asked for in ``lang``) for next time."""
    if not enabled():
        return
    path = entry_path(name, compiled.sha256, lang)
    kept = compiled
    try:
        private_dir(path.parent)
        if not _trusted(path.parent):
            return
        payload = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except Exception:  # an unwritable folder, an unpicklable flow: no cache
        return
    try:
        with os.fdopen(descriptor, "wb") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            stream.write(payload)
        os.replace(temporary, path)
    except OSError:
        return
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _drop_older(path)


def _drop_older(kept: Path) -> None:
    """Remove the entries this one replaces: same file and language, another key."""
    prefix = kept.name.rsplit("-", 1)[0] + "-"
    for other in kept.parent.glob(f"{prefix}*{SUFFIX}"):
        if other != kept:
            with contextlib.suppress(OSError):
                other.unlink()
