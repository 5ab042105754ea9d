"""The distributed engine (``--engine dask``) on a LocalCluster of 2 worker processes: the same
outputs as the local engine, plugins loaded on the workers, shards, globs and Parquet input,
repeated ids, connected components, and the errors a user meets."""

from __future__ import annotations

import builtins
import contextlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dedupe import Engine, make_config
from dedupe.cli import cli
from dedupe.distributed.connect import MissingDependency, require_dask
from dedupe.errors import InputError, OutputError, PluginError

from .conftest import EXAMPLES, read_jsonl, write_jsonl
from .test_plugins import make_dist

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed: pip install 'dedupe-engine[dask]'"
)
pytest.importorskip("dask.dataframe", reason="dask[dataframe] is not installed")

from dedupe.distributed import DaskEngine  # noqa: E402

ALL_WRITERS = ("clusters", "pairs", "kept", "dropped", "report")


@contextlib.contextmanager
def local_cluster():
    """A LocalCluster of 2 single-threaded worker processes. Starting one sets variables in
    ``os.environ`` for the workers (``MALLOC_TRIM_THRESHOLD_``, ``PYTHONHASHSEED``...); they are
    put back so that later tests' subprocesses do not inherit them."""
    saved = dict(os.environ)
    try:
        with distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster:
            os.environ.clear()
            os.environ.update(saved)
            yield cluster
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def client():
    with local_cluster() as cluster, distributed.Client(cluster) as c:
        yield c


def run_both(client, inputs, tmp_path: Path, **settings):
    """Run the local and the dask engine on the same input; return both output folders."""
    config = make_config(writers=ALL_WRITERS, **settings)
    local, dask_out = tmp_path / "local", tmp_path / "dask"
    Engine(config).run(inputs, local)
    result = DaskEngine(config, client).run(inputs, dask_out)
    return local, dask_out, result


def same_bytes(local: Path, dask_out: Path, name: str) -> bool:
    return (local / name).read_bytes() == (dask_out / name).read_bytes()


def kept_shards(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((out / "kept").glob("part-*.jsonl")))


def test_same_outputs_as_the_local_engine_on_syndication_dev(client, syndication, tmp_path):
    corpus = syndication / "corpus.jsonl"
    local, dask_out, result = run_both(client, [corpus], tmp_path)
    assert same_bytes(local, dask_out, "clusters.jsonl")
    assert same_bytes(local, dask_out, "pairs.jsonl")
    # the overlap of each pair is measured on the workers too (which contains which)
    relations = {p["relation"] for p in read_jsonl(dask_out / "pairs.jsonl")}
    assert relations == {"copy", "teaser", "extended"}
    assert same_bytes(local, dask_out, "dropped.jsonl")
    assert kept_shards(dask_out) == (local / "kept.jsonl").read_bytes()
    assert len(list((dask_out / "clusters").glob("part-*.jsonl"))) >= 1
    counts = json.loads((local / "report.json").read_text())["counts"]
    assert result.counts["chunks"] > 1 and result.counts["workers"] == 2
    for key in ("chunks", "workers"):
        counts.pop(key)
        result.counts.pop(key)
    assert result.counts == counts
    assert counts["clusters"] > 500
    report = json.loads((dask_out / "report.json").read_text())
    assert report["engine"] == "dask" and report["counts"]["clusters"] == counts["clusters"]


def shard(rows: list[dict], folder: Path, parts: int) -> list[Path]:
    folder.mkdir()
    size = -(-len(rows) // parts)
    return [
        write_jsonl(folder / f"part-{k}.jsonl", rows[k * size : (k + 1) * size])
        for k in range(parts)
    ]


@pytest.fixture
def sample(syndication) -> list[dict]:
    return read_jsonl(syndication / "corpus.jsonl")[:500]


def test_a_glob_of_shards_gives_the_clusters_of_the_folder(client, sample, tmp_path):
    shard(sample, tmp_path / "shards", 3)
    config = make_config(writers=ALL_WRITERS)
    Engine(config).run([tmp_path / "shards"], tmp_path / "local")
    DaskEngine(config, client).run([str(tmp_path / "shards" / "*.jsonl")], tmp_path / "dask")
    local = read_jsonl(tmp_path / "local" / "clusters.jsonl")
    dask_clusters = read_jsonl(tmp_path / "dask" / "clusters.jsonl")
    assert len(local) > 20
    # A folder's files are named by their path inside it, a glob's by the path given.
    assert [c["members"] for c in dask_clusters] == [c["members"] for c in local]
    assert [c["scores"] for c in dask_clusters] == [c["scores"] for c in local]


def test_parquet_shards_give_the_clusters_of_jsonl(client, sample, tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (the parquet extra)")
    import pyarrow.parquet as pq

    files = shard(sample, tmp_path / "jsonl", 2)
    (tmp_path / "parquet").mkdir()
    for k, path in enumerate(files):
        rows = read_jsonl(path)
        table = pa.table({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows]})
        pq.write_table(table, tmp_path / "parquet" / f"part-{k}.parquet", row_group_size=50)
    config = make_config(writers=ALL_WRITERS)
    Engine(config).run([tmp_path / "jsonl"], tmp_path / "local")
    DaskEngine(config, client).run([tmp_path / "parquet"], tmp_path / "dask")
    assert same_bytes(tmp_path / "local", tmp_path / "dask", "clusters.jsonl")
    kept = [json.loads(line) for line in kept_shards(tmp_path / "dask").splitlines()]
    assert kept == read_jsonl(tmp_path / "local" / "kept.jsonl")


def with_repeated_ids(sample: list[dict]) -> list[dict]:
    rows = [dict(r) for r in sample[:300]]
    rows[40]["id"] = rows[3]["id"]
    rows[41]["id"] = rows[3]["id"]
    rows[42]["id"] = rows[3]["id"] + "#2"  # taken by a renaming of the next repeat
    rows[250]["id"] = rows[7]["id"]
    return rows


def test_repeated_ids_stop_the_run_as_locally(client, sample, tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", with_repeated_ids(sample))
    config = make_config()
    with pytest.raises(InputError) as local:
        Engine(config).run([path], tmp_path / "local")
    with pytest.raises(InputError) as dask_error:
        DaskEngine(config, client).run([path], tmp_path / "dask")
    assert str(dask_error.value) == str(local.value)


def test_repeated_ids_are_renamed_as_locally(client, sample, tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", with_repeated_ids(sample))
    local, dask_out, result = run_both(client, [path], tmp_path, duplicate_ids="rename")
    assert result.counts["renamed_ids"] == 4
    assert same_bytes(local, dask_out, "clusters.jsonl")
    assert same_bytes(local, dask_out, "pairs.jsonl")


LEDE = """
    import os
    from dedupe import Normaliser, hookimpl

    def lede(text):
        with open(os.path.join(os.environ["LEDE_PIDS"], str(os.getpid())), "w"):
            pass
        return " ".join(text.split()[:8])

    @hookimpl
    def register_normalisers(register):
        register(Normaliser("lede", lede, description="the first 8 words"))
"""


def plugin_on_workers(tmp_path: Path, monkeypatch, name: str, source: str, pids_var: str) -> Path:
    """Install a plugin here and, through PYTHONPATH, for worker processes started from now
    on; the plugin writes a file named by its pid into the returned folder (``pids_var``)."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    path = make_dist(folder, name, source)
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.syspath_prepend(str(path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(path), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv(pids_var, str(pids))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("DEDUPE_DISABLE_PLUGINS", raising=False)
    return pids


STORIES = [
    {"id": "a", "text": "One two three four five six seven eight: the council met on Monday."},
    {"id": "b", "text": "One two three four five six seven eight. Rain is due in the north."},
    {"id": "c", "text": "Nine ten eleven twelve thirteen fourteen fifteen sixteen and so on."},
]


@pytest.fixture
def lede_plugin(tmp_path, monkeypatch):
    """The plugin installed here and for worker processes started now."""
    return plugin_on_workers(tmp_path, monkeypatch, "dedupe-lede", LEDE, "LEDE_PIDS")


def test_a_plugin_normaliser_runs_on_the_workers(lede_plugin, tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", STORIES)
    config = make_config(normalise=("lede", "casefold", "punctuation", "whitespace"))
    with local_cluster() as cluster, distributed.Client(cluster) as c:
        worker_pids = set(c.run(os.getpid).values())
        DaskEngine(config, c).run([corpus], tmp_path / "out")
    (cluster_row,) = read_jsonl(tmp_path / "out" / "clusters.jsonl")
    assert cluster_row["members"] == ["a", "b"]  # the same first 8 words, nothing else
    ran_in = {int(p.name) for p in lede_plugin.iterdir()}
    assert ran_in and ran_in <= worker_pids and os.getpid() not in ran_in


def test_a_scorer_of_signatures_gives_the_local_outputs(client, sample, tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", sample)
    local, dask_out, result = run_both(client, [path], tmp_path, scorers=["minhash=0.6"])
    assert result.counts["accepted_pairs"] > 10
    for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl"):
        assert same_bytes(local, dask_out, name)


LENGTHS = """
    import os
    import numpy as np
    from dedupe import Scorer, hookimpl

    def lengths(pairs, ctx):
        with open(os.path.join(os.environ["LENGTHS_PIDS"], str(os.getpid())), "w"):
            pass
        a = np.array([len(ctx.text(int(d))) for d in pairs[:, 0]], dtype=float)
        b = np.array([len(ctx.normalised_text(int(d))) for d in pairs[:, 1]], dtype=float)
        return np.minimum(a, b) / np.maximum(np.maximum(a, b), 1.0)

    @hookimpl
    def register_scorers(register):
        register(Scorer("lengths", lengths, 0.8, False, "length ratio of the texts"))
"""


def test_a_plugin_scorer_reading_texts_gets_them_on_the_workers(sample, tmp_path, monkeypatch):
    """Texts are read again on the workers only for a scorer that says it reads them; its
    scores and the outputs are the local engine's."""
    pids = plugin_on_workers(tmp_path, monkeypatch, "dedupe-lengths", LENGTHS, "LENGTHS_PIDS")
    corpus = write_jsonl(tmp_path / "c.jsonl", sample)
    with local_cluster() as cluster, distributed.Client(cluster) as c:
        worker_pids = set(c.run(os.getpid).values())
        local, dask_out, _ = run_both(c, [corpus], tmp_path, scorers=["containment", "lengths=0.8"])
    for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl"):
        assert same_bytes(local, dask_out, name)
    pairs = read_jsonl(dask_out / "pairs.jsonl")
    assert pairs and all(0.8 <= p["scores"]["lengths"] <= 1.0 for p in pairs)
    ran_in = {int(p.name) for p in pids.iterdir()}
    assert ran_in & worker_pids and ran_in - worker_pids == {os.getpid()}


def test_a_plugin_missing_on_the_workers_is_named(client, tmp_path, monkeypatch):
    (tmp_path / "plugin").mkdir()
    path = make_dist(tmp_path / "plugin", "dedupe-lede", LEDE)
    monkeypatch.syspath_prepend(str(path))  # here only: the workers started without it
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("DEDUPE_DISABLE_PLUGINS", raising=False)
    corpus = write_jsonl(tmp_path / "c.jsonl", STORIES)
    config = make_config(normalise=("lede", "whitespace"))
    with pytest.raises(PluginError, match="'dedupe-lede' is loaded here but not on dask worker"):
        DaskEngine(config, client).run([corpus], tmp_path / "out")


def test_cli_engine_dask_writes_the_local_outputs(client, tmp_path):
    args = ["run", str(EXAMPLES / "news"), "--writers", "clusters,pairs,kept,report"]
    local = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    address = client.scheduler.address
    ran = CliRunner().invoke(
        cli, [*args, "-o", str(tmp_path / "dask"), "--engine", "dask", "--scheduler", address]
    )
    assert ran.exit_code == 0, ran.output
    assert "4 clusters" in ran.output
    assert same_bytes(tmp_path / "local", tmp_path / "dask", "clusters.jsonl")
    assert sorted(p.name for p in (tmp_path / "dask").iterdir() if p.name[0] != ".") == [
        "clusters",
        "clusters.jsonl",
        "kept",
        "pairs",
        "pairs.jsonl",
        "report.json",
    ]


@pytest.mark.parametrize(
    "rows",
    [[], STORIES[2:], [STORIES[0], STORIES[2], {"id": "e", "text": "<p></p> ..."}]],
    ids=["empty", "one-document", "no-copies"],
)
def test_corpora_without_clusters(client, tmp_path, rows):
    corpus = write_jsonl(tmp_path / "c.jsonl", rows)
    local, dask_out, result = run_both(client, [corpus], tmp_path)
    for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl"):
        assert (dask_out / name).read_bytes() == b""
    assert kept_shards(dask_out) == (local / "kept.jsonl").read_bytes()
    assert result.counts["clusters"] == 0


def test_cli_scheduler_needs_the_dask_engine(tmp_path):
    ran = CliRunner().invoke(cli, ["run", str(EXAMPLES / "news"), "--scheduler", "local"])
    assert ran.exit_code == 2 and "--scheduler needs --engine dask" in ran.output


WRITERS = r"""
    import os
    from dedupe import Writer, hookimpl

    def sizes(result, path):
        with open(os.path.join(os.environ["WRITER_PIDS"], str(os.getpid())), "w"):
            pass
        with open(path, "w", encoding="utf-8") as f:
            for c in result.clusters:
                f.write(f"{c.number}\t{c.representative}\t{len(c.members)}\n")

    def digest(result, path):
        # the whole result: clusters, accepted pairs and the kept records in one file
        kept = sum(1 for _ in result.kept_records())
        pairs = sum(1 for _ in result.accepted_pairs())
        sizes = sorted(len(c.members) for c in result.clusters)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{len(result.clusters)} clusters {sizes}, {pairs} pairs, {kept} kept\n")

    @hookimpl
    def register_writers(register):
        register(Writer("sizes", "sizes.tsv", sizes, "cluster sizes", shards="clusters"))
        register(Writer("digest", "digest.txt", digest, "a digest of the whole result"))
"""


def test_a_plugin_writer_runs_under_dask(sample, tmp_path, monkeypatch):
    """A third party's writers run under Dask as any built-in does: one made of clusters
    writes its shards on the workers, joined into the local run's bytes; one that reads the
    whole result (clusters, pairs, kept records) gets it gathered on the client."""
    pids = plugin_on_workers(tmp_path, monkeypatch, "dedupe-sizes", WRITERS, "WRITER_PIDS")
    corpus = write_jsonl(tmp_path / "c.jsonl", sample)
    writers = ("clusters", "sizes", "digest", "kept", "report")
    config = make_config(writers=writers)
    with local_cluster() as cluster, distributed.Client(cluster) as c:
        worker_pids = set(c.run(os.getpid).values())
        Engine(config).run([corpus], tmp_path / "local")
        DaskEngine(config, c).run([corpus], tmp_path / "dask")
    local, dask_out = tmp_path / "local", tmp_path / "dask"
    for name in ("clusters.jsonl", "sizes.tsv", "digest.txt"):
        assert same_bytes(local, dask_out, name), name
    rows = (dask_out / "sizes.tsv").read_text("utf-8").splitlines()
    assert len(rows) == len(read_jsonl(local / "clusters.jsonl")) > 5
    assert sorted(p.name for p in (dask_out / "sizes").iterdir())[0] == "part-00000.tsv"
    kept = len(sample) - sum(int(r.split()[2]) - 1 for r in rows)
    assert (dask_out / "digest.txt").read_text("utf-8").endswith(f"{kept} kept\n")
    ran_in = {int(p.name) for p in pids.iterdir()}
    assert ran_in & worker_pids  # the shards were written by the workers


def test_missing_dask_is_one_line_with_the_install_hint(monkeypatch):
    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(MissingDependency) as info:
        require_dask()
    assert "pip install 'dedupe-engine[dask]'" in str(info.value)
    ran = CliRunner().invoke(cli, ["run", str(EXAMPLES / "news"), "--engine", "dask"])
    assert ran.exit_code == 2
    assert ran.output.strip().splitlines() == [
        "Error: --engine dask needs dask.distributed (distributed is not installed): "
        "pip install 'dedupe-engine[dask]'"
    ]


@pytest.mark.parametrize("edges", [800, 2500], ids=["sparse", "giant-component"])
def test_components_match_the_local_union_find(client, edges):
    import dask
    import dask.dataframe as dd
    import pandas as pd

    from dedupe.cluster import component_labels as local_labels
    from dedupe.distributed.components import component_labels
    from dedupe.distributed.engine import DASK_SETTINGS

    rng = np.random.default_rng(edges)
    frame = pd.DataFrame({"a": rng.integers(0, 3000, edges), "b": rng.integers(0, 3000, edges)})
    frame = frame[frame["a"] != frame["b"]]
    with dask.config.set(DASK_SETTINGS):
        labels = component_labels(dd.from_pandas(frame, npartitions=3), client, 4).compute()
    expected = local_labels(3000, frame.to_numpy())
    nodes = np.unique(frame.to_numpy())
    assert sorted(labels["doc"]) == nodes.tolist()
    assert (labels["label"].to_numpy() == expected[labels["doc"].to_numpy()]).all()


from hypothesis import HealthCheck, given, settings  # noqa: E402

from .invariants import check_lose_nothing  # noqa: E402
from .test_lose_nothing import corpora  # noqa: E402


@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=corpora())
def test_lose_nothing_on_dask(client, tmp_path_factory, records):
    """The invariant of tests/test_lose_nothing.py, on the distributed engine, whose outputs
    are also those of the local engine."""
    folder = tmp_path_factory.mktemp("dask")
    source = write_jsonl(folder / "in.jsonl", records)
    config = make_config(writers=ALL_WRITERS)
    out = folder / "out"
    DaskEngine(config, client).run([source], out)
    (out / "kept.jsonl").write_bytes(kept_shards(out))
    check_lose_nothing(records, out, Engine(config, load_plugins=False))
    local = folder / "local"
    Engine(config, load_plugins=False).run([source], local)
    for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl"):
        assert same_bytes(local, out, name), name


def test_dask_refuses_outputs_over_inputs_and_skips_output_folders(client, sample, tmp_path):
    """The local engine's guard holds on Dask too: an output over an input is refused before
    any work, and an output folder inside an input folder is not read back."""
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "a.jsonl", sample[:200])
    config = make_config(writers=ALL_WRITERS)
    DaskEngine(config, client).run([data], data / "out")
    first = read_jsonl(data / "out" / "clusters.jsonl")
    DaskEngine(config, client).run([data], data / "out")  # data/out is not read as input
    assert read_jsonl(data / "out" / "clusters.jsonl") == first
    with pytest.raises(OutputError, match="inside dedupe's own files"):
        DaskEngine(config, client).run([data / "out" / "kept"], data / "out")
    before = (data / "out" / "clusters.jsonl").read_bytes()
    with pytest.raises(InputError, match="no document could be read"):
        DaskEngine(config, client).run([tmp_path / "mistyped.jsonl"], data / "out")
    assert (data / "out" / "clusters.jsonl").read_bytes() == before
