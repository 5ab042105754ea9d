"""The engine: the Python API, a facade over a run plan and the local executor.

``Engine(settings)`` resolves the settings into a :class:`~dedupe.plan.RunPlan` (every
component looked up once, a bad name refused before any work); ``run`` hands the plan to the
local executor (:mod:`dedupe.executors.local`), which runs the steps of :mod:`dedupe.pipeline`
(read -> normalise -> shingle -> signature -> candidates -> score -> decide -> cluster ->
representative -> write). Other executors (``dedupe run --engine dask``) are plugins that run
the same steps; see :mod:`dedupe.executors`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from dedupe.candidates.anchors import AnchorSettings
from dedupe.candidates.lsh import Banding, band_keys, candidates_from_keys
from dedupe.config import Config, make_config
from dedupe.corpus import Corpus
from dedupe.documents import BadRecord
from dedupe.executors import local
from dedupe.executors.local import CHECKPOINT_DIR
from dedupe.learn import learn_plan
from dedupe.normalise import Chain
from dedupe.outdir import guarded
from dedupe.pipeline import memory
from dedupe.pipeline.inputs import Documents, open_documents, open_files
from dedupe.plan import RunPlan, plan_for
from dedupe.plugins import DedupePluginManager, get_plugin_manager
from dedupe.progress import Progress
from dedupe.read import Reader, ReadOptions
from dedupe.registry import Registry
from dedupe.represent import RepresentativePolicy
from dedupe.result import RunResult
from dedupe.score import PairContext, Scorer
from dedupe.shingle import ShingleUnit
from dedupe.signature import MinHasher
from dedupe.store import Prepared
from dedupe.write import Writer, write_outputs

__all__ = ["CHECKPOINT_DIR", "Corpus", "Engine", "make_config"]

BadRecordHandler = Callable[[BadRecord], None]
T = TypeVar("T")


class _View(Generic[T]):
    """A read-only attribute of the engine that is the field of its plan of the same name."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, engine: Engine, owner: type | None = None) -> T:
        value: T = getattr(engine.plan, self.name)
        return value


class Engine:
    """A configured dedup engine.

    >>> engine = Engine(threshold=0.5, scorers=["containment=0.8"])   # doctest: +SKIP
    >>> result = engine.run(["corpus.jsonl"], output_dir="out")       # doctest: +SKIP
    >>> result.clusters[0].representative                              # doctest: +SKIP

    ``engine.plan`` is the run plan; the attributes named after its fields (``chain``,
    ``scorers``, ``banding``...) are views of it. After a run the plan is the one the run
    ran with (its learning normalisers fitted to the input).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        plugin_manager: DedupePluginManager | None = None,
        load_plugins: bool = True,
        **settings: Any,
    ) -> None:
        if config is None:
            config = make_config(**settings)
        elif settings:
            config = config.with_changes(**settings)
        self.config = config
        self.pm = plugin_manager or get_plugin_manager(load_entrypoints=load_plugins)
        self.registry = Registry(self.pm)
        self.plan: RunPlan = plan_for(config, self.registry)

    # -- views of the plan (``engine.unit`` is ``engine.plan.unit``) ---------------------------
    readers: _View[dict[str, Reader]] = _View()
    base_chain: _View[Chain] = _View()
    unit: _View[ShingleUnit] = _View()
    hasher: _View[MinHasher] = _View()
    policy: _View[RepresentativePolicy] = _View()
    read_options: _View[ReadOptions] = _View()
    banding: _View[Banding] = _View()
    anchors: _View[AnchorSettings | None] = _View()
    scorers: _View[tuple[tuple[Scorer, float], ...]] = _View()
    writers: _View[tuple[Writer, ...]] = _View()

    @property
    def chain(self) -> Chain:
        """The chain documents are normalised with (fitted after a run or :meth:`learn`)."""
        return self.plan.chain

    @chain.setter
    def chain(self, chain: Chain) -> None:
        self.plan = self.plan.with_chain(chain)

    @property
    def learned(self) -> dict[str, str]:
        """What each learning normaliser learned (by name)."""
        return dict(self.plan.learned)

    # -- inputs ---------------------------------------------------------------------------------
    def open_files(
        self,
        inputs: Sequence[str | os.PathLike[str]],
        stdin: Any = None,
        output_dir: str | os.PathLike[str] | None = None,
    ) -> Corpus:
        """A corpus over files, directories and ``-`` (JSONL on stdin)."""
        return open_files(self.plan, inputs, stdin=stdin, output_dir=output_dir)

    def open_documents(self, documents: Documents) -> Corpus:
        """A corpus over in-memory documents: plain strings (ids numbered), ``(id, text)``
        pairs or mappings with the configured id and text fields."""
        return open_documents(self.plan, documents)

    # -- running --------------------------------------------------------------------------------
    def run(
        self,
        inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        output_dir: str | os.PathLike[str] | None = None,
        *,
        on_bad: BadRecordHandler | None = None,
        progress: Progress | None = None,
        stdin: Any = None,
        resume: bool = False,
    ) -> RunResult:
        """Deduplicate files; write the outputs into ``output_dir`` when given (``resume``:
        reuse the checkpoints of an interrupted run)."""
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        return self._ran(
            local.run_files(
                self.plan,
                inputs,
                output_dir,
                on_bad=on_bad,
                progress=progress,
                stdin=stdin,
                resume=resume,
            )
        )

    def run_documents(
        self, documents: Documents, output_dir: str | os.PathLike[str] | None = None, **kw: Any
    ) -> RunResult:
        """Deduplicate in-memory documents: strings (ids ``"0"``, ``"1"``... by position),
        ``(id, text)`` pairs or ``{"id":..., "text":...}`` mappings."""
        with guarded([], output_dir, [w.filename for w in self.writers]):
            return self.run_corpus(self.open_documents(documents), output_dir, **kw)

    def run_corpus(
        self,
        corpus: Corpus,
        output_dir: str | os.PathLike[str] | None = None,
        *,
        on_bad: BadRecordHandler | None = None,
        progress: Progress | None = None,
        resume: bool = False,
    ) -> RunResult:
        """The whole pipeline over a corpus (see :func:`dedupe.executors.local.run_corpus`)."""
        return self._ran(
            local.run_corpus(
                self.plan, corpus, output_dir, on_bad=on_bad, progress=progress, resume=resume
            )
        )

    def _ran(self, result: RunResult) -> RunResult:
        self.plan = result.plan
        return result

    def write(self, result: RunResult, directory: Path, started: float | None = None) -> list[Path]:
        """Run every writer into one staged set and swap it into place (:mod:`dedupe.write`);
        ``started``: when the run began (the report's total time)."""
        return write_outputs(
            self.writers, result, Path(directory), fsync=self.config.fsync, started=started
        )

    # -- stages, for incremental and interactive use --------------------------------------------
    def learn(self, corpus: Corpus, progress: Progress | None = None) -> Chain:
        """The chain fitted on a sample of the corpus (``learned`` says what it learned)."""
        fitted = learn_plan(self.plan, corpus, progress)
        self.plan = dataclasses.replace(self.plan, learned=dict(fitted.learned))
        return fitted.chain

    def signatures_of(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Normalise, shingle and sign a batch: (signatures, number of shingles per text)."""
        return memory.signatures_of(self.plan, texts)

    def candidates(
        self, signatures: np.ndarray, skipped: np.ndarray | None = None, rank: Any = None
    ) -> np.ndarray:
        """Candidate pairs (i < j) from LSH banding of the signatures."""
        keys = band_keys(signatures, self.banding)
        return candidates_from_keys(keys, self.config.max_bucket, skipped, rank)

    def pair_context(self, documents: Documents) -> PairContext:
        """A scoring context over in-memory documents, numbered 0, 1... in order."""
        return memory.pair_context(self.plan, documents)

    def prepare(self, documents: Documents) -> Prepared:
        """Everything a run computes for documents, in memory (see :func:`memory.prepare`)."""
        return memory.prepare(self.plan, documents)

    def score(self, a: Prepared, b: Prepared, pairs: np.ndarray) -> dict[str, np.ndarray]:
        """Every scorer's scores for pairs (row of ``a``, row of ``b``), and ``accepted``."""
        return memory.score_prepared(self.plan, a, b, pairs)
