"""The contract every vector store behind qabot's seam must keep (qabot.index.vectors).

As haystack ships `DocumentStoreBaseTests`, this module ships the tests; a store's own test
module subclasses `VectorStoreContract` and provides the `store` fixture:

    class TestMyStore(VectorStoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            return MyStore(tmp_path)

tests/index/test_vector_store_contract.py runs it against a local Chroma folder and a real
`chroma run` server. Imports pytest, so it is for test suites only.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from qabot.index.vectors import VectorFilter, VectorIndex, VectorStore

DIM = 8
_names = itertools.count()


def unit(*values: float) -> list[float]:
    vector = np.zeros(DIM, dtype=np.float64)
    vector[: len(values)] = values
    return (vector / np.linalg.norm(vector)).tolist()  # type: ignore[no-any-return]


def chunk(paper: str, number: int, **metadata: object) -> dict[str, object]:
    return {"paper_id": paper, "chunk": number, **metadata}


class VectorStoreContract:
    """What qabot relies on; subclass it and provide a `store` fixture (a fresh, empty store)."""

    @pytest.fixture
    def store(self) -> VectorStore:
        raise NotImplementedError("a store's test module provides the `store` fixture")

    @pytest.fixture
    def index(self, store: VectorStore) -> VectorIndex:
        """An index of five chunks of three papers, with filterable metadata."""
        index = store.create(f"qabot-contract-{next(_names)}", {"embedding_model": "test"})
        index.add(
            ["a::0", "a::1", "b::0", "c::0", "c::1"],
            [unit(1), unit(1, 0.2), unit(0, 1), unit(0.7, 0.7), unit(0, 0, 1)],
            [
                chunk("a", 0, year=2020, category="LG", has_code=True),
                chunk("a", 1, year=2020, category="LG", has_code=True),
                chunk("b", 0, year=2022, category="CL", has_code=False),
                chunk("c", 0, year=2024, category="RO", has_code=False),
                chunk("c", 1, year=2024, category="RO", has_code=False),
            ],
            ["alpha zero", "alpha one", "beta", "gamma zero", "gamma one"],
        )
        return index

    # -- the store ---------------------------------------------------------------------------

    def test_it_is_a_vector_store(self, store: VectorStore) -> None:
        assert isinstance(store, VectorStore)
        assert store.where

    def test_indexes_are_created_listed_opened_and_dropped(self, store: VectorStore) -> None:
        store.check()
        created = store.create("qabot-contract-life", {"embedding_model": "test"})
        assert isinstance(created, VectorIndex) and created.name == "qabot-contract-life"
        assert "qabot-contract-life" in store.names()
        assert store.open("qabot-contract-life").count() == 0
        store.drop("qabot-contract-life")
        assert "qabot-contract-life" not in store.names()
        store.drop("qabot-contract-life")  # dropping what is not there is not an error
        with pytest.raises(Exception):  # noqa: B017 - stores raise their own "not found"
            store.open("qabot-contract-life")

    def test_records_are_replaced_whole(self, store: VectorStore) -> None:
        assert store.load_record("qabot_contract_record") is None
        store.save_record("qabot_contract_record", '{"generation": "one"}')
        store.save_record("qabot_contract_record", '{"generation": "two"}')
        assert store.load_record("qabot_contract_record") == '{"generation": "two"}'

    def test_leftovers_of_dropped_indexes_are_removed(self, store: VectorStore) -> None:
        index = store.create("qabot-contract-leftover", {})
        index.add(["x"], [unit(1)], [chunk("x", 0)])
        index.query(unit(1), 1)
        store.drop("qabot-contract-leftover")
        store.remove_leftovers()
        assert store.leftovers() == []

    def test_an_index_files_do_not_change_when_it_is_read(self, store: VectorStore) -> None:
        index = store.create("qabot-contract-files", {})
        index.add(
            [f"p{n}::0" for n in range(40)],
            [unit(1, n) for n in range(40)],
            [chunk(f"p{n}", 0) for n in range(40)],
        )
        files = store.files("qabot-contract-files")
        assert all(path.is_file() for path in files)
        before = {path: path.read_bytes() for path in files}
        index.query(unit(1), 3)
        index.get(limit=5, vectors=True)
        store.open("qabot-contract-files").query(unit(0, 1), 3)
        assert store.files("qabot-contract-files") == files
        assert {path: path.read_bytes() for path in files} == before

    # -- an index ----------------------------------------------------------------------------

    def test_add_count_and_delete(self, index: VectorIndex) -> None:
        assert index.count() == 5
        assert index.max_batch >= 5
        index.delete(["c::1"])
        assert index.count() == 4
        assert "c::1" not in index.get(["c::1", "c::0"]).ids

    def test_query_ranks_by_cosine_similarity(self, index: VectorIndex) -> None:
        found = index.query(unit(1), 3)
        assert [m.id for m in found] == ["a::0", "a::1", "c::0"]
        assert found[0].similarity == pytest.approx(1.0, abs=1e-5), (
            "cosine: 1 for the same direction"
        )
        assert found[0].similarity >= found[1].similarity >= found[2].similarity
        assert index.query(unit(1), 1)[0].document is None, "documents only when asked"
        assert index.query(unit(1), 1, documents=True)[0].document == "alpha zero"

    def test_query_asks_for_more_than_there_is(self, index: VectorIndex) -> None:
        assert len(index.query(unit(1), 50)) == 5

    def test_query_within_ids(self, index: VectorIndex) -> None:
        found = index.query(unit(1), 5, within=["b::0", "c::1"])
        assert {m.id for m in found} == {"b::0", "c::1"}

    @pytest.mark.parametrize(
        ("where", "expected"),
        [
            pytest.param(VectorFilter(year_from=2022), {"b::0", "c::0", "c::1"}, id="year_from"),
            pytest.param(VectorFilter(year_to=2022), {"a::0", "a::1", "b::0"}, id="year_to"),
            pytest.param(VectorFilter(year_from=2021, year_to=2023), {"b::0"}, id="year-range"),
            pytest.param(
                VectorFilter(categories=["RO", "CL"]), {"b::0", "c::0", "c::1"}, id="categories"
            ),
            pytest.param(VectorFilter(has_code=True), {"a::0", "a::1"}, id="has_code"),
            pytest.param(
                VectorFilter(paper_ids=["a", "c"]), {"a::0", "a::1", "c::0", "c::1"}, id="papers"
            ),
            pytest.param(
                VectorFilter(year_from=2020, categories=["LG"], has_code=False),
                set(),
                id="nothing-passes",
            ),
            pytest.param(VectorFilter(), {"a::0", "a::1", "b::0", "c::0", "c::1"}, id="empty"),
        ],
    )
    def test_query_with_filters(
        self, index: VectorIndex, where: VectorFilter, expected: set[str]
    ) -> None:
        found = index.query(unit(0.5, 0.5), 5, where=where)
        assert {m.id for m in found} == expected

    def test_get_by_ids(self, index: VectorIndex) -> None:
        got = index.get(
            ["b::0", "a::1", "missing::0"], vectors=True, documents=True, metadatas=True
        )
        assert sorted(got.ids) == ["a::1", "b::0"], "ids that do not exist are left out"
        assert got.vectors is not None and got.vectors.shape == (2, DIM)
        assert got.vectors.dtype == np.float32
        by_id = dict(zip(got.ids, range(len(got.ids)), strict=True))
        assert np.allclose(got.vectors[by_id["b::0"]], unit(0, 1), atol=1e-6)
        assert got.documents is not None and got.documents[by_id["a::1"]] == "alpha one"
        assert got.metadatas is not None
        assert got.metadatas[by_id["b::0"]] == chunk(
            "b", 0, year=2022, category="CL", has_code=False
        )
        bare = index.get(["b::0"])
        assert bare.vectors is None and bare.documents is None and bare.metadatas is None

    def test_get_pages_through_everything(self, index: VectorIndex) -> None:
        pages = [index.get(limit=2, offset=offset, metadatas=True) for offset in (0, 2, 4)]
        ids = [i for page in pages for i in page.ids]
        assert sorted(ids) == ["a::0", "a::1", "b::0", "c::0", "c::1"], "each record once"
        assert [len(page.ids) for page in pages] == [2, 2, 1]

    def test_records_without_documents(self, store: VectorStore) -> None:
        """A local qabot index keeps its chunk texts in its own tables, not in the store."""
        index = store.create(f"qabot-contract-{next(_names)}", {})
        index.add(["p::0"], [unit(1)], [chunk("p", 0)])
        assert index.query(unit(1), 1, documents=True)[0].document is None
        assert index.get(["p::0"], documents=True).documents == [None]
