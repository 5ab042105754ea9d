"""One test per hook of dedupe.hookspecs: a third-party plugin implementing only that hook
contributes a component, and a run (or the command line) uses it.

``HOOK_TESTS`` maps every hook name to its test; ``tests/test_docs.py`` fails when a hook is
added to ``dedupe/hookspecs.py`` without one here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import numpy as np
from click.testing import CliRunner

from dedupe import (
    BadRecord,
    Normaliser,
    Reader,
    ReadOptions,
    Record,
    RepresentativePolicy,
    RunResult,
    Scorer,
    ShingleUnit,
    Source,
    Writer,
    hookimpl,
)
from dedupe.executors import Executor, Job, RunSummary
from dedupe.index import StorageBackend
from dedupe.kernels import reference
from dedupe.testing import TINY_CORPUS, isolated_engine

COPIES = [("a", "one two three four five six seven"), ("b", "one two three four five six seven")]


class ReaderPlugin:
    """Reads ``.lines`` files: one document per non-empty line."""

    __name__ = "lines-reader"

    @staticmethod
    @hookimpl
    def register_readers(register: Callable[[Reader], None]) -> None:
        def read(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
            with open(source.path, encoding="utf-8") as f:
                for n, line in enumerate(f, start=1):
                    if line.strip():
                        yield Record(f"{source.id}:{n}", line.strip(), source.label, n)

        # (the built-in "lines" reader has no suffix: this one claims .lines files)
        register(Reader("stripped-lines", read, (".lines",), "one document per line"))


def test_hook_register_readers(tmp_path: Path) -> None:
    (tmp_path / "corpus.lines").write_text(
        "the same line of text repeated here\nother words entirely\n"
        "the same line of text repeated here\n",
        "utf-8",
    )
    result = isolated_engine(ReaderPlugin()).run([tmp_path / "corpus.lines"])
    assert result.counts["documents_read"] == 3
    assert [len(c.members) for c in result.clusters] == [2]


class NormaliserPlugin:
    """Folds every digit to 0, so documents that differ only in numbers are copies."""

    __name__ = "digits-normaliser"

    @staticmethod
    @hookimpl
    def register_normalisers(register: Callable[[Normaliser], None]) -> None:
        register(Normaliser("digits", lambda t: "".join("0" if c.isdigit() else c for c in t)))


def test_hook_register_normalisers() -> None:
    docs = [
        ("a", "Order 1234 shipped on day 5 to gate 7"),
        ("b", "Order 9876 shipped on day 2 to gate 3"),
    ]
    assert not isolated_engine(NormaliserPlugin()).run_documents(docs).clusters
    # containment alone: the default figures veto reads the figures as written, not normalised
    engine = isolated_engine(
        NormaliserPlugin(), normalise="digits,casefold,whitespace", scorers=["containment"]
    )
    assert len(engine.run_documents(docs).clusters) == 1


class ShingleUnitPlugin:
    """Shingles are single words whatever ``-n`` says: a bag-of-words view of the text."""

    __name__ = "bag-unit"

    @staticmethod
    @hookimpl
    def register_shingle_units(register: Callable[[ShingleUnit], None]) -> None:
        register(
            ShingleUnit(
                "bag",
                lambda texts, n: reference.word_hashes(texts, 1),
                lambda text, n: reference.word_shingles(text, 1),
                "single words",
            )
        )


def test_hook_register_shingle_units() -> None:
    docs = [
        ("a", "alpha beta gamma delta epsilon zeta"),
        ("b", "zeta epsilon delta gamma beta alpha"),
    ]
    assert not isolated_engine(ShingleUnitPlugin()).run_documents(docs).clusters
    engine = isolated_engine(ShingleUnitPlugin(), unit="bag", containment_sampling=1)
    assert len(engine.run_documents(docs).clusters) == 1


class ScorerPlugin:
    """Refuses every pair: a veto scorer."""

    __name__ = "veto-scorer"

    @staticmethod
    @hookimpl
    def register_scorers(register: Callable[[Scorer], None]) -> None:
        register(Scorer("veto", lambda pairs, ctx: np.zeros(len(pairs)), 0.5))


def test_hook_register_scorers() -> None:
    assert len(isolated_engine(ScorerPlugin()).run_documents(COPIES).clusters) == 1
    engine = isolated_engine(ScorerPlugin(), scorers=["containment", "veto"])
    result = engine.run_documents(COPIES)
    assert not result.clusters and result.counts["candidate_pairs"] == 1


class PolicyPlugin:
    """Keeps the member read last."""

    __name__ = "last-policy"

    @staticmethod
    @hookimpl
    def register_representative_policies(
        register: Callable[[RepresentativePolicy], None],
    ) -> None:
        register(RepresentativePolicy("last", lambda view: int(view.members.max()), "read last"))


def test_hook_register_representative_policies() -> None:
    engine = isolated_engine(PolicyPlugin(), representative="last")
    (cluster,) = engine.run_documents(COPIES).clusters
    assert cluster.representative == "b"


class WriterPlugin:
    """Writes the ids of the documents kept, one per line."""

    __name__ = "ids-writer"

    @staticmethod
    @hookimpl
    def register_writers(register: Callable[[Writer], None]) -> None:
        def write(result: RunResult, path: Path) -> None:
            with open(path, "w", encoding="utf-8") as f:
                for record in result.kept_records():
                    f.write(record.id + "\n")

        register(Writer("ids", "kept-ids.txt", write, "kept ids"))


def test_hook_register_writers(tmp_path: Path) -> None:
    engine = isolated_engine(WriterPlugin(), writers=["ids", "report"])
    engine.run_documents(list(TINY_CORPUS), tmp_path / "out")
    kept = (tmp_path / "out" / "kept-ids.txt").read_text("utf-8").split()
    assert "flood-original" in kept and "flood-repost" not in kept
    assert json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))["counts"]


class StoragePlugin:
    """Stores indexes in SQLite files named by ``tmpfile://PATH`` locations."""

    __name__ = "tmpfile-storage"

    @staticmethod
    @hookimpl
    def register_storage_backends(register: Callable[[StorageBackend], None]) -> None:
        from dedupe.index.sqlite import SQLiteStorage

        def open_file(location: str, read_only: bool, options: dict) -> SQLiteStorage:
            return SQLiteStorage(location.removeprefix("tmpfile://"), read_only=read_only)

        register(StorageBackend("tmpfile", open_file, "SQLite by URL", ("tmpfile",)))


def test_hook_register_storage_backends(tmp_path: Path) -> None:
    from dedupe.index import Index
    from dedupe.plugins import PluginInfo, get_plugin_manager

    pm = get_plugin_manager(load_entrypoints=False)
    pm.add(StoragePlugin(), PluginInfo("tmpfile-storage"))
    location = f"tmpfile://{tmp_path / 'plugin.db'}"
    with Index.create(location, plugin_manager=pm) as index:
        first, second = index.add(COPIES)
    assert (tmp_path / "plugin.db").exists()
    assert (first.duplicates, [m.id for m in second.duplicates]) == ([], ["a"])
    with Index.open(location, plugin_manager=pm, read_only=True) as index:
        assert [m.id for m in index.query([("c", COPIES[0][1])])[0].duplicates] == ["a", "b"]


class CommandPlugin:
    """Adds ``dedupe hello-hooks``."""

    __name__ = "hello-command"

    @staticmethod
    @hookimpl
    def register_commands(cli: click.Group) -> None:
        @cli.command(name="hello-hooks")
        def hello() -> None:
            click.echo("hello from a plugin command")


def test_hook_register_commands() -> None:
    @click.group()
    def cli() -> None:
        """A fresh group, so the real one is not changed."""

    from dedupe.plugins import PluginInfo, get_plugin_manager

    pm = get_plugin_manager(load_entrypoints=False)
    pm.add(CommandPlugin(), PluginInfo("hello-command"))
    pm.hook.register_commands(cli=cli)
    result = CliRunner().invoke(cli, ["hello-hooks"])
    assert result.exit_code == 0 and result.output == "hello from a plugin command\n"


class ExecutorPlugin:
    """An executor that runs the local executor's steps in reverse input order (an executor
    groups the work its own way; the outputs do not change)."""

    __name__ = "reverse-executor"

    @staticmethod
    @hookimpl
    def register_executors(register: Callable[[Executor], None]) -> None:
        def run(job: Job) -> RunSummary:
            from dedupe.executors.local import run_files

            ran.append(job.options.get("order"))
            inputs = sorted(job.inputs, reverse=True)
            return run_files(job.plan, inputs, job.output_dir, on_bad=job.on_bad)

        register(Executor("reverse", run, "the local steps, inputs listed backwards", ("order",)))


ran: list[object] = []


def test_hook_register_executors(tmp_path: Path) -> None:
    from dedupe.testing import check_executor

    engine = isolated_engine(ExecutorPlugin(), writers=("clusters", "pairs", "dropped", "report"))
    executor = engine.registry.get("executor", "reverse")
    for k, (doc_id, text) in enumerate(COPIES):
        (tmp_path / f"{k}.jsonl").write_text(json.dumps({"id": doc_id, "text": text}) + "\n")
    inputs = [str(tmp_path / "0.jsonl"), str(tmp_path / "1.jsonl")]
    summary = executor.run(Job(engine.plan, inputs, str(tmp_path / "out"), options={"order": 1}))
    assert ran == [1] and summary.counts["clusters"] == 1
    check_executor(executor, folder=tmp_path, options={"order": 2})
    assert ran[-1] == 2


#: hook name -> the test above that exercises it (checked against dedupe.hookspecs).
HOOK_TESTS: dict[str, Callable[..., None]] = {
    "register_readers": test_hook_register_readers,
    "register_normalisers": test_hook_register_normalisers,
    "register_shingle_units": test_hook_register_shingle_units,
    "register_scorers": test_hook_register_scorers,
    "register_representative_policies": test_hook_register_representative_policies,
    "register_writers": test_hook_register_writers,
    "register_storage_backends": test_hook_register_storage_backends,
    "register_commands": test_hook_register_commands,
    "register_executors": test_hook_register_executors,
}


def test_register_hooks_are_called_through_pluggy(tmp_path: Path) -> None:
    """The registry calls each register hook through pluggy, once: a plugin's hook wrapper
    sees the call (and can act around it), and pluggy's call monitoring traces it."""
    seen: list[str] = []

    class Wrapper:
        __name__ = "wrapping-plugin"

        @staticmethod
        @hookimpl(wrapper=True)
        def register_scorers(register: Callable[[Scorer], None]):  # type: ignore[no-untyped-def]
            seen.append("before")
            result = yield
            register(Scorer("wrapped", lambda pairs, ctx: np.ones(len(pairs)), 0.5))
            seen.append("after")
            return result

    from dedupe.plugins import PluginInfo, get_plugin_manager
    from dedupe.registry import Registry

    pm = get_plugin_manager(load_entrypoints=False)
    pm.add(Wrapper(), PluginInfo("wrapping-plugin"))
    calls: list[str] = []
    undo = pm.add_hookcall_monitoring(
        lambda name, impls, kwargs: calls.append(name), lambda outcome, name, impls, kwargs: None
    )
    registry = Registry(pm)
    undo()
    assert seen == ["before", "after"]
    assert registry.entries("scorer")["wrapped"].plugin == "wrapping-plugin"
    assert registry.entries("scorer")["containment"].plugin == "dedupe.default_plugins.scorers"
    assert calls.count("register_scorers") == 1 and "register_executors" in calls
