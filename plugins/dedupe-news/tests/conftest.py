"""dedupe's fixtures for plugin authors, and the real data the tests run on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# -- start pytest-plugins --
pytest_plugins = ["dedupe.testing"]
# -- end pytest-plugins --


def shared_data(name: str) -> Path:
    """``shared/data/NAME`` beside the checkout (found upwards from here), or skip."""
    for parent in Path(__file__).resolve().parents:
        path = parent / "shared" / "data" / name
        if path.exists():
            return path
    pytest.skip(f"shared/data/{name} is not beside the checkout")


@pytest.fixture(scope="session")
def seeds() -> Path:
    return shared_data("seeds")


@pytest.fixture(scope="session")
def reuters() -> Path:
    return shared_data("reuters21578")


@pytest.fixture(scope="session")
def eltec() -> Path:
    return shared_data("eltec-fra")


@pytest.fixture(scope="session")
def syndication() -> Path:
    return shared_data("syndication-dev")


@pytest.fixture(scope="session")
def syndication_docs(syndication: Path) -> dict[str, str]:
    with open(syndication / "corpus.jsonl", encoding="utf-8") as f:
        return {row["id"]: row["text"] for row in map(json.loads, f)}


@pytest.fixture(scope="session")
def syndication_truth(syndication: Path) -> list[dict]:
    with open(syndication / "truth.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]
