"""Shared fixtures: the real data beside the checkout, isolated engines, small corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import settings

from dedupe import Engine

# JIT compilation makes first calls slow: no per-example deadline.
settings.register_profile("dedupe", deadline=None)
settings.load_profile("dedupe")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
EXAMPLES = REPO / "examples"


def data_dir(name: str) -> Path:
    """A folder of ../shared/data, or skip the test with the reason."""
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sits beside the checkout)")
    return path


def reuters_wire(joiner: str = "\n") -> dict[str, str]:
    """Reuters-21578's stories by NEWID, title and body joined by ``joiner``."""
    texts = {}
    with open(data_dir("reuters21578") / "reuters21578_docs.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts[str(row["newid"])] = joiner.join(p for p in (row["title"], row["body"]) if p)
    return texts


@pytest.fixture
def seeds() -> Path:
    return data_dir("seeds")


@pytest.fixture
def syndication() -> Path:
    return data_dir("syndication-dev")


@pytest.fixture
def engine() -> Engine:
    """An engine with only the built-in plugins (installed third-party ones are not loaded)."""
    return Engine(load_plugins=False)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture
def seed_texts(seeds: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(seeds.glob("*.txt"))}
