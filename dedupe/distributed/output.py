"""Outputs of a distributed run: shards written by the workers, single files by the client.

Workers write their partitions into the staging folder inside the output directory (which must
be on a filesystem every worker and the client share): ``clusters/``, ``pairs/`` and
``dropped/`` hold one ``part-NNNNN.jsonl`` per sorted partition, ``kept/`` one per input chunk.
Shards are in output order, so the client makes ``clusters.jsonl``, ``pairs.jsonl`` and
``dropped.jsonl`` by concatenating them (the bytes the local engine writes) and writes
``report.json``; the staging folder is one output set (:class:`dedupe.atomic.OutputSet`),
so every file and shard folder is swapped into place together, as the local engine's are.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from dedupe.atomic import OutputSet
from dedupe.default_plugins.writers import dropped_lines, pair_line
from dedupe.errors import OutputError
from dedupe.write import dumps_line

SHARD = "part-{:05d}.jsonl"
#: Outputs written as shards and, except ``kept``, also as one file.
SHARDED = ("clusters", "pairs", "dropped", "kept")


_dumps = dumps_line


def write_cluster_shard(
    part: pd.DataFrame, first_number: int, scorer: str, paths: dict[str, str]
) -> tuple[int, int]:
    """Number a sorted partition of clusters from ``first_number`` and write its lines of
    ``clusters.jsonl`` and ``dropped.jsonl`` (as the built-in writers do); returns (clusters,
    members)."""
    members = 0
    with contextlib.ExitStack() as stack:
        files = {
            name: stack.enter_context(open(path, "w", encoding="utf-8"))
            for name, path in paths.items()
        }
        for k, cluster in enumerate(part["cluster"]):
            cluster.number = first_number + k
            members += len(cluster.members)
            if "clusters" in files:
                files["clusters"].write(_dumps(cluster.to_dict(scorer)) + "\n")
            if "dropped" in files:
                for line in dropped_lines(cluster, scorer):
                    files["dropped"].write(_dumps(line) + "\n")
    return len(part), members


def write_pair_shard(part: pd.DataFrame, names: list[str], path: str) -> int:
    """Write a sorted partition of accepted pairs as lines of ``pairs.jsonl`` (the built-in
    writer's lines: :func:`dedupe.default_plugins.writers.pair_line`)."""
    scorer = names[0]
    columns = [part[f"s{k}"].to_numpy(dtype=np.float64) for k in range(len(names))]
    via = part["via"].to_numpy(dtype=bool)
    overlap = part[["shared", "size_a", "size_b"]].to_numpy(dtype=np.int64).tolist()
    with open(path, "w", encoding="utf-8") as f:
        for row, (a, b) in enumerate(zip(part["id_a"], part["id_b"], strict=True)):
            scores = {
                name: None if np.isnan(col[row]) else round(float(col[row]), 6)
                for name, col in zip(names, columns, strict=True)
            }
            shared, size_a, size_b = overlap[row]
            measured = (shared, size_a, size_b) if shared >= 0 else None
            line = pair_line(a, b, scorer, scores, measured, bool(via[row]))
            f.write(_dumps(line) + "\n")
    return len(part)


class ShardedOutput:
    """Shard folders and files of a distributed run, staged in one output set (a fresh
    folder in the output directory) and swapped into place whole (:mod:`dedupe.atomic`)."""

    def __init__(self, directory: Path, names: list[str]) -> None:
        self.directory = Path(directory)
        self.names = [n for n in SHARDED if n in names]
        self.outputs = OutputSet(self.directory)
        self.staging = self.outputs.staging
        for name in self.names:
            self.outputs.folder(name)

    def shard(self, name: str, number: int) -> str:
        return str(self.staging / name / SHARD.format(number))

    def concatenate(self, name: str, filename: str) -> None:
        """One output file made of the shards of ``name`` in order."""
        with open(self.outputs.path(filename), "wb") as out:
            for part in sorted((self.staging / name).glob("part-*.jsonl")):
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out)

    def temp_path(self, filename: str) -> Path:
        return self.outputs.path(filename)

    def commit(self) -> list[Path]:
        """Swap the shard folders and the files in (a folder of the same name that is not
        one of dedupe's shard folders is refused, not replaced)."""
        for name in self.names:
            final = self.directory / name
            if final.is_symlink() or not final.exists():
                continue
            if not final.is_dir():
                raise OutputError(f"{final} is in the way of the {name} shards (it is a file)")
            stale = final.is_dir() and [
                p for p in final.iterdir() if not p.name.startswith("part-")
            ]
            if not final.is_dir() or stale:
                raise OutputError(
                    f"{final} is in the way of the {name} shards "
                    "(it holds files that are not shards of an earlier run)"
                )
        return self.outputs.commit()

    def abort(self) -> None:
        self.outputs.abort()
