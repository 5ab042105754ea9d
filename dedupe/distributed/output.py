"""Outputs of a distributed run: shards written by the workers, single files by the client.

Every output a writer makes of one part of the result (:attr:`dedupe.write.Writer.shards`) is
written by that writer on the workers, one shard per partition, into a folder named after the
writer in the staging folder of the output directory (which must be on a filesystem every
worker and the client share): ``clusters/``, ``pairs/`` and ``dropped/`` hold one
``part-NNNNN.jsonl`` per sorted partition, ``kept/`` one per input chunk. Shards are in output
order, so the client joins them into the writer's file (the bytes a local run writes) unless
the writer keeps them apart (``kept``). Summary writers (``report.json``) and writers that
need the whole result run on the client. The staging folder is one output set
(:class:`dedupe.atomic.OutputSet`): every file and shard folder is swapped in together.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from dedupe.atomic import OutputSet
from dedupe.distributed.spec import PlanSpec, worker_plan
from dedupe.errors import OutputError
from dedupe.parts import cluster_result, pair_result
from dedupe.write import Writer

SHARD = "part-{:05d}"


def write_cluster_shards(
    part: pd.DataFrame, first_number: int, spec: PlanSpec, shards: dict[str, str]
) -> tuple[int, int]:
    """Number a sorted partition of clusters from ``first_number`` and write it with every
    writer made of clusters (writer name -> shard path); returns (clusters, members)."""
    plan, _ = worker_plan(spec)
    clusters = list(part["cluster"])
    for k, cluster in enumerate(clusters):
        cluster.number = first_number + k
    result = cluster_result(plan.config, clusters)
    for writer in plan.writers:
        if writer.name in shards:
            writer.write(result, Path(shards[writer.name]))
    return len(clusters), len(result.ids)


def write_pair_shards(part: pd.DataFrame, spec: PlanSpec, shards: dict[str, str]) -> int:
    """Write a sorted partition of accepted pairs with every writer made of pairs."""
    plan, _ = worker_plan(spec)
    scores = {
        s.name: part[f"s{k}"].to_numpy(dtype="float64") for k, (s, _) in enumerate(plan.scorers)
    }
    result = pair_result(
        plan.config,
        part["id_a"].tolist(),
        part["id_b"].tolist(),
        scores,
        part["via"].to_numpy(),
        part[["shared", "size_a", "size_b"]].to_numpy(dtype="int64"),
    )
    for writer in plan.writers:
        if writer.name in shards:
            writer.write(result, Path(shards[writer.name]))
    return len(part)


class ShardedOutput:
    """Shard folders and files of a distributed run, staged in one output set (a fresh
    folder in the output directory) and swapped into place whole (:mod:`dedupe.atomic`)."""

    def __init__(self, directory: Path, writers: tuple[Writer, ...]) -> None:
        self.directory = Path(directory)
        self.sharded = [w for w in writers if w.shards is not None and not w.summary]
        self.outputs = OutputSet(self.directory)
        self.staging = self.outputs.staging
        for writer in self.sharded:
            self.outputs.folder(writer.name)

    def shards(self, part: str, number: int) -> dict[str, str]:
        """Writer name -> path of shard ``number`` for every writer made of ``part``."""
        return {
            w.name: str(self.staging / w.name / (SHARD.format(number) + _suffix(w)))
            for w in self.sharded
            if w.shards == part
        }

    def join(self) -> None:
        """Each sharded writer's file, made of its shards in order (``join`` writers)."""
        for writer in self.sharded:
            if not writer.join:
                continue
            with open(self.outputs.path(writer.filename), "wb") as out:
                for part in sorted((self.staging / writer.name).glob("part-*")):
                    with open(part, "rb") as f:
                        shutil.copyfileobj(f, out)

    def temp_path(self, filename: str) -> Path:
        return self.outputs.path(filename)

    def commit(self) -> list[Path]:
        """Swap the shard folders and the files in (a folder of the same name that is not
        one of dedupe's shard folders is refused, not replaced)."""
        for writer in self.sharded:
            final = self.directory / writer.name
            if final.is_symlink() or not final.exists():
                continue
            if not final.is_dir():
                raise OutputError(
                    f"{final} is in the way of the {writer.name} shards (it is a file)"
                )
            if [p for p in final.iterdir() if not p.name.startswith("part-")]:
                raise OutputError(
                    f"{final} is in the way of the {writer.name} shards "
                    "(it holds files that are not shards of an earlier run)"
                )
        return self.outputs.commit()

    def abort(self) -> None:
        self.outputs.abort()


def _suffix(writer: Writer) -> str:
    """A shard's suffix: its writer's file's (``.jsonl``)."""
    return os.path.splitext(writer.filename)[1]
