"""Index building: chunk metadata, idempotency, incremental updates, crash safety, model checks."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from qabot import QABot
from qabot.config import Settings
from qabot.embeddings.factory import embedding_backend
from qabot.embeddings.onnx import OnnxEmbeddings
from qabot.errors import CorpusError, EarlierRecipeError, IndexMismatchError, IngestLockedError
from qabot.index.checksums import FileSum, fingerprint
from qabot.index.layout import generation_dir
from qabot.index.manifest import read_manifest, write_manifest
from qabot.index.passages import IN_CHROMA, IN_TABLE, Passages, spans
from qabot.index.snapshot import open_snapshot
from qabot.index.tables import read_paper_table
from qabot.ingest.build import STAGES, ingest
from qabot.ingest.chunking import chunk_papers
from tests.conftest import PROFILE, make_settings, paper_record

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# What the `embeddings` fixture runs, as an index records it ("onnx-int8:3"), and as it is set.
BACKEND = embedding_backend(Settings().get_embeddings())
BACKEND_SETTING = Settings().index.backend


class CountingEmbeddings(Embeddings):
    """Wraps real embeddings, counts texts embedded, and can fail after N calls."""

    def __init__(self, inner: Embeddings, fail_after: int | None = None) -> None:
        self.inner, self.fail_after, self.calls, self.texts = inner, fail_after, 0, 0
        self.model_id = MODEL
        self.backend = getattr(inner, "backend", None)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise RuntimeError("simulated crash in the middle of an ingest")
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _count(settings) -> int:  # type: ignore[no-untyped-def]
    manifest = read_manifest(settings.store)
    return settings.get_vector_store().open(manifest.collection).count()


def test_chunks_carry_metadata_and_are_in_cosine_space(bundled_store: Path) -> None:
    settings = make_settings(bundled_store)
    snapshot = open_snapshot(settings, MODEL, backend=BACKEND)
    collection = snapshot.vectors.collection  # Chroma's own, to check how it was made
    assert collection.configuration["hnsw"]["space"] == "cosine"
    assert collection.metadata["embedding_model"] == MODEL
    got = collection.get(ids=[snapshot.chunk_ids[0]], include=["metadatas", "documents"])
    # A local store gives Chroma vectors and filter metadata only; the texts are spans of the
    # paper table's abstracts (qabot.index.passages).
    assert set(got["metadatas"][0]) == {"paper_id", "year", "category", "has_code", "chunk"}
    assert got["documents"] == [None] and snapshot.manifest.passages == IN_TABLE
    assert snapshot.manifest.papers == 50
    assert snapshot.manifest.chunks == collection.count() == len(snapshot.chunk_ids)


def test_passages_are_the_chunk_texts(bundled_store: Path) -> None:
    settings = make_settings(bundled_store)
    snapshot = open_snapshot(settings, MODEL, backend=BACKEND)
    papers = list(snapshot.papers)
    chunks = {c.id: c.text for c in chunk_papers(papers, settings, MODEL)}
    texts = snapshot.passage_texts(snapshot.chunk_ids)
    assert texts == chunks, "every chunk's text read back from its span, exactly"
    assert max(map(len, texts.values())) <= settings.index.chunk_size
    assert snapshot.passage_texts(["no-such-paper::0", f"{papers[0].paper_id}::99"]) == {}


def test_spans_keep_a_text_that_is_not_a_piece_of_the_abstract() -> None:
    starts, ends, verbatim = spans("abc def. ghi", ["abc def.", "def. ghi", "joined text", ""])
    assert (starts, ends) == ([0, 4, -1, -1], [8, 12, -1, -1])
    assert verbatim == {2: "joined text", 3: ""}


def test_ingest_is_idempotent(store_copy: Path, embeddings: Embeddings) -> None:
    settings = make_settings(store_copy)
    before = _count(settings)
    counting = CountingEmbeddings(embeddings)
    report = ingest(settings, counting)
    assert report.up_to_date and counting.texts == 0, "an unchanged corpus embeds nothing"
    assert _count(settings) == before


def test_ingest_is_incremental(
    tmp_path: Path, embeddings: Embeddings, write_jsonl: Callable[..., Path]
) -> None:
    corpus = tmp_path / "corpus"
    write_jsonl([paper_record(n) for n in range(5)])
    settings = make_settings(tmp_path / "store", corpus=corpus)
    counting = CountingEmbeddings(embeddings)
    first = ingest(settings, counting)
    assert (first.papers, first.embedded, first.reused) == (5, first.chunks, 0)
    # Where the time went, stage by stage, in order; never more than the whole.
    assert list(first.stages) == [s for s in STAGES if s in first.stages]
    assert {
        "reading the corpus",
        "chunking",
        "tables and BM25",
        "embedding",
        "waiting for Chroma's writes",
        "themes",
    } == set(first.stages)
    assert all(t >= 0 for t in first.stages.values())
    assert sum(first.stages.values()) <= first.seconds

    # Edit p1, delete p4, add p9; change only metadata of p2 (no re-embedding needed).
    records = [paper_record(n) for n in range(4)] + [paper_record(9)]
    records[1]["abstract"] += " An extra closing sentence changes the text."
    records[2]["category"] = "RO"
    write_jsonl(records)
    counting.texts = 0
    second = ingest(settings, counting)
    snapshot = open_snapshot(settings, MODEL, backend=BACKEND)
    ids = {p.paper_id for p in snapshot.papers}
    assert ids == {"p0", "p1", "p2", "p3", "p9"}, "removed papers are deleted, new ones added"
    chunks_p1_p9 = sum(1 for c in snapshot.chunk_ids if c.split("::")[0] in {"p1", "p9"})
    assert counting.texts == second.embedded == chunks_p1_p9, "only changed or new text embedded"
    assert second.reused == second.chunks - chunks_p1_p9
    assert snapshot.vectors.count() == second.chunks
    meta = snapshot.vectors.get(["p2::0"], metadatas=True).metadatas[0]
    assert meta["category"] == "RO", "metadata changes are applied to reused vectors"


def test_a_crash_mid_ingest_leaves_the_old_index_answering(
    tmp_path: Path, embeddings: Embeddings, write_jsonl: Callable[..., Path]
) -> None:
    corpus = tmp_path / "corpus"
    write_jsonl([paper_record(n) for n in range(6)])
    settings = make_settings(tmp_path / "store", corpus=corpus, index={"batch_size": 1})
    ingest(settings, embeddings)
    bot = QABot(settings, embeddings=embeddings)
    before = [h.paper_id for h in bot.search("glaciers observations")]
    manifest_before = read_manifest(settings.store)

    write_jsonl(
        [paper_record(n, abstract=f"Rewritten abstract {n} about deserts.") for n in range(6)]
    )
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest(settings, CountingEmbeddings(embeddings, fail_after=1))

    assert read_manifest(settings.store) == manifest_before, "the live index was not switched"
    assert [
        h.paper_id for h in QABot(settings, embeddings=embeddings).search("glaciers observations")
    ] == before
    names = settings.get_vector_store().names()
    assert names == {manifest_before.collection}, "the half-built collection was removed"
    assert not [t for t in threading.enumerate() if t.name == "qabot-chroma-writer"]
    # The next ingest completes and switches.
    report = ingest(settings, embeddings)
    assert report.generation != manifest_before.generation


def test_a_failed_chroma_write_fails_the_ingest_and_keeps_the_old_index(
    tmp_path: Path,
    embeddings: Embeddings,
    write_jsonl: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chroma's writes run in a thread beside the embedding: its error must still reach the
    caller, stop the ingest, and leave no thread behind."""
    from chromadb.api.models.Collection import Collection

    corpus = tmp_path / "corpus"
    write_jsonl([paper_record(n) for n in range(80)])
    settings = make_settings(tmp_path / "store", corpus=corpus, index={"batch_size": 1})
    ingest(settings, embeddings)
    manifest_before = read_manifest(settings.store)
    write_jsonl(
        [paper_record(n, abstract=f"Rewritten abstract {n} about deserts.") for n in range(80)]
    )
    real_add, calls = Collection.add, []

    def failing_add(self: Collection, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("simulated: Chroma failed to write vectors")
        real_add(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "add", failing_add)
    counting = CountingEmbeddings(embeddings)
    with pytest.raises(RuntimeError, match="Chroma failed to write"):
        ingest(settings, counting)
    batches = -(-manifest_before.chunks // 4)  # batch_size 1: 4 chunks per write
    # The failed write's batch and the one before it, the queue's 3, the one being embedded,
    # and one more should the writer thread be scheduled late.
    assert counting.calls <= 7 < batches, "the ingest stopped soon after the failed write"
    assert read_manifest(settings.store) == manifest_before, "the live index was not switched"
    assert not [t for t in threading.enumerate() if t.name == "qabot-chroma-writer"]
    monkeypatch.setattr(Collection, "add", real_add)
    assert ingest(settings, embeddings).generation != manifest_before.generation


def test_leftovers_of_a_killed_ingest_are_cleaned_up(
    store_copy: Path, embeddings: Embeddings
) -> None:
    settings = make_settings(store_copy)
    store = settings.get_vector_store()
    store.create("qabot-19990101T000000-dead00", {})
    (store_copy / "generations" / "19990101T000000-dead00").mkdir()
    ingest(settings, embeddings)
    assert "qabot-19990101T000000-dead00" not in store.names()
    assert not (store_copy / "generations" / "19990101T000000-dead00").exists()


def test_queries_refuse_an_index_built_with_another_model(store_copy: Path) -> None:
    with pytest.raises(IndexMismatchError, match="re-run `qabot ingest`|Re-run `qabot ingest`"):
        open_snapshot(make_settings(store_copy), "openai:text-embedding-3-small")


def test_a_second_ingest_refuses_while_one_holds_the_lock(
    store_copy: Path, embeddings: Embeddings
) -> None:
    from filelock import FileLock

    with FileLock(str(store_copy / ".ingest.lock")):
        with pytest.raises(IngestLockedError, match="Another `qabot ingest`"):
            ingest(make_settings(store_copy), embeddings)


def test_manifest_is_plain_json(bundled_store: Path) -> None:
    data: dict[str, Any] = json.loads((bundled_store / "manifest.json").read_text())
    assert data["embedding_model"] == MODEL and data["papers"] == 50


def test_unicode_line_separators_survive_ingest(
    tmp_path: Path, embeddings: Embeddings, write_jsonl: Callable[..., Path]
) -> None:
    raw = json.dumps(
        paper_record(2, abstract="Beekeeping\u2028at scale. We count bees."), ensure_ascii=False
    )  # a raw U+2028 inside the JSON string
    write_jsonl([paper_record(1, authors=["Ann\u2028Lee"]), raw, paper_record(3)])
    settings = make_settings(tmp_path / "store", corpus=tmp_path / "corpus")
    report = ingest(settings, embeddings)
    assert report.papers == 3 and report.skipped == 0
    assert {h.paper_id for h in QABot(settings, embeddings=embeddings).search("bees", k=3)} == {
        "p1",
        "p2",
        "p3",
    }


def test_an_empty_corpus_is_a_clear_error_and_keeps_the_index(
    store_copy: Path, tmp_path: Path, embeddings: Embeddings
) -> None:
    from qabot.errors import CorpusError

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "bad.jsonl").write_text('{"title": "no abstract"}\n')
    before = read_manifest(store_copy)
    with pytest.raises(CorpusError, match="no papers to index .*1 record\\(s\\) skipped"):
        ingest(make_settings(store_copy, corpus=empty), embeddings)
    assert read_manifest(store_copy) == before


def test_a_deleted_chroma_folder_is_rebuilt_not_up_to_date(
    store_copy: Path, embeddings: Embeddings
) -> None:
    import shutil

    shutil.rmtree(store_copy / "chroma")
    report = ingest(make_settings(store_copy), embeddings)
    assert not report.up_to_date and report.embedded == report.chunks
    assert _count(make_settings(store_copy)) == report.chunks


def test_a_corrupt_database_is_reported_then_rebuilt_on_request(
    store_copy: Path, embeddings: Embeddings
) -> None:
    from qabot.errors import IndexCorruptError
    from qabot.index.chroma import forget_cached_client

    forget_cached_client(store_copy / "chroma")
    (store_copy / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorruptError, match="qabot ingest --rebuild"):
        ingest(make_settings(store_copy), embeddings)
    report = ingest(make_settings(store_copy), embeddings, rebuild=True)
    assert report.papers == 50 and not report.up_to_date
    kept = list(store_copy.glob("chroma.damaged-*"))
    assert len(kept) == 1 and (kept[0] / "chroma.sqlite3").exists(), "the damaged data is kept"
    assert QABot(make_settings(store_copy), embeddings=embeddings).search("Boltzmann", k=1)


def test_a_changed_profile_figure_is_picked_up(tmp_path: Path, embeddings: Embeddings) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = PROFILE.read_text()
    (corpus / "p.txt").write_text(text)
    settings = make_settings(tmp_path / "store", corpus=corpus)
    ingest(settings, embeddings)
    (corpus / "p.txt").write_text(text.replace("h-index117", "h-index118"))
    report = ingest(settings, embeddings)
    assert not report.up_to_date and report.embedded == 0, "figures change, vectors are reused"
    assert read_manifest(settings.store).profiles[0]["h_index"] == 118  # type: ignore[union-attr]


def test_the_named_owner_is_recorded_and_renaming_her_reuses_the_vectors(
    tmp_path: Path, embeddings: Embeddings, write_jsonl: Callable[..., Path]
) -> None:
    """Issue 28: QABOT_OWNER (else owner.txt) is part of the index, as a profile is: the
    manifest and the router's vocabulary record her, and a new name needs no re-embedding."""
    corpus = write_jsonl([paper_record(n) for n in range(3)]).parent  # Ada Lovelace, Alan Turing
    settings = make_settings(tmp_path / "store", corpus=corpus, owner="Ada Lovelace")
    report = ingest(settings, embeddings)
    assert report.owner == "Ada Lovelace"
    assert read_manifest(settings.store).owner == "Ada Lovelace"  # type: ignore[union-attr]
    bot = QABot(settings, embeddings=embeddings)
    assert "ada lovelace" in bot.live.vocabulary().owners
    assert [a.name for a in bot.portfolio().top_coauthors] == ["Alan Turing"]
    assert ingest(settings, embeddings).up_to_date
    (corpus / "owner.txt").write_text("Alan Turing\n", "utf-8")
    assert ingest(settings, embeddings).up_to_date, "QABOT_OWNER wins over owner.txt"
    unset = make_settings(settings.store, corpus=corpus)
    report = ingest(unset, embeddings)
    assert not report.up_to_date and report.embedded == 0, "a new owner, the same vectors"
    assert read_manifest(settings.store).owner == "Alan Turing"  # type: ignore[union-attr]
    assert [a.name for a in QABot(unset, embeddings=embeddings).portfolio().top_coauthors] == [
        "Ada Lovelace"
    ]


def test_an_owner_no_paper_lists_is_warned_about(
    tmp_path: Path,
    embeddings: Embeddings,
    write_jsonl: Callable[..., Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    corpus = write_jsonl([paper_record(1)]).parent
    ingest(make_settings(tmp_path / "store", corpus=corpus, owner="Ada Lovelase"), embeddings)
    assert "not an author of any indexed paper (did you mean 'Ada Lovelace'?)" in caplog.text


def _live_folder(store: Path) -> Path:
    from qabot.index.layout import generation_dir

    return generation_dir(store, read_manifest(store).generation)  # type: ignore[union-attr]


@pytest.mark.parametrize("damage", ["deleted", "garbage", "stale"])
def test_a_missing_or_damaged_summary_is_recomputed_the_same(
    store_copy: Path, damage: str, embeddings: Embeddings
) -> None:
    from qabot.index.layout import SUMMARY
    from qabot.index.tables import IndexSummary, summarize

    settings = make_settings(store_copy)
    path = _live_folder(store_copy) / SUMMARY
    written = IndexSummary.model_validate_json(path.read_text())
    snapshot = open_snapshot(settings, MODEL, backend=BACKEND)
    assert written == summarize(snapshot.papers) and written.papers == 50
    assert (written.year_min, written.year_max) == (2019, 2026) and "Anca Dragan" in written.authors
    path.write_text(
        {
            "deleted": "",
            "garbage": '{"papers": 50, "year_min": "x"}',
            "stale": written.model_copy(update={"papers": 49}).model_dump_json(),
        }[damage]
    )
    if damage == "deleted":
        path.unlink()
    assert open_snapshot(settings, MODEL, backend=BACKEND).summary == written, (
        "an older or damaged generation"
    )
    assert ingest(settings, embeddings).up_to_date and path.is_file(), "an ingest repairs it"
    assert IndexSummary.model_validate_json(path.read_text()) == written


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncated", r"papers.parquet: \d+ bytes, recorded \d+"),  # found when first read
        ("garbage", r"papers.parquet: \d+ bytes, recorded \d+"),
        ("deleted", "papers.parquet: missing"),  # found at open
        ("same size", "papers.parquet: content changed"),
    ],
)
def test_a_damaged_paper_table_is_a_clear_error(
    store_copy: Path, embeddings: Embeddings, damage: str, message: str
) -> None:
    from qabot.errors import IndexCorruptError

    path = _live_folder(store_copy) / "papers.parquet"
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[:-200])
    elif damage == "garbage":
        path.write_bytes(data + b'{"paper_id": "x", "title": ')
    elif damage == "same size":  # a stray write inside the column data
        middle = len(data) // 2
        path.write_bytes(
            data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 8]) + data[middle + 8 :]
        )
    else:
        path.unlink()
    bot = QABot(make_settings(store_copy), embeddings=embeddings, auto_ingest=False)
    with pytest.raises(IndexCorruptError, match=message) as caught:
        bot.ask("What is the Boltzmann policy distribution?")
    assert "Run `qabot ingest` to repair it" in str(caught.value)
    if damage != "deleted":  # (a missing table already fails at open)
        path.unlink()  # the failure is remembered, not re-read for every question
        with pytest.raises(IndexCorruptError, match=message):
            bot.ask("What is the Boltzmann policy distribution?")
    report = ingest(make_settings(store_copy), embeddings)
    assert not report.up_to_date and report.embedded == 0, "rebuilt from reused vectors"
    assert bot.ask("What is the Boltzmann policy distribution?").citations


def test_a_paper_table_from_before_venue_and_keywords_reads_then_upgrades(
    store_copy: Path, embeddings: Embeddings
) -> None:
    """An index written before Paper had `venue` and `keywords` still answers, and the next
    ingest rewrites its tables without embedding anything again."""
    settings = make_settings(store_copy, llm="extractive")
    manifest = read_manifest(store_copy)
    folder = generation_dir(store_copy, manifest.generation)
    # That version wrote papers.jsonl, one JSON object per line, and no vocabulary.
    old = [json.loads(p.model_dump_json()) for p in read_paper_table(folder)]
    for record in old:
        del record["venue"], record["keywords"]
    (folder / "papers.jsonl").write_text("".join(json.dumps(r) + "\n" for r in old), "utf-8")
    (folder / "papers.parquet").unlink()
    (folder / "vocabulary.json").unlink()
    # As that version wrote it, checksums included (else it is rightly reported as damaged).
    write_manifest(store_copy, manifest.model_copy(update={"files": fingerprint(folder)}))

    bot = QABot(settings, embeddings=embeddings)
    answer = bot.ask("What is the Boltzmann policy distribution?")
    assert answer.citations and answer.citations[0].venue is None
    assert bot.ask("How many papers came out in 2024?").answerer == "portfolio"

    counting = CountingEmbeddings(embeddings)
    report = ingest(settings, counting)
    assert not report.up_to_date and counting.texts == 0 and report.reused == report.chunks
    upgraded = generation_dir(store_copy, report.generation)
    assert not (upgraded / "papers.jsonl").exists() and (upgraded / "vocabulary.json").is_file()
    papers = read_paper_table(upgraded)
    assert len(papers) == len(old) and all(p.venue is None and p.keywords == [] for p in papers)
    assert ingest(settings, counting).up_to_date


class RelabelledEmbeddings(CountingEmbeddings):
    """The same vectors under another backend's name: what matters here is the bookkeeping."""

    def __init__(self, inner: Embeddings, backend: str | None) -> None:
        super().__init__(inner)
        self.backend = backend


def test_the_manifest_records_model_and_backend(bundled_store: Path) -> None:
    manifest = read_manifest(bundled_store)
    assert (manifest.embedding_model, manifest.embedding_backend) == (MODEL, BACKEND)


def test_queries_refuse_an_index_built_with_another_backend(store_copy: Path) -> None:
    other = "torch" if BACKEND != "torch" else "onnx-int8"
    with pytest.raises(IndexMismatchError) as info:
        open_snapshot(make_settings(store_copy), MODEL, backend=other)
    message = str(info.value)
    assert f"{BACKEND} backend" in message and other in message
    assert "`qabot ingest`" in message and f"QABOT_INDEX__BACKEND={BACKEND_SETTING}." in message


def test_an_earlier_int8_recipe_is_not_offered_as_a_setting(store_copy: Path) -> None:
    """Recorded "onnx-int8" (recipe 1) with torch configured: setting onnx-int8 would only be
    refused again, so the message says re-embedding is the way."""
    path = store_copy / "manifest.json"
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "embedding_backend": "onnx-int8"}), "utf-8")
    with pytest.raises(IndexMismatchError) as info:
        open_snapshot(make_settings(store_copy), MODEL, backend="torch")
    message = str(info.value)
    assert "`qabot ingest`" in message and "QABOT_INDEX__BACKEND=" not in message, message


def test_an_index_of_an_earlier_int8_recipe_is_refused_then_re_embedded(
    store_copy: Path, embeddings: Embeddings
) -> None:
    """The int8 recipe is part of the backend an index records: a store embedded with the first
    recipe (recorded as plain "onnx-int8") is not queried with another recipe's vectors."""
    path = store_copy / "manifest.json"
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "embedding_backend": "onnx-int8"}), "utf-8")
    settings = make_settings(store_copy)
    with pytest.raises(IndexMismatchError) as info:
        open_snapshot(settings, MODEL, backend="onnx-int8:3")
    message = str(info.value)
    assert "another onnx-int8 recipe (onnx-int8)" in message and "`qabot ingest`" in message, (
        message
    )
    assert "QABOT_INDEX__BACKEND=onnx-int8" not in message, "setting it again would not help"
    newer = RelabelledEmbeddings(embeddings, "onnx-int8:3")
    report = ingest(settings, newer)
    assert not report.up_to_date and report.reused == 0, "no vector of the old recipe is kept"
    open_snapshot(settings, MODEL, backend="onnx-int8:3")


def test_an_ingest_with_another_backend_re_embeds_everything(
    store_copy: Path, embeddings: Embeddings
) -> None:
    settings = make_settings(store_copy)
    other = RelabelledEmbeddings(embeddings, "onnx-int8" if BACKEND != "onnx-int8" else "torch")
    report = ingest(settings, other)
    assert not report.up_to_date and report.reused == 0, "no vector of another backend is kept"
    assert other.texts == report.chunks == report.embedded
    assert read_manifest(settings.store).embedding_backend == other.backend
    open_snapshot(settings, MODEL, backend=other.backend)  # now it opens with the new backend


def test_a_store_from_before_backends_were_recorded_is_read_as_torch(store_copy: Path) -> None:
    path = store_copy / "manifest.json"
    data = json.loads(path.read_text("utf-8"))
    del data["embedding_backend"]
    path.write_text(json.dumps(data), "utf-8")
    assert read_manifest(store_copy).embedding_backend == "torch"
    snapshot = open_snapshot(make_settings(store_copy), MODEL, backend="torch")
    assert snapshot.manifest.papers == 50, "it opens with the backend that built it"
    if BACKEND != "torch":
        with pytest.raises(IndexMismatchError, match="Run `qabot ingest` to re-embed"):
            QABot(make_settings(store_copy), auto_ingest=False).search("robots")


def test_a_remote_model_records_no_backend(
    tmp_path: Path, embeddings: Embeddings, write_jsonl: Callable[..., Path]
) -> None:
    write_jsonl([paper_record(n) for n in range(2)])
    remote = RelabelledEmbeddings(embeddings, None)
    remote.model_id = "text-embedding-3-small"
    settings = make_settings(tmp_path / "store", corpus=tmp_path / "corpus")
    ingest(settings, remote)
    path = settings.store / "manifest.json"
    assert json.loads(path.read_text("utf-8"))["embedding_backend"] is None
    data = json.loads(path.read_text("utf-8"))
    del data["embedding_backend"]  # an OpenAI store from before backends were recorded
    path.write_text(json.dumps(data), "utf-8")
    open_snapshot(settings, "text-embedding-3-small", backend=None)


def test_a_store_with_texts_in_chroma_still_answers_and_the_next_ingest_moves_them(
    tmp_path: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built before the chunk texts left Chroma (as a Chroma server's still are):
    its documents answer, and the next ingest writes a lean generation from its vectors."""
    settings = make_settings(tmp_path / "store")
    monkeypatch.setattr(
        "qabot.ingest.build.IN_TABLE", IN_CHROMA
    )  # how ingest wrote every store before
    ingest(settings, embeddings)
    monkeypatch.undo()
    path = settings.store / "manifest.json"
    data = json.loads(path.read_text())
    assert data.pop("passages") == IN_CHROMA
    path.write_text(json.dumps(data))  # and without the field, as older versions wrote it
    old = open_snapshot(settings, MODEL, backend=BACKEND)
    assert old.passages is None and old.manifest.passages == IN_CHROMA
    got = old.vectors.collection.get(ids=[old.chunk_ids[0]], include=["documents", "metadatas"])
    assert got["documents"][0] and "paper_json" in got["metadatas"][0], "what a replica reads"
    question = "What is the Boltzmann policy distribution?"
    before = QABot(settings, embeddings=embeddings).search(question, k=3)
    assert before and all(e.text for h in before for e in h.evidence)
    counting = CountingEmbeddings(embeddings)
    report = ingest(settings, counting)
    assert not report.up_to_date and counting.texts == 0 and report.reused == report.chunks
    new = open_snapshot(settings, MODEL, backend=BACKEND)
    assert new.manifest.passages == IN_TABLE and new.generation != old.generation
    after = QABot(settings, embeddings=embeddings).search(question, k=3)
    # The same papers, passages and texts; scores to float32 precision (a passage's cosine
    # may come from Chroma's distance or from the stored vector, 1e-7 apart).
    assert [h.model_dump(exclude={"evidence"}) for h in after] == [
        h.model_dump(exclude={"evidence"}) for h in before
    ]
    for a, b in zip(after, before, strict=True):
        assert [(e.chunk, e.text) for e in a.evidence] == [(e.chunk, e.text) for e in b.evidence]
        assert np.allclose([e.score or 0 for e in a.evidence], [e.score or 0 for e in b.evidence],
                           atol=1e-6)  # fmt: skip


def test_an_unknown_passage_store_is_refused(store_copy: Path) -> None:
    path = store_copy / "manifest.json"
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data | {"passages": "parquet-v9"}))
    with pytest.raises(IndexMismatchError, match="keeps its chunk texts as 'parquet-v9'"):
        open_snapshot(make_settings(store_copy), MODEL, backend=BACKEND)


@pytest.mark.parametrize("damage", ["no-starts", "short", "spanless-without-text"])
def test_a_damaged_span_table_is_reported(store_copy: Path, damage: str) -> None:
    """Damage the checksums miss (a writer's mistake, recorded as written) is a clear error."""
    from qabot.errors import IndexCorruptError
    from qabot.index.checksums import digest_bytes

    manifest = read_manifest(store_copy)
    assert manifest is not None
    folder = store_copy / "generations" / manifest.generation
    table = json.loads((folder / "chunks.json").read_text())
    if damage == "no-starts":
        del table["start"]
    elif damage == "short":
        table["end"] = table["end"][:-1]
    else:
        table["start"][3] = table["end"][3] = -1
    data = json.dumps(table).encode()
    (folder / "chunks.json").write_bytes(data)
    files = manifest.files | {"chunks.json": FileSum(size=len(data), xxh3=digest_bytes(data))}
    (store_copy / "manifest.json").write_text(
        manifest.model_copy(update={"files": files}).model_dump_json()
    )
    with pytest.raises(IndexCorruptError, match="damaged or incomplete"):
        open_snapshot(make_settings(store_copy), MODEL, backend=BACKEND)


def test_passages_read_stored_texts_and_tables_in_any_order() -> None:
    abstracts = ["Alpha beta. Gamma delta.", "Epsilon zeta."]
    ids = ["b::0", "a::0", "a::1"]
    paper = np.asarray([1, 0, 0], dtype=np.int32)  # not in the papers' order
    passages = Passages(ids, paper, [0, 0, -1], [13, 11, -1], {"2": "stored as it is"})
    index = {"a": 0, "b": 1}
    got = passages.texts([*ids, "a::7", "c::0"], index, abstracts.__getitem__)
    assert got == {"b::0": "Epsilon zeta.", "a::0": "Alpha beta.", "a::1": "stored as it is"}
    ordered = Passages(
        ["a::0", "a::1", "b::0"], np.asarray([0, 0, 1]), [0, -1, 0], [11, -1, 13], {"1": "kept"}
    )
    assert ordered.texts(["b::0", "a::1", "a::²", "b::1"], index, abstracts.__getitem__) == {
        "b::0": "Epsilon zeta.",
        "a::1": "kept",
    }
    assert ordered._rows is None, "no id -> row dict for a table in the papers' order"


class _NeverBuilt(OnnxEmbeddings):
    """ONNX embeddings that fail the test if the model is built or loaded."""

    def load(self) -> None:
        pytest.fail("the embedding model was built before the corpus was checked")


@pytest.mark.parametrize("corpus", ["missing", "scholar.bib"])
def test_a_corpus_with_nothing_to_index_fails_before_the_embedding_model(
    tmp_path: Path, corpus: str
) -> None:
    """A wrong path, or a Google Scholar export without abstracts, fails in well under a
    second: the model (built once per user, seconds) is not touched first."""
    (tmp_path / "scholar.bib").write_text(
        "@article{a,\n title={A paper},\n author={Doe, Jane},\n year={2020}\n}\n", "utf-8"
    )
    settings = make_settings(tmp_path / "store", corpus=tmp_path / corpus)
    never = _NeverBuilt(Path("unused"), "m", tmp_path / "onnx", "int8")
    with pytest.raises(CorpusError) as info:
        ingest(settings, never)
    assert ("does not exist" if corpus == "missing" else "no papers to index") in str(info.value)


def test_the_embedding_model_is_a_stage_of_the_time_breakdown(
    tmp_path: Path, onnx_cache: Path
) -> None:
    settings = make_settings(tmp_path / "store", corpus=PROFILE)
    report = ingest(settings, settings.get_embeddings())
    assert list(report.stages)[:2] == ["reading the corpus", "the embedding model"]
    assert set(report.stages) <= set(STAGES)


def test_the_bot_re_embeds_an_index_of_an_earlier_recipe_itself(
    store_copy: Path, embeddings: Embeddings
) -> None:
    """After an upgrade that changes int8's recipe, the app answers (re-embedding first, as a
    first build would) instead of refusing every question until `qabot ingest`; the CLI,
    which does not build indexes on its own, still says to run it."""
    path = store_copy / "manifest.json"
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "embedding_backend": "onnx-int8:2"}), "utf-8")
    settings = make_settings(store_copy)
    with pytest.raises(EarlierRecipeError, match="`qabot ingest`"):
        QABot(settings, embeddings=embeddings, auto_ingest=False).search("RLHF")
    assert QABot(settings, embeddings=embeddings).search("RLHF")
    assert json.loads(path.read_text("utf-8"))["embedding_backend"] == BACKEND


# ------------------------------------------------- a corpus file that exists but cannot be read


@pytest.fixture
def two_files(tmp_path: Path, embeddings: Embeddings) -> Settings:
    """An index of two JSONL files: three papers in one, a fourth alone in p03.jsonl."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text("".join(json.dumps(paper_record(n)) + "\n" for n in range(3)))
    (corpus / "p03.jsonl").write_text(json.dumps(paper_record(3)) + "\n")
    settings = make_settings(tmp_path / "store", corpus=corpus, llm="extractive")
    ingest(settings, embeddings)
    return settings


def _fail_reading(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Reading `path` fails as a flaky disk makes it fail (EIO), in this process."""
    import errno

    read_bytes = Path.read_bytes

    def failing(self: Path) -> bytes:
        if self == path:
            raise OSError(errno.EIO, "Input/output error", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", failing)


def test_a_file_that_cannot_be_read_fails_the_ingest_and_its_papers_stay(
    two_files: Settings, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before (issue 29): ingest warned "cannot be read", said "Indexed 3 papers", exit 0, and
    the fourth paper and its vectors were gone from the live index."""
    from qabot.errors import UnreadableFileError

    before = read_manifest(two_files.store)
    assert before is not None and before.papers == 4
    unreadable = two_files.corpus / "p03.jsonl"
    _fail_reading(monkeypatch, unreadable)
    # A changed paper elsewhere is not indexed either: the index stays as it was, whole.
    (two_files.corpus / "a.jsonl").write_text(json.dumps(paper_record(5)) + "\n")
    with pytest.raises(UnreadableFileError) as raised:
        ingest(two_files, embeddings)
    assert str(raised.value) == (
        f"{unreadable}: cannot be read (Input/output error). Nothing was indexed, and the index "
        "keeps the papers it had from it. Run `qabot ingest` again once it can be read, or "
        "move it out of the corpus to drop its papers."
    )
    assert read_manifest(two_files.store) == before
    assert _count(two_files) == before.chunks
    titles = {h.title for h in QABot(two_files, embeddings=embeddings).search("paper 3", k=10)}
    assert paper_record(3)["title"] in titles
    monkeypatch.undo()  # readable again: the next ingest goes ahead
    assert ingest(two_files, embeddings).papers == 2


def test_a_file_that_is_removed_still_drops_its_papers(
    two_files: Settings, embeddings: Embeddings
) -> None:
    """The other side of the rule: a file that is gone, not unreadable, takes its papers."""
    (two_files.corpus / "p03.jsonl").unlink()
    assert ingest(two_files, embeddings).papers == 3


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace for fault injection")
def test_the_issues_eio_on_opening_one_file_under_strace_fails_the_ingest(
    two_files: Settings,
) -> None:
    """The issue's reproduction, as the user runs it: `strace -P FILE -e inject=openat:error=EIO
    qabot ingest` makes the kernel refuse to open that one file."""
    import os
    import subprocess
    import sys

    unreadable = two_files.corpus / "p03.jsonl"
    (two_files.corpus / "a.jsonl").write_text(json.dumps(paper_record(5)) + "\n")
    before = read_manifest(two_files.store)
    env = {
        **os.environ,
        "QABOT_STORE": str(two_files.store),
        "QABOT_CORPUS": str(two_files.corpus),
    }
    command = ["strace", "-f", "-qq", "-o", os.devnull, "-P", str(unreadable)]
    command += ["-e", "trace=openat", "-e", "inject=openat:error=EIO"]
    command += [sys.executable, "-m", "qabot", "ingest"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: {unreadable}: cannot be read (Input/output error). "), last
    assert "the index keeps the papers it had from it" in last
    assert "Indexed" not in done.stdout + done.stderr
    assert read_manifest(two_files.store) == before


def test_themes_are_kept_when_nothing_they_come_from_changed(
    tmp_path: Path,
    embeddings: Embeddings,
    write_jsonl: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 29 item 7: an ingest that re-embeds nothing (a new owner) took 45 s at 4,000 papers
    to compute the same themes again. They are now taken from the previous generation when the
    papers' ids, texts and vectors and the algorithm are the same, and computed otherwise."""
    import qabot.ingest.build as build
    import qabot.portfolio.themes as themes
    from qabot.index.layout import TOPICS

    computed: list[int] = []
    find_topics = build.find_topics

    def counting(*args: Any, **kwargs: Any) -> Any:
        computed.append(1)
        return find_topics(*args, **kwargs)

    monkeypatch.setattr(build, "find_topics", counting)
    records = [paper_record(n) for n in range(12)]
    corpus = write_jsonl(records).parent
    store = tmp_path / "store"

    def run(owner: str) -> list[dict[str, Any]]:
        report = ingest(make_settings(store, corpus=corpus, owner=owner), embeddings)
        assert not report.up_to_date
        return json.loads((_live_folder(store) / TOPICS).read_text("utf-8"))  # type: ignore[no-any-return]

    first = run("Ada Lovelace")
    assert len(computed) == 1 and len(first) >= 4
    assert run("Alan Turing") == first and len(computed) == 1, "a new owner: the same themes"
    snapshot = open_snapshot(make_settings(store, corpus=corpus), MODEL, backend=BACKEND)
    assert [t.paper_ids for t in snapshot.topics or []] == [t["paper_ids"] for t in first]
    records[3]["abstract"] = "We study tidal glaciers and their calving fronts from space."
    write_jsonl(records)
    run("Alan Turing")
    assert len(computed) == 2, "a changed abstract (and its vector): computed again"
    monkeypatch.setattr(themes, "ALGORITHM", "themes-next")
    run("Ada Lovelace")
    assert len(computed) == 3, "another version of the algorithm: computed again"
