"""Compiled flows kept on disk, so launching a session does not read and check a flow again.

Compiling a flow means PyYAML, building pydantic validators and checking every expression:
most of what ``triagebot FLOW`` spends before its first question. When a session is
launched (``chat``, ``resume``: :func:`launching`), a flow that compiled is kept
under the data folder (``cache/flows``) as JSON: the validated flow and its positions
(:mod:`triagebot.flows.flowdata`), never code, never a pickle. Read back, it is compiled
again without PyYAML or pydantic. ``validate``, ``verify``, ``diff`` and ``replay`` never
read it: they always compile the file.

The cache can make a launch faster, never different:

- An entry is found by the sha256 of the file's text, the file name as given (problem
  positions name it), the language asked for, and the versions of everything that shapes
  the result: triagebot, Python, pydantic, PyYAML and whether libyaml is used, and the
  size and modification time of every module of the core (an edited checkout misses).
- What is read back must be data of that very key, text, name and language, in the form
  this code writes; anything else (damaged, foreign, of another shape) is ignored and the
  flow compiled again, as is a flow whose data no longer compiles.
- A flow that fails to compile is never cached, so every problem is reported every time.
- Entries are read only from an owner-only folder the user owns, and written owner-only,
  atomically: another user cannot put a flow there for this one to run.

Failing to write an entry is silent: the cache is an optimisation, not a record.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.machinery import PathFinder
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from triagebot import __version__
from triagebot.app.files import FILE_MODE, data_dir, private_dir
from triagebot.flows import compiler

if TYPE_CHECKING:
    from triagebot.flows.compiler import CompiledFlow

CACHE_VARIABLE = "TRIAGEBOT_FLOW_CACHE"
"""Set to ``off`` to neither read nor write compiled flows."""

SUFFIX = ".json"

P = ParamSpec("P")
R = TypeVar("R")

CORE = Path(compiler.__file__).resolve().parent
"""The core's folder: its modules shape a compiled flow."""


def cache_dir() -> Path:
    """Where compiled flows are kept (not created here)."""
    return data_dir() / "cache" / "flows"


def enabled() -> bool:
    return os.environ.get(CACHE_VARIABLE, "").strip().lower() != "off"


def use_for_sessions() -> None:
    """Launching a session: read flows from the cache and keep them there (when enabled)."""
    compiler.use_cache(FlowCache() if enabled() else None)


def launching(command: Callable[P, R]) -> Callable[P, R]:
    """A command that launches a session (``chat``, ``resume``): flows are read from the
    cache and kept there while it runs, and the cache is put back as it was after."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        previous = compiler.use_cache(FlowCache() if enabled() else None)
        try:
            return command(*args, **kwargs)
        finally:
            compiler.use_cache(previous)

    return run


@cache
def code_fingerprint() -> str:
    """What the compiled form depends on besides the flow text: versions, and the modules
    that read, check and keep a flow (this one and the core's; size and modification
    time: an upgrade or an edited checkout misses the cache)."""
    pydantic = _package_dir("pydantic")
    pyyaml = _package_dir("yaml")
    parts = [
        __version__,
        sys.version,
        _file_stamp(None if pydantic is None else pydantic / "version.py"),
        _file_stamp(None if pyyaml is None else pyyaml / "__init__.py"),
        f"libyaml: {_has_libyaml(pyyaml)}",
    ]
    modules = [Path(__file__).resolve(), *sorted(CORE.glob("*.py"))]
    parts += [_file_stamp(module) for module in modules]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _package_dir(name: str) -> Path | None:
    """A package's folder, found without importing it (a cached flow needs neither
    pydantic nor PyYAML, ~50 ms)."""
    spec = PathFinder.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _has_libyaml(pyyaml: Path | None) -> bool:
    """Whether PyYAML has its libyaml extension (``yaml/_yaml``), which the loader uses."""
    return pyyaml is not None and any(pyyaml.glob("_yaml.*"))


def _file_stamp(path: Path | None) -> str:
    if path is None or not path.exists():
        return f"{path}: missing"
    info = path.stat()
    return f"{path.name}:{info.st_size}:{info.st_mtime_ns}"


def entry_key(name: str, digest: str, lang: str | None) -> str:
    """Everything an entry is kept for, as one sha256."""
    key = "\n".join((code_fingerprint(), name, lang or "", digest))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def entry_path(name: str, digest: str, lang: str | None) -> Path:
    """The cache file for the text of sha256 ``digest`` read as ``name`` in ``lang`` (None:
    the flow's default).

    Named ``<name hash>-<language>-<key hash>``: entries for the same file and language
    share a prefix, so a new one replaces the old.
    """
    named = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    keyed = entry_key(name, digest, lang)[:32]
    return cache_dir() / f"{named}-{lang or 'default'}-{keyed}{SUFFIX}"


def _trusted(folder: Path) -> bool:
    """An existing folder owned by this user that nobody else can write to."""
    try:
        info = folder.stat()
    except OSError:
        return False
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owned and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class FlowCache:
    """The cache on disk, as the compiler asks for it (:class:`compiler.FlowCache`)."""

    def load(self, name: str, digest: str, lang: str | None) -> CompiledFlow | None:
        """The compiled flow cached for the text of sha256 ``digest`` read as ``name`` in
        ``lang``, or None."""
        return load(name, digest, lang)

    def store(self, name: str, lang: str | None, compiled: CompiledFlow) -> None:
        """Keep ``compiled`` (its file read as ``name``, asked for in ``lang``)."""
        store(name, lang, compiled)


def load(name: str, digest: str, lang: str | None) -> CompiledFlow | None:
    """The compiled flow cached for the text of sha256 ``digest``
    (:func:`~triagebot.flows.compiler.text_digest`) read as ``name`` in ``lang``, or None."""
    if not enabled():
        return None
    path = entry_path(name, digest, lang)
    if not _trusted(path.parent):
        return None
    try:
        with path.open("rb") as stream:
            entry = json.load(stream)
        return _compiled(entry, entry_key(name, digest, lang), name, digest, lang)
    except Exception:  # missing, damaged, of another shape, or no longer compiling
        return None


def _compiled(
    entry: Any, key: str, name: str, digest: str, lang: str | None
) -> CompiledFlow | None:
    from triagebot.flows import flowdata  # noqa: PLC0415 (only when an entry is found)

    language = entry["language"]
    if not (
        entry["format"] == flowdata.FORMAT
        and entry["key"] == key
        and entry["file"] == name
        and entry["sha256"] == digest
        and isinstance(language, str)
        and (lang is None or language == lang)
    ):
        return None
    flow = flowdata.flow_from_data(entry["flow"])
    document = flowdata.document_from_data(entry["document"])
    if document.file != name:
        return None
    return compiler.compile_validated(flow, document, digest, language)


def store(name: str, lang: str | None, compiled: CompiledFlow) -> None:
    """Keep ``compiled`` (its file read as ``name``, asked for in ``lang``) for next time."""
    from triagebot.flows import flowdata  # noqa: PLC0415 (only when a flow was compiled)

    if not enabled():
        return
    path = entry_path(name, compiled.sha256, lang)
    try:
        entry = {
            "format": flowdata.FORMAT,
            "key": entry_key(name, compiled.sha256, lang),
            "file": name,
            "sha256": compiled.sha256,
            "language": compiled.language,
            "flow": flowdata.flow_to_data(compiled.flow),
            "document": flowdata.document_to_data(compiled.document),
        }
        payload = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        private_dir(path.parent)
        if not _trusted(path.parent):
            return
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except Exception:  # an unwritable folder, a value JSON cannot hold: no cache
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
