"""The Python API's ``Engine.run_documents``: plain strings (was an AttributeError), ``(id,
text)`` pairs and mappings, on the seeds' real texts and Reuters records."""

from __future__ import annotations

import json

from dedupe import Engine

from .conftest import data_dir, read_jsonl


def cluster_sets(result) -> set[frozenset[str]]:
    return {frozenset(c.members) for c in result.clusters}


def test_plain_strings_are_numbered_by_position(engine, seed_texts):
    names = sorted(seed_texts)
    texts = [seed_texts[n] for n in names]
    result = engine.run_documents(texts)
    assert result.counts["documents_read"] == len(texts)
    # the same clusters as with the file names for ids, the ids being positions
    named = engine.run_documents([(n, seed_texts[n]) for n in names])
    assert named.clusters and cluster_sets(result) == {
        frozenset(str(names.index(m)) for m in c) for c in cluster_sets(named)
    }
    (cluster,) = result.clusters
    assert texts[int(cluster.representative)] == seed_texts["lemonde_original.txt"]


def test_pairs_lists_and_mappings_mixed(engine, seed_texts):
    names = sorted(seed_texts)
    docs: list[object] = []
    for k, name in enumerate(names):
        text = seed_texts[name]
        forms = ([name, text], (name, text), {"id": name, "text": text})
        docs.append(forms[k % 3])
    result = engine.run_documents(docs)
    expected = engine.run_documents([(n, seed_texts[n]) for n in names])
    assert cluster_sets(result) == cluster_sets(expected) and result.clusters


def test_mappings_with_the_configured_fields_as_the_files_are_read(tmp_path):
    """Reuters records as dicts, ``--text-field title,body`` joined as the JSONL reader joins
    them: the same clusters as a run over the file."""
    rows = read_jsonl(data_dir("reuters21578") / "reuters21578_docs.jsonl")[:1500]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    engine = Engine(load_plugins=False, id_field="newid", text_field="title,body")
    from_file = engine.run([path])
    in_memory = engine.run_documents(rows)
    assert from_file.clusters and cluster_sets(in_memory) == cluster_sets(from_file)
    assert in_memory.counts["documents_read"] == 1500


def test_what_is_not_a_document_is_a_bad_record(engine):
    text = "one two three four five six seven eight nine ten eleven twelve"
    result = engine.run_documents([text, 42, {"id": "m"}, ("t", None), text])
    reasons = [str(b) for b in result.bad_records]
    assert reasons == [
        "<documents>:2: document 1: expected a string, an (id, text) pair or a mapping, not int",
        "<documents>:3: text is missing or not a string",
        "<documents>:4: text is missing or not a string",
    ]
    assert [c.members for c in result.clusters] == [["0", "4"]]
