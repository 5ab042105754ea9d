"""dedupe's fixtures for plugin authors, and the real data the tests run on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["dedupe.testing"]


def shared_data(name: str) -> Path:
    """``shared/data/NAME`` beside the checkout (found upwards from here), or skip."""
    for parent in Path(__file__).resolve().parents:
        path = parent / "shared" / "data" / name
        if path.exists():
            return path
    pytest.skip(f"shared/data/{name} is not beside the checkout")


@pytest.fixture(scope="session")
def reuters() -> Path:
    return shared_data("reuters21578")


@pytest.fixture(scope="session")
def reuters_texts(reuters: Path) -> dict[str, str]:
    """newid -> title and body, joined as ``--text-field title,body`` joins them."""
    texts = {}
    with open(reuters / "reuters21578_docs.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            parts = [row[k] for k in ("title", "body") if row.get(k)]
            texts[str(row["newid"])] = "\n\n".join(parts)
    return texts


@pytest.fixture(scope="session")
def silver_clusters(reuters: Path) -> list[list[str]]:
    """The 290 exact-duplicate clusters of Reuters-21578 (``cluster_id<TAB>newid``)."""
    clusters: dict[str, list[str]] = {}
    lines = (reuters / "silver_exact_duplicate_clusters.tsv").read_text("utf-8").splitlines()
    for line in lines[1:]:
        if line.strip():
            cluster, newid = line.split("\t")
            clusters.setdefault(cluster, []).append(newid)
    return list(clusters.values())


@pytest.fixture(scope="session")
def syndication() -> Path:
    return shared_data("syndication-dev")
