"""The ONNX Runtime backend: same vectors as sentence-transformers, an export that is atomic and
happens once, and no torch when serving with it."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from qabot.config import Settings
from qabot.embeddings import onnx as ox
from qabot.embeddings.factory import MINILM_ID, bundled_minilm_path
from qabot.errors import ConfigError
from qabot.ingest.chunking import chunk_papers
from qabot.ingest.corpus import load_corpus
from tests.conftest import CORPUS, DATA, ROOT
from tests.interfaces.web.test_ui import free_port

MODEL = Path(bundled_minilm_path())


def sample_texts() -> list[str]:
    """Chunks as ingest embeds them, questions as queries arrive, and texts longer than the
    model's 256 tokens (truncation) or a single character."""
    settings = Settings()
    chunks = [c.embed_text for c in chunk_papers(load_corpus(CORPUS).papers, settings, "m")]
    questions = [
        json.loads(x)["question"]
        for x in (DATA / "retrieval_questions.jsonl").read_text("utf-8").splitlines()
        if x.strip()
    ]
    long = [" ".join(chunks[i : i + 6]) for i in range(0, 60, 6)]
    return chunks + questions + long + ["x", "Ünïcödé — 中文 text ✓"]


def cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a), np.asarray(b)
    return np.sum(x * y, axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))


# ---------------------------------------------------------------- the export, without torch


def fake_export(model_path: Path, out: Path) -> None:
    out.write_bytes(b"onnx")


def test_an_export_that_fails_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_crash(model_path: Path, out: Path) -> None:
        out.write_bytes(b"half a model")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(ox, "_export_fp32", half_then_crash)
    with pytest.raises(RuntimeError, match="killed mid-export"):
        ox.ensure_exported(tmp_path, MODEL, "fp32")
    folder = ox.onnx_file(tmp_path, MODEL, "fp32").parent
    assert [p.name for p in folder.iterdir()] == [".export.lock"], "no model, no temporary file"


def test_an_export_that_fails_its_check_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong_vectors(model_path: Path, out: Path) -> None:
        out.write_bytes(b"a model giving other vectors")
        raise ConfigError("The exported model-fp32.onnx gives vectors unlike the reference")

    monkeypatch.setattr(ox, "_export_fp32", wrong_vectors)
    with pytest.raises(ConfigError, match="unlike the reference"):
        ox.ensure_exported(tmp_path, MODEL, "fp32")
    assert not ox.onnx_file(tmp_path, MODEL, "fp32").exists()


def test_leftovers_of_a_killed_export_are_removed_and_never_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ox.onnx_file(tmp_path, MODEL, "fp32").parent
    folder.mkdir(parents=True)
    leftover = folder / ".model-fp32.onnx.tmpab12cd"
    leftover.write_bytes(b"half")
    monkeypatch.setattr(ox, "_export_fp32", fake_export)
    path = ox.ensure_exported(tmp_path, MODEL, "fp32")
    assert path.read_bytes() == b"onnx" and not leftover.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o644", "readable by replicas run as other users"


def test_the_export_runs_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        ox, "_export_fp32", lambda m, out: (calls.append("fp32"), fake_export(m, out))
    )
    monkeypatch.setattr(
        ox, "_quantize_int8", lambda f, m, out: (calls.append("int8"), fake_export(m, out))
    )
    ox.ensure_exported(tmp_path, MODEL, "int8")
    ox.ensure_exported(tmp_path, MODEL, "int8")
    ox.ensure_exported(tmp_path, MODEL, "fp32")
    assert calls == ["fp32", "int8"], "int8 is made from the cached fp32 file, each once"


def test_the_cache_key_changes_with_the_weights_and_the_recipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights")
    first = ox.model_key(model)
    (model / "model.safetensors").write_bytes(b"other weights")
    assert ox.model_key(model) != first
    second = ox.model_key(model)
    monkeypatch.setattr(ox, "RECIPE", "another recipe")
    assert ox.model_key(model) != second


def test_int8_keeps_the_first_feed_forward_down_projection_in_fp32() -> None:
    """Found by the weight's shape (wide to narrow), the first in graph order; none is none."""
    from onnx import TensorProto, helper, numpy_helper

    def graph(shapes: list[tuple[int, int]]) -> Any:
        nodes, weights, x = [], [], "x"
        for i, (rows, cols) in enumerate(shapes):
            weights.append(numpy_helper.from_array(np.zeros((rows, cols), np.float32), f"w{i}"))
            nodes.append(helper.make_node("MatMul", [x, f"w{i}"], [f"y{i}"], name=f"mm{i}"))
            x = f"y{i}"
        io = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in ("x", x)]
        return helper.make_model(helper.make_graph(nodes, "g", io[:1], io[1:], weights))

    assert ox.fp32_matmuls(graph([(4, 4), (4, 16), (16, 4), (4, 16), (16, 4)])) == ["mm2"]
    assert ox.fp32_matmuls(graph([(4, 4), (4, 16)])) == []
    unnamed = graph([(4, 16), (16, 4)])
    unnamed.graph.node[1].name = ""
    assert ox.fp32_matmuls(unnamed) == [], "the quantiser could not exclude it alone"
    assert ox.float_matmuls(unnamed) == ["mm0", ""]
    unnamed.graph.initializer[0].data_type = TensorProto.INT8  # a quantised weight
    assert ox.float_matmuls(unnamed) == [""]


def test_a_new_int8_recipe_is_made_from_the_cached_fp32_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade that changes only the quantisation needs no torch, and the earlier int8
    file goes."""
    folder = ox.onnx_file(tmp_path, MODEL, "fp32").parent
    folder.mkdir(parents=True)
    (folder / "model-fp32.onnx").write_bytes(b"fp32")
    (folder / "model-fp32.onnx.xxh3").write_text(ox.checksum(folder / "model-fp32.onnx"))
    (folder / "model-int8.onnx").write_bytes(b"recipe 1")
    newer = folder / f"model-int8-r{ox.INT8_REVISION + 1}.onnx"  # a newer qabot sharing the cache
    newer.write_bytes(b"recipe 3")
    monkeypatch.setattr(ox, "_export_fp32", lambda m, out: pytest.fail("exported again"))
    monkeypatch.setattr(ox, "_quantize_int8", lambda f, m, out: fake_export(m, out))
    path = ox.ensure_exported(tmp_path, MODEL, "int8")
    assert path.name == f"model-int8-r{ox.INT8_REVISION}.onnx" and path.read_bytes() == b"onnx"
    assert sorted(p.name for p in folder.glob("*.onnx")) == [
        "model-fp32.onnx",
        path.name,
        newer.name,
    ]


def test_an_int8_file_that_is_not_the_recipe_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnx
    import onnxruntime.quantization as quantization

    monkeypatch.setattr(
        quantization, "quantize_dynamic", lambda src, out, **o: Path(out).write_bytes(b"x")
    )
    monkeypatch.setattr(onnx, "load", lambda *args, **kwargs: None)
    monkeypatch.setattr(ox, "fp32_matmuls", lambda model: ["the first down-projection"])
    monkeypatch.setattr(ox, "float_matmuls", lambda model: [])  # everything quantised after all
    folder = ox.onnx_file(tmp_path, MODEL, "fp32").parent
    folder.mkdir(parents=True)
    (folder / "model-fp32.onnx").write_bytes(b"fp32")
    with pytest.raises(ConfigError, match="not caching it"):
        ox.ensure_exported(tmp_path, MODEL, "int8")
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".onnx") == ["model-fp32.onnx"]


def test_the_quantisers_advice_to_its_caller_is_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import onnx
    import onnxruntime.quantization as quantization

    def quantize(src: str, out: str, **options: Any) -> None:
        assert options["nodes_to_exclude"] == ["the first down-projection"]
        logging.warning("Please consider to run pre-processing before quantization. See ...")
        logging.warning("a warning that matters")
        Path(out).write_bytes(b"int8")

    monkeypatch.setattr(quantization, "quantize_dynamic", quantize)
    monkeypatch.setattr(onnx, "load", lambda *args, **kwargs: None)
    monkeypatch.setattr(ox, "fp32_matmuls", lambda model: ["the first down-projection"])
    monkeypatch.setattr(ox, "float_matmuls", lambda model: ["the first down-projection"])
    for name in ("encode", "open_session", "load_tokenizer", "_check"):
        monkeypatch.setattr(ox, name, lambda *args, **kwargs: None)
    ox._quantize_int8(tmp_path / "model-fp32.onnx", MODEL, tmp_path / "model-int8.onnx")
    shown = [r.getMessage() for r in caplog.records]
    assert "a warning that matters" in shown and not any("pre-processing" in m for m in shown)
    assert not logging.getLogger().filters, "the filter is removed again"


def test_an_unwritable_cache_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="QABOT_INDEX__ONNX_CACHE") as info:
        ox.ensure_exported(blocker / "cache", MODEL, "fp32")
    assert "\n" not in str(info.value)


def test_settings_choose_the_backend_and_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QABOT_INDEX__ONNX_CACHE")  # set by conftest for every other test
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    default = Settings(store=tmp_path / "store")
    assert default.onnx_cache == tmp_path / "xdg" / "qabot" / "onnx", "the user's, not the store's"
    assert Settings(store=tmp_path / "other").onnx_cache == default.onnx_cache, "shared by stores"
    int8 = Settings(store=tmp_path, index={"backend": "onnx-int8", "onnx_cache": tmp_path / "c"})  # type: ignore[arg-type]
    emb = int8.get_embeddings()
    assert (emb.backend, emb.model_id, emb.cache) == (
        f"onnx-int8:{ox.INT8_REVISION}",
        MINILM_ID,
        tmp_path / "c",
    )  # type: ignore[attr-defined]
    assert Settings(index={"backend": "torch"}).get_embeddings().backend == "torch"  # type: ignore[arg-type, attr-defined]


def test_a_cached_file_that_does_not_match_its_checksum_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []

    def export(model_path: Path, out: Path) -> None:
        built.append(out.name)
        fake_export(model_path, out)

    monkeypatch.setattr(ox, "_export_fp32", export)
    path = ox.ensure_exported(tmp_path, MODEL, "fp32")
    assert ox.verified(path) and ox.ensure_exported(tmp_path, MODEL, "fp32") == path
    assert len(built) == 1, "a verified file is not built again"
    path.write_bytes(b"onnx, damaged")  # a disk error, a partial copy, another tool's file
    assert not ox.verified(path)
    assert ox.ensure_exported(tmp_path, MODEL, "fp32") == path and ox.verified(path)
    assert len(built) == 2 and path.read_bytes() == b"onnx"
    (path.parent / (path.name + ".xxh3")).unlink()  # a file without its checksum is not trusted
    ox.ensure_exported(tmp_path, MODEL, "fp32")
    assert len(built) == 3


def test_the_stored_reference_is_for_the_bundled_weights() -> None:
    """The probe vectors an ONNX build is checked against were made from these very weights
    (so no torch is needed to check it); a dev test compares them with sentence-transformers."""
    stored = json.loads(ox.REFERENCE.read_text("utf-8"))
    assert stored["texts"] == ox.PROBE
    assert np.array_equal(ox.reference_vectors(MODEL), np.asarray(stored["vectors"], np.float32))


def test_the_onnx_file_is_built_without_torch(tmp_path: Path) -> None:
    """With torch, transformers and sentence-transformers unimportable, the fp32 and int8
    files are built and pass their checks (what a default install, which has no torch, does)."""
    code = (
        BLOCK_TORCH
        + f"""
from pathlib import Path
from qabot.embeddings import onnx as ox
from qabot.embeddings.factory import bundled_minilm_path
path = ox.ensure_exported(Path({str(tmp_path)!r}), Path(bundled_minilm_path()), "int8")
print("BUILT", path.name, ox.verified(path))
"""
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"BUILT model-int8-r{ox.INT8_REVISION}.onnx True" in run.stdout
    assert "IMPORTED" not in run.stderr, run.stderr[-2000:]


def test_the_built_graph_gives_sentence_transformers_vectors(onnx_cache: Path) -> None:
    """The graph written from the weights against sentence-transformers itself (the dev
    extras' torch) on the bundled corpus's real chunks: cosine >= 0.9999."""
    pytest.importorskip("sentence_transformers", reason="the dev extras install it")
    texts = sample_texts()
    fp32 = ox.OnnxEmbeddings(MODEL, MINILM_ID, onnx_cache, "fp32")
    want = ox.sentence_transformers_vectors(MODEL, texts)
    cos = cosines(fp32.embed_documents(texts), want.tolist())
    assert cos.min() >= 0.9999, f"worst: {texts[int(cos.argmin())][:80]!r} ({cos.min():.7f})"
    stored = json.loads(ox.REFERENCE.read_text("utf-8"))
    again = ox.sentence_transformers_vectors(MODEL, stored["texts"])
    assert cosines(again.tolist(), stored["vectors"]).min() >= 0.999999, "the stored reference"


# ---------------------------------------------------------------- the real export (needs torch)


@pytest.mark.slow
def test_fp32_onnx_vectors_are_sentence_transformers_vectors(
    onnx_cache: Path, torch_embeddings
) -> None:  # type: ignore[no-untyped-def]
    texts = sample_texts()
    onnx = ox.OnnxEmbeddings(MODEL, MINILM_ID, onnx_cache, "fp32")
    cos = cosines(onnx.embed_documents(texts), torch_embeddings.embed_documents(texts))
    assert cos.min() >= 0.999, f"worst text: {texts[int(cos.argmin())][:80]!r} ({cos.min():.5f})"
    assert np.allclose(np.linalg.norm(onnx.embed_documents(texts[:5]), axis=1), 1, atol=1e-5)
    assert np.allclose(onnx.embed_query(texts[3]), onnx.embed_documents(texts[:5])[3], atol=1e-5), (
        "a text's vector does not depend on the batch it is padded with"
    )


@pytest.mark.slow
def test_int8_vectors_stay_close(onnx_cache: Path, torch_embeddings) -> None:  # type: ignore[no-untyped-def]
    texts = sample_texts()
    int8 = ox.OnnxEmbeddings(MODEL, MINILM_ID, onnx_cache, "int8")
    cos = cosines(int8.embed_documents(texts), torch_embeddings.embed_documents(texts))
    assert cos.min() >= 0.97 and cos.mean() >= 0.99, (cos.min(), cos.mean())


@pytest.mark.slow
def test_int8_keeps_exactly_the_first_down_projection_in_fp32(onnx_cache: Path) -> None:
    import onnx

    int8 = ox.ensure_exported(onnx_cache, MODEL, "int8")
    left = ox.float_matmuls(onnx.load(str(int8)))
    chosen = ox.fp32_matmuls(onnx.load(str(ox.onnx_file(onnx_cache, MODEL, "fp32"))))
    assert len(left) == 1 and left == chosen, (left, chosen)
    assert "layer.0/" in left[0], "the first layer's (torch 2.13's exporter names it so)"


@pytest.mark.slow
def test_an_int8_vector_does_not_depend_on_its_batch_or_threads(onnx_cache: Path) -> None:
    """int8 scales each run's activations by their range, so texts padded into one batch
    changed each other's vectors; each text runs alone, so ingest and a query agree exactly."""
    texts = sample_texts()[:60]
    pooled = ox.OnnxEmbeddings(MODEL, MINILM_ID, onnx_cache, "int8", threads=2)
    serial = ox.OnnxEmbeddings(MODEL, MINILM_ID, onnx_cache, "int8", threads=1)
    together = np.asarray(pooled.embed_documents(texts))
    assert np.array_equal(together, np.asarray(pooled.embed_documents(texts[::-1]))[::-1])
    assert np.array_equal(together, np.asarray(serial.embed_documents(texts)))
    assert np.array_equal(together[:8], np.asarray([pooled.embed_query(t) for t in texts[:8]]))
    assert pooled.embed_documents([]) == []


# ---------------------------------------------------------------- no torch when serving

BLOCK_TORCH = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "transformers", "sentence_transformers"}:
            print("IMPORTED " + name, file=sys.stderr, flush=True)
            raise ImportError("torch is blocked while serving: " + name)
sys.meta_path.insert(0, Block())
"""


# Gradio wraps each event in a matplotlib backend switch, which imports pyplot (0.8 s of the
# first answer from a cold disk) unless a backend is named: `launch` names one.
WATCH_PYPLOT = """
class WatchPyplot:
    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib.pyplot":
            print("IMPORTED " + name, file=sys.stderr, flush=True)
sys.meta_path.insert(0, WatchPyplot())
"""


def serving_env(store: Path, onnx_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QABOT_", "OPENAI_"))}
    return env | {
        "QABOT_STORE": str(store),
        "QABOT_CORPUS": str(CORPUS),
        "HF_HUB_OFFLINE": "1",
        "QABOT_INDEX__ONNX_CACHE": str(onnx_cache),
        "PYTHONPATH": str(ROOT),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }


@pytest.mark.slow
def test_qabot_ask_and_search_never_import_torch(bundled_store: Path, onnx_cache: Path) -> None:
    assert Settings().index.backend.startswith("onnx"), "the default backend is ONNX"
    env = serving_env(bundled_store, onnx_cache)
    code = BLOCK_TORCH + (
        "import sys\nfrom qabot.interfaces.cli import main\nsys.argv = ['qabot'] + sys.argv[1:]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "loaded = {m for m in sys.modules if m.split('.')[0] in "
        "{'torch', 'transformers', 'sentence_transformers'}}\n"
        "print('LOADED', sorted(loaded), file=sys.stderr)\n"
    )
    for args in (
        ["ask", "--json", "What is the Boltzmann policy distribution?"],
        ["search", "--json", "human feedback"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=bundled_store.parent,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "IMPORTED" not in done.stderr and "LOADED []" in done.stderr, done.stderr[-2000:]
        assert json.loads(done.stdout), "it answered"


@pytest.mark.slow
def test_the_app_warms_up_and_serves_without_torch(bundled_store: Path, onnx_cache: Path) -> None:
    port = free_port()
    env = serving_env(bundled_store, onnx_cache) | {"GRADIO_SERVER_PORT": str(port)}
    env.pop("MPLBACKEND", None)  # what the app sets itself, so the pyplot check means something
    code = (
        BLOCK_TORCH
        + WATCH_PYPLOT
        + f"import runpy\nrunpy.run_path({str(ROOT / 'app.py')!r}, run_name='__main__')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        cwd=bundled_store.parent,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stderr or []), daemon=True).start()
    try:
        deadline = time.monotonic() + 600
        served = False
        while time.monotonic() < deadline and proc.poll() is None:
            log = "".join(lines)
            if "ready to answer after" in log or "warming up failed" in log or "IMPORTED" in log:
                with contextlib.suppress(httpx.HTTPError):
                    served = httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200
                if served or "ready to answer after" not in log:
                    break
            time.sleep(0.5)
        assert served, "the page is served"
        url = f"http://127.0.0.1:{port}/"
        event = httpx.post(
            f"{url}gradio_api/call/chat",
            timeout=60,
            json={
                "data": [
                    "What is the Boltzmann policy distribution?",
                    None,
                    None,
                    None,
                    None,
                    None,
                    False,
                ]
            },
        ).json()["event_id"]
        assert (
            "event: complete" in httpx.get(f"{url}gradio_api/call/chat/{event}", timeout=120).text
        )
        # The first answer releases the deferred statistics (qabot.interfaces.web.serving.serve).
        while time.monotonic() < deadline and "statistics built in" not in "".join(lines):
            time.sleep(0.2)
        log = "".join(lines)
        assert "ready to answer after" in log and "statistics built in" in log, log[-2000:]
        assert "IMPORTED" not in log, log[-2000:]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_closed_session_reopens_on_the_next_use(onnx_cache: Path) -> None:
    embeddings = ox.OnnxEmbeddings(MODEL, MINILM_ID, onnx_cache, "int8", threads=2)
    first = embeddings.embed_query("assistance games")
    assert embeddings in ox._OPEN
    embeddings.close()
    assert embeddings._session is None and embeddings._pool is None
    assert embeddings not in ox._OPEN
    assert embeddings.embed_query("assistance games") == first
    ox._close_open_sessions()  # what runs at exit
    assert embeddings._session is None


def test_a_script_that_searches_exits_cleanly(bundled_store: Path) -> None:
    """A script that embeds a question and queries Chroma, then ends: ONNX Runtime's session
    freed in the interpreter's teardown aborted such runs ("terminate called without an active
    exception", exit 134; 5 of 12 of one script, 1 of 20 of this one) before sessions were
    closed at exit. The abort is a race, so the test checks its cause: by the script's last
    exit handler (registered first, so run last), the session is closed. (The same abort's other
    cause, an Arrow thread freeing the paper table's bytes, failed this test in CI once; it is
    checked by tests/index/test_paper_table.py.)"""
    code = f"""
import atexit
seen = []
atexit.register(lambda: print("CLOSED AT EXIT", seen[0]._session is None))
from pathlib import Path
from qabot import QABot, Filters
from qabot.config import Settings
bot = QABot(Settings(store=Path({str(bundled_store)!r}), llm="extractive"))
print(len(bot.retriever.dense("use empowerment for assistance", 100, Filters())))
seen.append(bot.retriever.embeddings)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=120, env=env)  # fmt: skip
        assert run.returncode == 0, run.stderr[-2000:]
        assert run.stdout.split() == ["100", "CLOSED", "AT", "EXIT", "True"], run.stdout
        assert "terminate called" not in run.stderr
