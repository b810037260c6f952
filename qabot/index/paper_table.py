"""The paper table of an index generation, stored as Parquet and read back as columns.

At 100k papers, validating 100k JSON lines into `Paper` models took seconds of every start-up,
before the first question could be answered. The table is columnar now (Apache Parquet through
pyarrow, not a layout of our own): reading it is one call, and a `Paper` is made from its row
only when something asks for that paper. A question needs the two dozen papers it cites; the
statistics that need all of them build them in the background (`QABot.warm_up`).

Generations written before this (papers.jsonl, one JSON object per line) still read, through
the same `PaperTable`; the next `qabot ingest` rewrites them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from qabot.domain.records import Paper
from qabot.index.layout import LEGACY_PAPER_TABLE, PAPER_TABLE

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa

ROWS = 20_000  # papers per row group, and per batch when writing


def schema() -> pa.Schema:
    """The table's columns: one per `Paper` field (tests/index/test_paper_table.py checks that every
    field has one, so a new field cannot be silently dropped at ingest)."""
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    return pa.schema(
        [
            ("paper_id", text),
            ("title", text),
            ("authors", texts),
            ("authors_truncated", pa.bool_()),
            ("affiliations", texts),
            ("category", text),
            ("date", pa.date32()),
            ("date_precision", text),
            ("date_inferred", pa.bool_()),
            ("year", pa.int64()),
            ("has_code", pa.bool_()),
            ("abstract", text),
            ("urls", texts),
            ("venue", text),
            ("keywords", texts),
            ("profile", text),
            ("profiles", texts),
            ("source", text),
        ]
    )


def write_table(path: Path, papers: Iterable[Paper]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    papers, table_schema = list(papers), schema()
    # Written ROWS papers at a time (one row group each; the table is still read in one call),
    # from columns of references to the papers' own values: converting 100k papers at once,
    # or a dict per paper (`model_dump`), cost several hundred MB at the peak of an ingest.
    with pq.ParquetWriter(path, table_schema) as writer:
        for start in range(0, len(papers), ROWS):
            part = papers[start : start + ROWS]
            columns = {name: [getattr(p, name) for p in part] for name in table_schema.names}
            writer.write_table(pa.Table.from_pydict(columns, schema=table_schema))
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed memory otherwise


def read_table(data: bytes) -> PaperTable:
    """The Parquet table in `data` (already read and checksummed by the caller). Raises
    ValueError when it is not a readable paper table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Arrow gets a copy of the bytes in its own memory. Given the caller's bytes object
    # (pq.read_table(io.BytesIO(data))), Arrow's readers held that Python object, and when a
    # worker thread of Arrow's let go of it after the interpreter had begun to exit, it needed
    # the GIL and aborted the process ("terminate called without an active exception", exit
    # 134, after the script's output; 44 of 60 runs of a three-line script; apache/arrow issue
    # 34314). Arrow's own memory is freed without Python: 0 of 150.
    owned = pa.allocate_buffer(len(data))
    memoryview(owned).cast("B")[:] = data
    try:
        with pq.ParquetFile(pa.BufferReader(owned)) as file:
            table = file.read()
    except (pa.ArrowException, OSError) as exc:
        raise ValueError(f"unreadable Parquet ({exc})") from exc
    if "paper_id" not in table.column_names:
        raise ValueError("no paper_id column")
    return PaperTable({name: table.column(name) for name in table.column_names})


def _as_list(values: Sequence[Any]) -> list[Any]:
    to_pylist = getattr(values, "to_pylist", None)  # an Arrow array
    return to_pylist() if to_pylist is not None else list(values)  # type: ignore[no-any-return]


def _item(values: Sequence[Any], index: int) -> Any:
    value = values[index]
    return value.as_py() if hasattr(value, "as_py") else value  # an Arrow scalar


def table_file(folder: Path) -> str:
    """The name of the paper table a generation folder has: the Parquet one, unless only the
    older papers.jsonl is there."""
    legacy = not (folder / PAPER_TABLE).exists() and (folder / LEGACY_PAPER_TABLE).exists()
    return LEGACY_PAPER_TABLE if legacy else PAPER_TABLE


def parse(name: str, data: bytes) -> PaperTable:
    """The table in `data`, read as the file `name` (`table_file`) is written. Raises
    ValueError for a table that is not readable."""
    return read_table(data) if name == PAPER_TABLE else read_legacy(data)


def read_legacy(data: bytes) -> PaperTable:
    """A papers.jsonl table of an older generation. Raises ValueError (pydantic's
    ValidationError and UnicodeDecodeError are ValueErrors)."""
    # Split on newlines only: str.splitlines() would also split inside JSON strings that hold
    # U+2028 and other Unicode line separators.
    lines = [line.rstrip("\r") for line in data.decode("utf-8").split("\n")]
    return PaperTable.of([Paper.model_validate_json(line) for line in lines if line.strip()])


class PaperTable(Sequence[Paper]):
    """The papers of one generation, in table order: columns, each row made a `Paper` when
    first asked for (and kept). Iterating makes them all; `paper_ids` does not."""

    def __init__(self, columns: Mapping[str, Sequence[Any]]) -> None:
        """`columns`: lists, or Arrow arrays (from the Parquet file), which become lists only
        when a whole column is asked for: converting all of them took a second of the first
        answer at 100k papers, which needs only the rows it cites."""
        fields = Paper.model_fields
        # Columns of a newer version that this one does not know are left out; fields that an
        # older table lacks take their defaults.
        self._columns = {name: values for name, values in columns.items() if name in fields}
        self.paper_ids: list[str] = _as_list(columns["paper_id"])
        self._columns["paper_id"] = self.paper_ids
        self._rows: list[Paper | None] = [None] * len(self.paper_ids)

    @classmethod
    def of(cls, papers: list[Paper]) -> PaperTable:
        table = cls({"paper_id": [p.paper_id for p in papers]})
        table._rows = list(papers)
        return table

    def __len__(self) -> int:
        return len(self.paper_ids)

    def column(self, name: str) -> list[Any]:
        """One field of every paper, without making any `Paper` (filters, statistics)."""
        if name in self._columns:
            values = self._columns[name]
            if not isinstance(values, list):  # an Arrow array: converted once, then kept
                values = self._columns[name] = _as_list(values)
            return values
        if self._rows and all(row is not None for row in self._rows):  # a table `of` Papers
            return [getattr(row, name) for row in self._rows]
        field = Paper.model_fields[name]  # a column an older table lacks: its default
        return [field.get_default(call_default_factory=True) for _ in self._rows]

    def value(self, name: str, index: int) -> Any:
        """One field of one paper, without making it a `Paper` (a chunk's text is a span of
        its paper's abstract: qabot.index.passages)."""
        row = self._rows[index]
        if row is None and name in self._columns:
            return _item(self._columns[name], index)
        return getattr(self[index], name)

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> list[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | list[Paper]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        paper = self._rows[index]
        if paper is None:
            # Validated when it was ingested and checksummed when it was read: construct, do
            # not validate again (that is what made start-up slow).
            paper = Paper.model_construct(**{k: _item(v, index) for k, v in self._columns.items()})
            self._rows[index] = paper  # a race only makes an equal Paper twice
        return paper

    def __iter__(self) -> Iterator[Paper]:
        # Every row is wanted (the statistics): convert whole columns first, since making 100k
        # papers from Arrow scalars is 2.7x slower than from lists, and once every column is a
        # list the Arrow buffers are freed.
        for name in list(self._columns):
            self.column(name)
        for i in range(len(self.paper_ids)):
            yield self[i]
