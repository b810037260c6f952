"""Silent damage to an index is found (at open where cheap, always by ingest and `check`) and
repaired by ingest; Chroma segment folders nobody uses are removed, and only those."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from qabot import QABot, Settings
from qabot.embeddings.factory import embedding_backend
from qabot.errors import IndexCorruptError, IndexStoreError
from qabot.index.checksums import fingerprint
from qabot.index.chroma import _referenced_segments, _segment_folders, forget_cached_client
from qabot.index.integrity import check_index
from qabot.index.layout import generation_dir
from qabot.index.manifest import Manifest, read_manifest
from qabot.index.snapshot import open_snapshot
from qabot.ingest.build import ingest
from tests.conftest import make_settings, paper_record

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
BACKEND = embedding_backend(Settings().get_embeddings())  # as an index records the fixture's


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> Path:
    """A six-paper index, built once; tests copy it."""
    root = tmp_path_factory.mktemp("small")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "papers.jsonl").write_text(
        "".join(json.dumps(paper_record(n)) + "\n" for n in range(6))
    )
    ingest(make_settings(root / "store", corpus=corpus), embeddings)
    return root


@pytest.fixture
def small(small_store: Path, tmp_path: Path) -> Settings:
    """Settings for a copy of the six-paper index, over the same corpus (papers record their
    source path, so a copied corpus would be a changed one)."""
    shutil.copytree(small_store / "store", tmp_path / "store")
    return make_settings(tmp_path / "store", corpus=small_store / "corpus")


def _live(store: Path) -> Path:
    return generation_dir(store, read_manifest(store).generation)  # type: ignore[union-attr]


def _overwrite_keeping_size(path: Path) -> None:
    """Zero the bytes of the second half of the file: the damage the issue describes."""
    data = bytearray(path.read_bytes())
    half = len(data) // 2
    data[half:] = bytes(len(data) - half) if any(data[half:]) else b"\x01" * (len(data) - half)
    path.write_bytes(bytes(data))


def test_every_file_of_a_generation_is_recorded_in_the_manifest(small: Settings) -> None:
    manifest = read_manifest(small.store)
    folder = _live(small.store)
    assert manifest is not None and manifest.files == fingerprint(folder)
    assert {
        "papers.parquet",
        "chunks.json",
        "summary.json",
        "vocabulary.json",
        "lexical/indptr.csc.index.npy",
        "lexical/data.csc.index.npy",
    } <= set(manifest.files)


def test_the_issues_example_bm25_indptr_overwritten_keeping_its_size(
    small: Settings, embeddings: Embeddings
) -> None:
    """Before: lexical search found nothing, hybrid ran dense-only, ingest said up to date."""
    settings = small
    path = _live(settings.store) / "lexical" / "indptr.csc.index.npy"
    size = path.stat().st_size
    _overwrite_keeping_size(path)
    assert path.stat().st_size == size
    with pytest.raises(IndexCorruptError, match=r"lexical.*Run `qabot ingest` to repair"):
        QABot(settings, embeddings=embeddings).search("glaciers", mode="lexical")
    check = check_index(settings)
    assert not check.ok and any("indptr" in p.part for p in check.problems), check
    report = ingest(settings, embeddings)
    assert not report.up_to_date, "a damaged index is not 'up to date'"
    assert report.embedded == 0, "the repair reuses the stored vectors"
    assert any("indptr" in line for line in report.repaired)
    hits = QABot(settings, embeddings=embeddings).search("glaciers", mode="lexical")
    assert hits and hits[0].title.startswith("A study of glaciers")
    assert check_index(settings).ok


@pytest.mark.parametrize(
    "name",
    [
        "papers.parquet",
        "chunks.json",
        "topics.json",
        "lexical/params.index.json",
        "lexical/vocab.index.json",
        "lexical/indptr.csc.index.npy",
        "lexical/data.csc.index.npy",
        "lexical/indices.csc.index.npy",
    ],
)
def test_same_size_damage_to_any_file_is_found_by_ingest_and_check_and_repaired(
    small: Settings, embeddings: Embeddings, name: str
) -> None:
    settings = small
    before = read_manifest(settings.store)
    _overwrite_keeping_size(_live(settings.store) / name)
    check = check_index(settings)
    assert [p.part.split("/", 1)[1] for p in check.problems] == [name], check.problems
    assert "qabot ingest" in check.problems[0].fix
    report = ingest(settings, embeddings)
    assert not report.up_to_date
    # The chunk table says which stored vector belongs to which text; without it, re-embed.
    assert report.embedded == (report.chunks if name == "chunks.json" else 0)
    assert report.repaired and report.repaired[0].startswith(name)
    assert read_manifest(settings.store).generation != before.generation  # type: ignore[union-attr]
    assert check_index(settings).ok
    assert ingest(settings, embeddings).up_to_date


@pytest.mark.parametrize(
    "name",
    [
        "chunks.json",
        "topics.json",
        "lexical/vocab.index.json",
        "lexical/indptr.csc.index.npy",
        "lexical/params.index.json",
        # Memory-mapped: damage that kept their size was searched without a word (issue 29).
        "lexical/data.csc.index.npy",
        "lexical/indices.csc.index.npy",
    ],
)
def test_damage_to_the_files_opening_reads_is_refused_at_open(small: Settings, name: str) -> None:
    _overwrite_keeping_size(_live(small.store) / name)
    with pytest.raises(IndexCorruptError, match=f"{name}|lexical/"):
        open_snapshot(small, MODEL, backend=BACKEND)


def test_a_damaged_paper_table_is_refused_when_first_parsed(small: Settings) -> None:
    _overwrite_keeping_size(_live(small.store) / "papers.parquet")
    snapshot = open_snapshot(small, MODEL, backend=BACKEND)  # parsed on first use, not at open
    with pytest.raises(IndexCorruptError, match="papers.parquet: content changed"):
        _ = snapshot.papers


def test_a_changed_size_is_refused_at_open(small: Settings) -> None:
    path = _live(small.store) / "lexical" / "data.csc.index.npy"
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(IndexCorruptError, match="data.csc.index.npy: .* bytes, recorded"):
        open_snapshot(small, MODEL, backend=BACKEND)


def test_a_damaged_summary_is_recomputed_and_rewritten_not_fatal(
    small: Settings, embeddings: Embeddings
) -> None:
    settings = small
    path = _live(settings.store) / "summary.json"
    good = path.read_text()
    path.write_text(good.replace("Ada Lovelace", "Ada Lovelacf"))
    assert "Ada Lovelace" in open_snapshot(settings, MODEL, backend=BACKEND).summary.authors
    assert ingest(settings, embeddings).up_to_date
    assert path.read_text() == good and check_index(settings).ok


def test_check_reports_a_missing_index_and_a_missing_collection(
    small: Settings, tmp_path: Path
) -> None:
    missing = check_index(make_settings(tmp_path / "nothing"))
    assert not missing.ok and "qabot ingest" in missing.problems[0].fix
    settings = small
    settings.get_vector_store().drop(read_manifest(settings.store).collection)  # type: ignore[union-attr]
    check = check_index(settings)
    assert not check.ok and "cannot be opened" in check.problems[0].what


def test_check_reads_the_chunk_text_spans_and_notes_a_store_with_texts_in_chroma_or_unknown(
    small: Settings,
) -> None:
    from qabot.index.checksums import FileSum, digest_bytes
    from qabot.index.passages import IN_CHROMA

    assert check_index(small).ok and not any(
        "Chroma, as qabot did" in n for n in check_index(small).notes
    )
    manifest = read_manifest(small.store)
    assert manifest is not None
    table = json.loads((_live(small.store) / "chunks.json").read_text())
    table["end"][0] = -5  # a writer's mistake, recorded as written: checksums cannot see it
    data = json.dumps(table).encode()
    (_live(small.store) / "chunks.json").write_bytes(data)
    files = manifest.files | {"chunks.json": FileSum(size=len(data), xxh3=digest_bytes(data))}
    (small.store / "manifest.json").write_text(
        manifest.model_copy(update={"files": files}).model_dump_json()
    )
    check = check_index(small)
    assert not check.ok and check.problems[0].part.endswith("chunks.json")
    assert "spans cannot be read" in check.problems[0].what
    older = manifest.model_copy(update={"files": files, "passages": IN_CHROMA})
    (small.store / "manifest.json").write_text(older.model_dump_json())
    assert any("the next `qabot ingest` rewrites it" in n for n in check_index(small).notes)
    newer = manifest.model_copy(update={"files": files, "passages": "parquet-v9"})
    (small.store / "manifest.json").write_text(newer.model_dump_json())
    check = check_index(small)  # a newer qabot's store: this one cannot read its chunk texts
    assert [p.part for p in check.problems] == ["manifest.json"]
    assert "'parquet-v9'" in check.problems[0].what and "upgrade qabot" in check.problems[0].fix


# ------------------------------------------------------------------ Chroma's leftover folders


def test_segment_folders_of_pruned_generations_and_killed_ingests_are_removed(
    small: Settings, embeddings: Embeddings
) -> None:
    settings = small
    chroma = settings.store / "chroma"
    client = settings.get_vector_store().client  # Chroma's own client: foreign collections
    # A killed ingest: its collection got vectors (so a segment folder), then it died.
    dead = client.create_collection("qabot-19990101T000000-dead00", embedding_function=None)
    dead.add(ids=["a", "b"], embeddings=[[0.1] * 384, [0.2] * 384])
    # Somebody else's collection in the same database, and a folder Chroma did not make.
    other = client.create_collection("not-qabot", embedding_function=None)
    other.add(ids=["x"], embeddings=[[0.3] * 384])
    (chroma / "notes").mkdir()
    before = {f.name for f in _segment_folders(chroma)}
    assert len(before) == 3
    assert any("qabot-19990101T000000-dead00" in note for note in check_index(settings).notes)
    corpus = chroma.parent.parent / "corpus"
    corpus.mkdir()
    settings = settings.model_copy(update={"corpus": corpus})
    for n in range(3):  # each changed corpus makes a generation; keep_generations=2 prunes one
        (corpus / "papers.jsonl").write_text(
            "".join(json.dumps(paper_record(i + n)) + "\n" for i in range(6))
        )
        ingest(settings, embeddings)
    manifest = read_manifest(settings.store)
    names = {c.name for c in client.list_collections()}
    assert names == {"not-qabot", *(f"qabot-{g}" for g in manifest.history)}  # type: ignore[union-attr]
    folders = {f.name for f in _segment_folders(chroma)}
    assert folders == _referenced_segments(chroma) & folders, "no folder without a segment"
    assert len(folders) == len(manifest.history) + 1, "one per kept generation, plus not-qabot's"  # type: ignore[union-attr]
    assert len(before & folders) == 1, "of the first three, only not-qabot's folder is left"
    assert (chroma / "notes").is_dir(), "only Chroma's own segment folders are touched"
    assert settings.get_vector_store().leftovers() == []
    assert QABot(settings, embeddings=embeddings).search("glaciers")
    assert other.count() == 1


# ------------------------------------------------------------------ a read-only store


def _immutable_supported(path: Path) -> str | None:
    probe = path / "probe"
    probe.write_text("x")
    try:
        done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, text=True)
    except FileNotFoundError:
        return "chattr is not installed"
    if done.returncode != 0:
        return f"this filesystem has no immutable flag ({done.stderr.strip()})"
    try:
        probe.write_text("y")
    except OSError:
        return None
    finally:
        subprocess.run(["chattr", "-i", str(probe)], check=False)
        probe.unlink()
    return "the immutable flag does not stop writes here"


@pytest.fixture
def immutable(tmp_path: Path) -> Callable[[Path], None]:
    reason = _immutable_supported(tmp_path)
    if reason:
        pytest.skip(reason)
    frozen: list[Path] = []

    def freeze(path: Path) -> None:
        subprocess.run(["chattr", "-R", "+i", str(path)], check=True)
        frozen.append(path)

    yield freeze
    for path in frozen:
        subprocess.run(["chattr", "-R", "-i", str(path)], check=False)


def test_a_read_only_store_is_one_clear_line(
    small: Settings, embeddings: Embeddings, immutable: Callable[[Path], None]
) -> None:
    settings = small
    forget_cached_client(settings.store / "chroma")
    immutable(settings.store)
    with pytest.raises(IndexStoreError) as caught:
        QABot(settings, embeddings=embeddings, auto_ingest=False).ask("What about glaciers?")
    message = str(caught.value)
    assert "\n" not in message and str(settings.store) in message
    assert "read-only" in message and "QABOT_STORE" in message and "chattr -R -i" in message


def test_only_chromas_folder_needs_to_be_writable_to_answer(
    small: Settings, embeddings: Embeddings, immutable: Callable[[Path], None]
) -> None:
    """qabot itself writes nothing when answering: its tables and manifest can be frozen."""
    settings = small.model_copy(update={"llm": "extractive"})
    immutable(settings.store / "generations")
    immutable(settings.store / "manifest.json")
    answer = QABot(settings, embeddings=embeddings).ask("What about glaciers?")
    assert answer.citations
    assert check_index(settings).ok


# ------------------------------------------------------------------ the vector index's files

HNSW_FILES = {"data_level0.bin", "header.bin", "length.bin", "link_lists.bin"}


@pytest.fixture(scope="module")
def hnsw_store(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> Path:
    """A 24-paper index whose HNSW files Chroma has written (its default writes them every
    1,000 vectors; this index's collection every 10, and the last 8 stay in Chroma's log, as
    the last vectors of every real ingest do), built once; tests copy it."""
    root = tmp_path_factory.mktemp("hnsw")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "papers.jsonl").write_text(
        "".join(json.dumps(paper_record(n)) + "\n" for n in range(24))
    )
    settings = make_settings(root / "store", corpus=corpus, index={"batch_size": 2})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "qabot.index.chroma.HNSW_CONFIGURATION", {"space": "cosine", "sync_threshold": 10}
        )
        ingest(settings, embeddings)
    forget_cached_client(root / "store" / "chroma")
    return root


@pytest.fixture
def hnsw(hnsw_store: Path, tmp_path: Path) -> Settings:
    shutil.copytree(hnsw_store / "store", tmp_path / "store")
    return make_settings(tmp_path / "store", corpus=hnsw_store / "corpus", llm="extractive")


def _vector_file(store: Path, name: str, manifest: Manifest | None = None) -> Path:
    """One HNSW file of the live generation's collection, as `manifest` (or the live one)
    records it."""
    manifest = manifest or read_manifest(store)
    assert manifest is not None and manifest.vector_files
    return store / next(p for p in manifest.vector_files if p.endswith(f"/{name}"))


def _qabot_process(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own: a segfault there fails the test, not pytest."""
    import os
    import sys

    env = {**os.environ, "QABOT_STORE": str(settings.store), "QABOT_CORPUS": str(settings.corpus)}
    env["QABOT_LLM"] = "extractive"
    return subprocess.run(
        [sys.executable, "-m", "qabot", *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_the_hnsw_files_are_recorded_once_written_and_reading_leaves_them_as_they_were(
    hnsw: Settings, embeddings: Embeddings
) -> None:
    manifest = read_manifest(hnsw.store)
    assert manifest is not None and manifest.vector_files, "a persisted HNSW index is recorded"
    names = {Path(p).name for p in manifest.vector_files}
    assert names >= HNSW_FILES | {"index_metadata.pickle"}, names
    segments = {Path(p).parent.as_posix() for p in manifest.vector_files}
    assert len(segments) == 1 and next(iter(segments)).startswith("chroma/")
    QABot(hnsw, embeddings=embeddings).ask("What about glaciers?")
    assert check_index(hnsw).ok
    assert ingest(hnsw, embeddings).up_to_date
    forget_cached_client(hnsw.store / "chroma")
    assert QABot(hnsw, embeddings=embeddings).search("violins")
    again = fingerprint(hnsw.store / next(iter(segments)))
    assert {f"{next(iter(segments))}/{n}": s for n, s in again.items()} == manifest.vector_files


def test_the_issues_example_16_bytes_in_data_level0_is_refused_and_repaired_not_a_segfault(
    hnsw: Settings, embeddings: Embeddings
) -> None:
    """Before: on the issue's 4,000-paper index, `qabot check`, `ask` and `ingest` died of a
    segfault (exit 139) saying nothing; on this small one `check` said OK and questions were
    answered from the damaged graph. Each command runs in a process of its own."""
    path = _vector_file(hnsw.store, "data_level0.bin")
    with path.open("r+b") as fh:  # the link list of the middle vector: Chroma follows it
        fh.seek(path.stat().st_size // 2)
        fh.write(b"\xff" * 16)
    check = _qabot_process(hnsw, "check")
    assert check.returncode == 1, (check.returncode, check.stdout, check.stderr)
    assert "data_level0.bin: content changed" in check.stdout
    assert "fix: run `qabot ingest`" in check.stdout
    for command in (["ask", "What about glaciers?"], ["search", "violins"]):
        done = _qabot_process(hnsw, *command)
        assert done.returncode == 1, (command, done.returncode, done.stderr)
        error = done.stderr.strip()
        assert "\n" not in error and "data_level0.bin" in error, error
        assert "Run `qabot ingest` to repair it" in error
    repair = _qabot_process(hnsw, "ingest")
    assert repair.returncode == 0, (repair.returncode, repair.stderr)
    assert "The live index was damaged (chroma/" in repair.stderr
    assert "24 embedded, 0 reused" in repair.stderr, "a damaged vector index is not reused"
    assert check_index(hnsw).ok
    assert QABot(hnsw, embeddings=embeddings).search("violins")


def test_a_vector_file_cut_to_half_is_refused_at_open_and_by_check(hnsw: Settings) -> None:
    """Before: `check` said OK and dense results quietly changed."""
    path = _vector_file(hnsw.store, "data_level0.bin")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexCorruptError, match=r"data_level0.bin: \d+ bytes, recorded \d+"):
        open_snapshot(hnsw, MODEL, backend=BACKEND)
    check = check_index(hnsw)
    assert [Path(p.part).name for p in check.problems] == ["data_level0.bin"], check.problems
    assert "embeds its chunks again" in check.problems[0].fix


def test_check_and_ingest_survive_chroma_crashing_on_an_index_without_recorded_files(
    hnsw: Settings, embeddings: Embeddings
) -> None:
    """An index built before the HNSW files were recorded: `check` opens Chroma in a child
    process, reports its crash as damage with the fix, and `ingest` repairs it."""
    manifest = read_manifest(hnsw.store)
    assert manifest is not None
    legacy = manifest.model_copy(update={"vector_files": None})
    (hnsw.store / "manifest.json").write_text(legacy.model_dump_json())
    with _vector_file(hnsw.store, "header.bin", manifest).open("r+b") as fh:
        fh.seek(4 + 2 * 8)  # the number of vectors in the graph
        fh.write(b"\xff" * 8)
    check = _qabot_process(hnsw, "check")
    assert check.returncode == 1, (check.returncode, check.stdout, check.stderr)
    assert "crashes the process (SIGSEGV)" in check.stdout, check.stdout
    assert "fix: run `qabot ingest`" in check.stdout
    repair = _qabot_process(hnsw, "ingest")
    assert repair.returncode == 0, (repair.returncode, repair.stderr)
    assert "crashes the process" in repair.stderr and "24 embedded, 0 reused" in repair.stderr
    assert read_manifest(hnsw.store).vector_files is not None  # type: ignore[union-attr]
    assert check_index(hnsw).ok


def test_an_up_to_date_index_without_recorded_files_gets_them_recorded(
    hnsw: Settings, embeddings: Embeddings
) -> None:
    manifest = read_manifest(hnsw.store)
    assert manifest is not None and manifest.vector_files
    legacy = manifest.model_copy(update={"vector_files": None})
    (hnsw.store / "manifest.json").write_text(legacy.model_dump_json())
    assert any("not checksummed" in n for n in check_index(hnsw).notes)
    assert ingest(hnsw, embeddings).up_to_date
    assert read_manifest(hnsw.store).vector_files == manifest.vector_files  # type: ignore[union-attr]
