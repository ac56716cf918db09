"""The compiled-flow cache: a second launch reads it back, it never changes what loads, and
only launching a session uses it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from triagebot.app import flowcache, library
from triagebot.flows import compiler
from triagebot.flows.compiler import (
    CompiledFlow,
    compile_text,
    load_flow,
    text_digest,
    with_language,
)
from triagebot.flows.documents import FlowError
from triagebot.flows.driving import drive

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def launching() -> Iterator[None]:
    """Each test loads flows as launching a session does (with the cache), then stops."""
    flowcache.use_for_sessions()
    yield
    compiler.use_cache(None)


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """A copy of the minimal test flow, free to edit."""
    path = tmp_path / "minimal.yaml"
    shutil.copy(DATA / "engine" / "minimal.yaml", path)
    return path


@pytest.fixture
def no_compiling(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every flow compiled from text (a cache hit compiles none)."""
    compiled: list[str] = []
    original = compiler.compile_text

    def counted(text: str, name: str, lang: str | None = None) -> CompiledFlow:
        compiled.append(name)
        return original(text, name, lang)

    monkeypatch.setattr(compiler, "compile_text", counted)
    return compiled


def same_flow(left: CompiledFlow, right: CompiledFlow) -> bool:
    """Everything a session, a verifier or an export reads off a compiled flow."""
    return (
        left.flow == right.flow
        and left.file == right.file
        and left.sha256 == right.sha256
        and left.language == right.language
        and left.types == right.types
        and left.routes == right.routes
        and left.computed == right.computed
        and left.items == right.items
        and left.invariants == right.invariants
        and left.nodes == right.nodes
        and left.group_of == right.group_of
        and left.document.positions == right.document.positions
        and left.document.key_positions == right.document.key_positions
    )


def entries() -> list[Path]:
    return sorted(flowcache.cache_dir().glob(f"*{flowcache.SUFFIX}"))


def test_a_second_load_reads_the_cache_and_equals_a_fresh_compile(
    flow_file: Path, no_compiling: list[str]
) -> None:
    """The first load compiles and keeps it; the second compiles nothing and is identical."""
    first = load_flow(flow_file)
    second = load_flow(flow_file)
    fresh = compile_text(flow_file.read_text(), str(flow_file))
    assert (no_compiling, same_flow(second, fresh), second is first) == (
        [str(flow_file)],
        True,
        False,
    )


def test_every_bundled_flow_reads_back_identical_in_every_language() -> None:
    """Each bundled flow, in each of its languages, from the cache equals its compile."""
    differing = []
    for path in library.flow_files([library.bundled_dir()]):
        for lang in load_flow(path).languages:
            load_flow(path, lang)  # fills the cache
            cached = flowcache.load(str(path), text_digest(path.read_text()), lang)
            fresh = compile_text(path.read_text(), str(path), lang)
            if cached is None or not same_flow(cached, fresh):
                differing.append(f"{path.stem}/{lang}")
    assert differing == []


def test_a_session_on_a_cached_flow_reaches_the_same_outcome() -> None:
    """cauda-equina read back from the cache routes as compiled: same outcome, same path."""
    fresh = library.resolve("cauda-equina")
    cached = library.resolve("cauda-equina")
    answers = {node_id: "yes" for node_id, _ in fresh.questions()}
    runs = [drive(flow, answers) for flow in (fresh, cached)]
    seen = [(run.current, [step.node for step in run.steps]) for run in runs]
    assert (cached is not fresh, seen[0]) == (True, seen[1])


def test_an_edited_file_is_compiled_again_and_replaces_its_entry(
    flow_file: Path, no_compiling: list[str]
) -> None:
    """Changing the text misses the cache: the edit shows, and one entry is left."""
    load_flow(flow_file)
    flow_file.write_text(flow_file.read_text().replace("Pain?", "Any pain?"))
    edited = load_flow(flow_file)
    again = load_flow(flow_file)
    assert (edited.node("pain").prompt, again.node("pain").prompt, len(no_compiling)) == (
        "Any pain?",
        "Any pain?",
        2,
    )
    assert len(entries()) == 1


def test_the_same_text_under_another_name_is_its_own_entry(flow_file: Path, tmp_path: Path) -> None:
    """Problem positions name the file, so a copy elsewhere is not read from the original."""
    copy = tmp_path / "copy.yaml"
    shutil.copy(flow_file, copy)
    load_flow(flow_file)
    assert load_flow(copy).file == str(copy)


def test_a_damaged_entry_is_ignored(flow_file: Path, no_compiling: list[str]) -> None:
    """Garbage where an entry should be: the flow compiles again, correctly."""
    load_flow(flow_file)
    [entry] = entries()
    entry.write_bytes(b"not json")
    loaded = load_flow(flow_file)
    assert (len(no_compiling), loaded.node("pain").prompt) == (2, "Pain?")


def test_an_entry_for_other_text_is_ignored(flow_file: Path, no_compiling: list[str]) -> None:
    """An entry that holds another flow (a copied cache, a hash clash) is never used."""
    load_flow(flow_file)
    [entry] = entries()
    load_flow(library.bundled_dir() / "cauda-equina.yaml")
    other = next(path for path in entries() if path != entry)
    entry.write_bytes(other.read_bytes())
    loaded = load_flow(flow_file)
    assert (loaded.id, len(no_compiling)) == ("minimal", 3)


def test_other_code_misses_the_cache(
    flow_file: Path, no_compiling: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another triagebot, pydantic or Python (another fingerprint) compiles again."""
    load_flow(flow_file)
    monkeypatch.setattr(flowcache, "code_fingerprint", lambda: "other code")
    load_flow(flow_file)
    assert len(no_compiling) == 2


def test_the_fingerprint_follows_the_modules() -> None:
    """Touching a module of the core changes the fingerprint (an edited checkout misses)."""
    before = flowcache.code_fingerprint()
    module = Path(flowcache.__file__)
    stat = module.stat()
    try:
        import os  # noqa: PLC0415

        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        flowcache.code_fingerprint.cache_clear()
        after = flowcache.code_fingerprint()
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        flowcache.code_fingerprint.cache_clear()
    assert before != after


def test_a_folder_others_can_write_to_is_not_read(flow_file: Path, no_compiling: list[str]) -> None:
    """Another user could plant a flow: entries in a group-writable folder are not trusted."""
    load_flow(flow_file)
    flowcache.cache_dir().chmod(0o770)
    load_flow(flow_file)
    assert len(no_compiling) == 2


def test_a_flow_that_fails_is_not_cached(tmp_path: Path) -> None:
    """Every load of a broken flow reports its problems: nothing is kept."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nstart: nowhere\n")
    for _ in range(2):
        with pytest.raises(FlowError):
            load_flow(broken)
    assert entries() == []


def test_the_cache_can_be_turned_off(
    flow_file: Path, no_compiling: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRIAGEBOT_FLOW_CACHE=off: nothing written, every load compiles."""
    monkeypatch.setenv(flowcache.CACHE_VARIABLE, "off")
    flowcache.use_for_sessions()
    load_flow(flow_file)
    load_flow(flow_file)
    assert (len(no_compiling), entries()) == (2, [])


def test_an_unwritable_folder_still_loads(
    flow_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data folder that cannot hold the cache (a file in its place) costs only speed."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(blocked))
    assert load_flow(flow_file).node("pain").prompt == "Pain?"


def test_another_language_is_read_from_the_cache_too(no_compiling: list[str]) -> None:
    """with_language on a cached flow reads the other language's entry, once kept."""
    path = library.bundled_dir() / "septic-cardiomyopathy.yaml"
    first = load_flow(path)
    with_language(first, "en")  # compiles English and keeps it
    compiled_before = list(no_compiling)
    english = with_language(load_flow(path), "en")
    fresh = compile_text(path.read_text(), str(path), "en")
    assert (no_compiling == compiled_before, same_flow(english, fresh)) == (True, True)


def test_loading_outside_a_session_launch_neither_reads_nor_writes_the_cache(
    flow_file: Path, no_compiling: list[str]
) -> None:
    """validate, verify, diff and replay load with no cache: each load compiles, none is kept."""
    compiler.use_cache(None)
    load_flow(flow_file)
    load_flow(flow_file)
    assert (len(no_compiling), entries()) == (2, [])


def test_an_entry_whose_data_is_changed_to_another_shape_is_ignored(
    flow_file: Path, no_compiling: list[str]
) -> None:
    """An entry edited so that a field has the wrong type is refused, and the file compiled."""
    load_flow(flow_file)
    [entry] = entries()
    entry.write_text(entry.read_text().replace('"allow_unsure": true', '"allow_unsure": "yes"'))
    loaded = load_flow(flow_file)
    assert (len(no_compiling), loaded.node("pain").prompt) == (2, "Pain?")


def test_a_launching_command_uses_the_cache_only_while_it_runs(
    flow_file: Path, no_compiling: list[str]
) -> None:
    """Inside a launching command the second load is cached; after it, loads compile again."""
    compiler.use_cache(None)
    launched = flowcache.launching(lambda: [load_flow(flow_file), load_flow(flow_file)])
    launched()
    load_flow(flow_file)
    assert len(no_compiling) == 2
