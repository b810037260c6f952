"""The bundled MiniLM through ONNX Runtime: no torch, at serving time or ever, and an int8 variant.

The ONNX files are built once per user from the bundled weights, on first use or by
`qabot ingest`: the graph is written op by op from the packaged safetensors
(`qabot.embeddings.minilm_graph`, needing numpy and `onnx` only) and checked against vectors
sentence-transformers gave for a few probe texts (`minilm_reference.json`, itself checked
against sentence-transformers by a dev test). Serving then needs only `onnxruntime` and
`tokenizers`, which chromadb already depends on. torch and sentence-transformers are the
`torch` extra, for `QABOT_INDEX__BACKEND=torch` and for the dev checks.

Cache layout (`QABOT_INDEX__ONNX_CACHE`, default the user's cache folder, e.g.
`~/.cache/qabot/onnx/`; shared by every store of that user):

    <model>-<key>/model-fp32.onnx       built from the bundled weights
    <model>-<key>/model-int8-r3.onnx    the fp32 file with dynamic int8 MatMul weights (all
                                        but the first layer's feed-forward down-projection)
    <model>-<key>/<file>.xxh3           each file's checksum, verified whenever it is opened
    <model>-<key>/.export.lock          one exporting process at a time

`<key>` changes with the weights or the export recipe, and the int8 file's name with its
quantisation recipe (`INT8_REVISION`), so a new model or recipe never reads an old file; a new
int8 recipe is made from the cached fp32 file and replaces the earlier int8 file. Each file is
written under a temporary name and renamed into place only once it has been checked, with its
checksum beside it, so an export that fails or is killed leaves nothing a later run would
load, and a file damaged later is built again rather than loaded.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import tempfile
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import numpy as np
from filelock import FileLock
from langchain_core.embeddings import Embeddings

from qabot.errors import ConfigError

log = logging.getLogger(__name__)

Variant = Literal["fp32", "int8"]
# Bump when the export changes: it is part of the cache folder's name. (It still names int8's
# first recipe because both files were once keyed by this one string; keeping it keeps the fp32
# files exported before, so a new int8 recipe is made from them without torch.)
RECIPE = "minilm-graph-opset17/int8-dynamic-matmul-per-channel/v2"
# Bump when the quantisation changes: it names the int8 file, and it is part of the backend an
# index records (`Manifest.embedding_backend`), so an index embedded with an earlier recipe is
# re-embedded by `qabot ingest`, and refused until then, rather than queried with vectors of
# another quantisation. A plain "onnx-int8" is the first recipe (every constant MatMul int8).
# 3: the fp32 graph built from the weights instead of traced through torch (fp32 vectors agree
# to cosine 0.9999998; int8's move at its own noise level, so an index is re-embedded).
INT8_REVISION = 3
BACKEND_IDS: dict[Variant, str] = {"fp32": "onnx-fp32", "int8": f"onnx-int8:{INT8_REVISION}"}
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Checked before a file is renamed into place: a broken export must never be cached.
PROBE = [
    "Bayesian inverse reinforcement learning from human demonstrations.",
    "A robot learns what people want by watching them.",
    "x",
]
MIN_PROBE_COSINE = {"fp32": 0.999, "int8": 0.95}


def model_key(model_path: Path) -> str:
    """A cache folder name that changes when the weights or the export recipe do. Sizes and
    modification times stand in for the content: hashing 90 MB would slow every start-up."""
    digest = hashlib.sha256(RECIPE.encode())
    for name in sorted(os.listdir(model_path)):
        path = model_path / name
        if path.is_file():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return f"{model_path.parent.name or 'model'}-{digest.hexdigest()[:12]}"


def onnx_file(cache: Path, model_path: Path, variant: Variant) -> Path:
    name = "model-fp32.onnx" if variant == "fp32" else f"model-int8-r{INT8_REVISION}.onnx"
    return cache / model_key(model_path) / name


def checksum(path: Path) -> str:
    """xxh3-128 of the file: about 20 ms for the 60 MB int8 model, so it runs at every open."""
    import xxhash

    digest = xxhash.xxh3_128()
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".xxh3")


def verified(path: Path) -> bool:
    """The cached file is there and matches the checksum written beside it when it was built."""
    try:
        return path.is_file() and _sidecar(path).read_text("ascii").strip() == checksum(path)
    except OSError:
        return False


def ensure_exported(cache: Path, model_path: Path, variant: Variant) -> Path:
    """The cached ONNX file of `variant`, verified by its checksum; built (and quantised) first
    if it is missing or damaged."""
    target = onnx_file(cache, model_path, variant)
    if verified(target):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target.parent / ".export.lock")):
            if verified(target):  # another process exported it while this one waited
                return target
            if target.is_file():
                log.warning("%s does not match its checksum: building it again", target)
            _remove_leftovers(target.parent)
            fp32 = onnx_file(cache, model_path, "fp32")
            if not verified(fp32):
                _atomic(fp32, lambda tmp: _export_fp32(model_path, tmp))
            if variant == "int8":
                _atomic(target, lambda tmp: _quantize_int8(fp32, model_path, tmp))
                _remove_earlier_int8(target.parent)
    except ImportError as exc:
        raise ConfigError(
            f"Building the embedding model's ONNX file needs the onnx package ({exc.name} is "
            "missing): pip install onnx (qabot's install does), or copy a built cache into "
            f"{cache}/."
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"Cannot write the ONNX model cache in {cache}/ ({exc.strerror or type(exc).__name__}"
            "). Point QABOT_INDEX__ONNX_CACHE at a writable folder, or set "
            "QABOT_INDEX__BACKEND=torch."
        ) from exc
    return target


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of an export that was killed (only ever removed under the lock)."""
    for path in folder.glob(".*.onnx.tmp*"):
        log.info("removing %s, left by an interrupted export", path)
        path.unlink(missing_ok=True)


def _remove_earlier_int8(folder: Path) -> None:
    """Earlier recipes' int8 files (only older ones: a newer qabot sharing the cache keeps its
    own). Best effort: the new file is in place, and a file another user owns may stay."""
    older = ["model-int8.onnx", *(f"model-int8-r{n}.onnx" for n in range(2, INT8_REVISION))]
    for name in older:
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError as exc:
            log.warning(
                "could not remove %s, an earlier int8 recipe's file: %s", folder / name, exc
            )


def _atomic(target: Path, write: Any) -> None:
    """Run `write(tmp)` (which checks what it wrote) and only then rename it to `target`."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; replicas run as other users
        # The checksum first: a file in place without one is built again, never trusted.
        _sidecar(target).write_text(checksum(tmp) + "\n", "ascii")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _check(path: Path, model_path: Path, want: np.ndarray, minimum: float) -> None:
    """The written file is a valid model whose vectors of the probe texts match `want`."""
    import onnx

    onnx.checker.check_model(str(path))
    got = encode(open_session(path), load_tokenizer(model_path), PROBE)
    cosine = float(np.min(np.sum(got * want, axis=1)))
    if cosine < minimum:
        raise ConfigError(
            f"The exported {path.name} gives vectors unlike the reference (cosine {cosine:.4f}"
            f" < {minimum}); not caching it. Report this; QABOT_INDEX__BACKEND=torch (the torch "
            "extra) embeds without ONNX."
        )


REFERENCE = Path(__file__).with_name("minilm_reference.json")


def reference_vectors(model_path: Path) -> np.ndarray:
    """What sentence-transformers gives for `PROBE` with the weights in `model_path`: the
    stored vectors when they were made from these very weights (no torch needed), else
    sentence-transformers itself (the `torch` extra)."""
    stored = json.loads(REFERENCE.read_text("utf-8"))
    weights = model_path / "model.safetensors"
    if stored["texts"] == PROBE and stored["model_sha256"] == _sha256(weights):
        return np.asarray(stored["vectors"], dtype=np.float32)
    try:
        return sentence_transformers_vectors(model_path, PROBE)
    except ImportError as exc:
        raise ConfigError(
            f"{weights} is not the model the stored reference vectors were made from, so the "
            "ONNX file built from it cannot be checked without sentence-transformers: "
            "pip install 'qabot[torch]'."
        ) from exc


def sentence_transformers_vectors(model_path: Path, texts: list[str]) -> np.ndarray:
    """Normalised vectors from sentence-transformers itself (needs torch)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu")
    return np.asarray(model.encode(texts, normalize_embeddings=True), dtype=np.float32)


def write_reference(model_path: Path, path: Path = REFERENCE) -> None:
    """Store sentence-transformers' vectors of `PROBE` for these weights (a dev step, run
    when the bundled model changes: `python -m qabot.embeddings.onnx --write-reference`)."""
    vectors = sentence_transformers_vectors(model_path, PROBE)
    data = {
        "model_sha256": _sha256(model_path / "model.safetensors"),
        "texts": PROBE,
        "vectors": [[round(float(x), 8) for x in row] for row in vectors],
    }
    path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _export_fp32(model_path: Path, out: Path) -> None:
    """Write sentence-transformers' pipeline (BERT, mean pooling, normalisation) as one ONNX
    graph from the weights (`qabot.embeddings.minilm_graph`), and check it against
    sentence-transformers' vectors of the probe texts."""
    from qabot.embeddings.minilm_graph import build_minilm_onnx

    log.warning("building the embedding model's ONNX file in %s (once per user)", out.parent)
    build_minilm_onnx(model_path, out)
    _check(out, model_path, reference_vectors(model_path), MIN_PROBE_COSINE["fp32"])


def fp32_matmuls(model: Any) -> list[str]:
    """The MatMuls left in fp32: the first encoder layer's feed-forward down-projection, the
    first MatMul (in graph order) whose constant weight maps the intermediate width back to the
    hidden width. Its input, after GELU, carries BERT's large outlier activations, which one
    int8 scale per run rounds away. Leaving it alone cut int8's mean cosine error to fp32 by a
    fifth (0.99484 -> 0.99600 on 1,500 SciFact chunks) for about 6% of the model's MACs; all six
    layers' down-projections gained more (0.99767) but cost 15-20% of the speed
    (docs/measurements.md, "Which MatMuls stay fp32"). Found by shape, not by the exporter's
    node names, which change between torch versions."""
    weights = {w.name: tuple(w.dims) for w in model.graph.initializer}
    for node in model.graph.node:
        shape = (
            weights.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) > 1 else None
        )
        if shape and len(shape) == 2 and shape[0] > shape[1]:
            # The quantiser excludes nodes by name: an unnamed one cannot be excluded alone.
            return [node.name] if node.name else []
    return []


def float_matmuls(model: Any) -> list[str]:
    """The MatMuls whose weight is still a float matrix: after quantising, exactly the ones
    `fp32_matmuls` named, or the file is not the recipe it is cached as."""
    from onnx import TensorProto

    floats = {w.name for w in model.graph.initializer if w.data_type == TensorProto.FLOAT}
    return [
        n.name
        for n in model.graph.node
        if n.op_type == "MatMul" and len(n.input) > 1 and n.input[1] in floats
    ]


def _quantize_int8(fp32: Path, model_path: Path, out: Path) -> None:
    """Dynamic int8 weights for the MatMuls with a constant weight matrix but the one
    `fp32_matmuls` names, one scale per output channel; activations are quantised per run at
    run time, so no calibration set is needed. Per-tensor weight scales cost far more accuracy,
    and static (calibrated) activation scales were less faithful and no faster
    (docs/measurements.md)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = fp32_matmuls(onnx.load(str(fp32), load_external_data=False))
    if not keep:  # an export this recipe does not know: refuse rather than cache a guess
        raise ConfigError(
            f"{fp32}: no named feed-forward down-projection found to keep in "
            "fp32; set QABOT_INDEX__BACKEND=onnx-fp32 and report this."
        )

    log.warning("quantising the ONNX embedding model to int8 (once)")
    # onnxruntime's quantiser logs a line per tensor at INFO on the root logger (hundreds of
    # "Quantization parameters ... not specified"), which buried the app's own start-up lines;
    # it is a one-off step under the export lock, so INFO is muted just for it. Its one warning,
    # advice to the quantiser's caller to pre-process the graph, is not for qabot's users.
    logging.disable(logging.INFO)
    advice = _DropMessage("Please consider to run pre-processing")
    logging.getLogger().addFilter(advice)
    try:
        quantize_dynamic(
            str(fp32),
            str(out),
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=keep,
            extra_options={"MatMulConstBOnly": True},
        )
    finally:
        logging.disable(logging.NOTSET)
        logging.getLogger().removeFilter(advice)
    left = float_matmuls(onnx.load(str(out)))
    if left != keep:
        raise ConfigError(
            f"quantising {fp32.name} left {left} in fp32, not {keep}; not caching "
            "it. Set QABOT_INDEX__BACKEND=onnx-fp32 and report this."
        )
    want = encode(open_session(fp32), load_tokenizer(model_path), PROBE)
    _check(out, model_path, want, MIN_PROBE_COSINE["int8"])


class _DropMessage(logging.Filter):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefix)


# Sessions still open when the interpreter exits. ONNX Runtime's session freed during the
# interpreter's own teardown, after a Chroma query in the same process, aborted 5 of 12 runs of
# a four-line script ("terminate called without an active exception", exit 134, after its
# output was printed); freed at exit, while Python is whole, it aborted none of 12. The same
# abort had a second cause, Arrow's (qabot.index.paper_table.read_table): with that mended,
# the script still aborted in 3 of 80 runs without this.
_OPEN: weakref.WeakSet[OnnxEmbeddings] = weakref.WeakSet()


@atexit.register
def _close_open_sessions() -> None:
    for embeddings in list(_OPEN):
        embeddings.close()


class OnnxEmbeddings(Embeddings):
    """Normalised MiniLM embeddings from ONNX Runtime, exported on first use if needed.

    Each text runs alone, on one core, with `threads` texts at once (see `encode`)."""

    def __init__(
        self,
        model_path: str | Path,
        model_id: str,
        cache: Path,
        variant: Variant = "fp32",
        threads: int | None = None,
    ) -> None:
        self.cache = Path(cache)
        self.variant: Variant = variant
        self.backend = BACKEND_IDS[variant]
        self.model_path = Path(model_path)
        self.model_id = model_id
        self.threads = threads or usable_cpus()
        self._session: Any = None
        self._tokenizer: Any = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Export if needed, then open the session and the tokenizer (idempotent)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is None:
                file = ensure_exported(self.cache, self.model_path, self.variant)
                log.info(
                    "loading embedding model %s (%s) from %s", self.model_id, self.backend, file
                )
                self._tokenizer = load_tokenizer(self.model_path)
                if self.threads > 1:
                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="qabot-embed")
                self._session = open_session(file)
                _OPEN.add(self)

    def close(self) -> None:
        """Free the session and its threads (it reopens on the next use)."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._session = self._tokenizer = None
            _OPEN.discard(self)
        if pool is not None:
            pool.shutdown(wait=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.load()
        return encode(self._session, self._tokenizer, texts, self._pool).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def usable_cpus() -> int:
    """The cores this process may run on (its affinity, which containers narrow), not the
    machine's count."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load_tokenizer(model_path: Path) -> Any:
    """The bundled tokenizer.json, truncating as sentence-transformers does: at its
    `max_seq_length` (256 here), not the 128 written in tokenizer.json. No padding: each text
    runs alone (see `encode`)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    config = json.loads((model_path / "sentence_bert_config.json").read_text("utf-8"))
    tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
    tokenizer.no_padding()
    return tokenizer


def open_session(file: Path) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # its notices about unused initialisers are noise
    # One core per run: `encode` runs several texts at once instead, one per core, which
    # beats splitting each small MatMul over threads (1.8x on 2 cores, docs/measurements.md).
    # Without spinning, a thread waiting for work does not burn the other texts' core.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # No memory pattern: it plans one buffer per input shape, and texts come in every length.
    # With batches of 64 the embedding's added peak was 273 MB without it against 342-374 MB
    # with it, with identical vectors and no speed difference beyond the noise.
    options.enable_mem_pattern = False
    return ort.InferenceSession(str(file), options, providers=["CPUExecutionProvider"])


def encode(
    session: Any, tokenizer: Any, texts: list[str], pool: ThreadPoolExecutor | None = None
) -> np.ndarray:
    """Each text in a run of its own, several at once on `pool`'s threads (ONNX Runtime
    releases the GIL while it runs).

    One text per run, not padded batches, because int8's dynamic quantisation scales each
    run's activations by their range: in a batch, a text's vector depended on its batch mates
    and their padding (re-ordering a corpus moved SciFact's nDCG@10 by 0.0034). Alone, a text
    always gets the same vector, in ingest and as a query, and it is closer to fp32 (mean cosine
    0.9931 against 0.9925) and faster, since nothing is padding (docs/measurements.md)."""
    encoded = tokenizer.encode_batch(texts)  # in Rust, over its own threads

    def run(e: Any) -> np.ndarray:
        feed = {
            "input_ids": np.array([e.ids], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids], dtype=np.int64),
        }
        return session.run(None, feed)[0][0]  # type: ignore[no-any-return]

    vectors = (
        list(pool.map(run, encoded)) if pool and len(encoded) > 1 else [run(e) for e in encoded]
    )
    if not vectors:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack(vectors).astype(np.float32, copy=False)


if __name__ == "__main__":  # python -m qabot.embeddings.onnx --write-reference
    import sys

    if sys.argv[1:] != ["--write-reference"]:
        sys.exit("usage: python -m qabot.embeddings.onnx --write-reference")
    from qabot.embeddings.factory import bundled_minilm_path

    write_reference(Path(bundled_minilm_path()))
    print(f"wrote {REFERENCE}")
