"""The themes' cache key (issue 29, item 7): what `find_topics` depends on, and nothing else."""

from __future__ import annotations

import json

from qabot.domain.records import Paper, Topic
from qabot.portfolio.themes import stored_topics, themes_digest, topics_json

EMBEDDING = "sentence-transformers/all-MiniLM-L6-v2|onnx-int8:3"


def _papers() -> tuple[list[Paper], list[tuple[str, str]]]:
    papers = [
        Paper(paper_id=f"p{n}", title=f"Title {n}", abstract=f"Abstract {n}.", year=2020)
        for n in range(3)
    ]
    keys = [
        (p.paper_id, f"model|1000|200|hash{n}|{c}") for n, p in enumerate(papers) for c in (0, 1)
    ]
    return papers, keys


def test_the_digest_follows_texts_and_what_decides_the_vectors_not_other_fields() -> None:
    papers, keys = _papers()
    digest = themes_digest(papers, keys, EMBEDDING)
    assert themes_digest(papers, iter(keys), EMBEDDING) == digest
    moved = [papers[0].model_copy(update={"year": 2021, "venue": "V"}), *papers[1:]]
    assert themes_digest(moved, keys, EMBEDDING) == digest, "a corrected year groups nothing"
    for changed in (
        [papers[0].model_copy(update={"title": "Another title"}), *papers[1:]],
        [papers[0].model_copy(update={"abstract": "Another abstract."}), *papers[1:]],
        [papers[1], papers[0], papers[2]],  # the order k-means sees them in
        papers[:2],
    ):
        assert themes_digest(changed, keys, EMBEDDING) != digest
    assert themes_digest(papers, keys[:-1], EMBEDDING) != digest, "a chunk fewer"
    assert themes_digest(papers, [*keys[:-1], ("p2", "model|500|0|hash2|1")], EMBEDDING) != digest
    assert themes_digest(papers, keys, EMBEDDING.replace("int8", "fp32")) != digest, (
        "another backend's vectors are close, not the same"
    )
    assert themes_digest(papers, keys, EMBEDDING, max_topics=6) != digest


def test_stored_themes_are_used_only_with_their_digest() -> None:
    topics = [
        Topic(label="Glaciers", paper_ids=["p1", "p2"]),
        Topic(label="Bees", paper_ids=["p0"]),
    ]
    text = topics_json(topics, "kmeans-silhouette-1:abc")
    assert stored_topics(text, "kmeans-silhouette-1:abc") == topics
    assert stored_topics(text, "kmeans-silhouette-1:abd") is None
    assert (
        stored_topics('[{"label": "x", "paper_ids": ["p1"]}]', "kmeans-silhouette-1:abc") is None
    ), "themes written before the digest was recorded"
    for damaged in ("", "[{", '[{"label": 3, "inputs": "kmeans-silhouette-1:abc"}]', "[]"):
        assert stored_topics(damaged, "kmeans-silhouette-1:abc") is None
    assert [Topic.model_validate(t) for t in json.loads(text)] == topics, (
        "readers of the list ignore the digest"
    )
