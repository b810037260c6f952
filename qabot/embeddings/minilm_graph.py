"""all-MiniLM-L6-v2's sentence-embedding ONNX graph, built from its safetensors weights without torch.

The graph is the one qabot exports today by tracing sentence-transformers (opset 17; inputs
input_ids, attention_mask, token_type_ids, int64 [batch, tokens]; output sentence_embedding
[batch, 384]): BERT, mean pooling over the attention mask, then L2 normalisation. It is written
op by op with onnx.helper from config.json and model.safetensors, so exporting needs numpy and
onnx only.

What it must keep for qabot's int8 recipe (`_quantize_int8` and `fp32_matmuls` in
qabot/embeddings/onnx.py): every Linear
is a MatMul whose constant weight is stored transposed, [in, out], followed by an Add of the bias;
every node is named; and the first MatMul, in node order, whose constant 2-D weight has
shape[0] > shape[1] is layer 0's feed-forward down-projection (1536 -> 384).

Ops follow what transformers' BertModel and sentence-transformers compute (checked against
transformers 5.25, sentence-transformers 6.3):
  embeddings   word[input_ids] + token_type[token_type_ids] + position[0:tokens], LayerNorm
  attention    scores = (q @ k^T) * head_size**-0.5 + (1 - mask) * float32_min, softmax,
               @ v; the additive mask is the eager path's min-of-dtype (see MASK_VALUE)
  sub-layers   LayerNorm(dense(x) + residual), eps from config.json
  feed-forward exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)), written as torch exports it so
               ONNX Runtime fuses it (BiasGelu in fp32, Gelu in int8)
  pooling      sum(x * mask) / max(sum(mask), 1e-9)      (sentence-transformers Pooling, mean)
  normalise    x / max(||x||_2, 1e-12)                    (torch.nn.functional.normalize)
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # LayerNormalization is an ONNX op from 17; the same opset as the torch export
IR_VERSION = 8  # the lowest IR that carries opset 17: readable by older ONNX Runtimes too
# The additive mask's value for padded keys. transformers 5.25's eager attention uses the dtype's
# minimum (masking_utils.eager_mask: where(mask, 0, finfo.min)), as 4.x did ((1 - mask) *
# finfo.min), not the -10000 of old BERT code; its default SDPA path, which sentence-transformers
# runs, passes a boolean mask instead (-inf). With one text per run the mask is all ones and the
# term is exactly 0; in a padded batch finfo.min, -10000 and -inf all give padded keys a softmax
# weight of exactly 0 in float32 (checked: padded batches match one text per run).
MASK_VALUE = float(np.finfo(np.float32).min)
POOLING_EPS = 1e-9  # sentence-transformers Pooling: torch.clamp(sum_mask, min=1e-9)
NORMALIZE_EPS = 1e-12  # torch.nn.functional.normalize's default eps

_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4"}


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file as numpy arrays, through the `safetensors` package's
    numpy API when it is installed (it does not import torch), else `read_safetensors`."""
    try:
        from safetensors.numpy import load_file
    except ImportError:
        return read_safetensors(path)
    return load_file(str(path))


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file as a read-only numpy array over one memory map.

    The format: an 8-byte little-endian header length, a JSON header giving each tensor's
    dtype, shape and [begin, end) byte offsets into the data that follows it, then the raw
    little-endian data (C order). "__metadata__" is the one header key that is not a tensor."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length)
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]])
        tensors[name] = data[begin:end].view(dtype).reshape(info["shape"])
    return tensors


class _Builder:
    """Adds nodes, in topological order and each named after its one output, and initialisers
    straight into `graph`: helper.make_graph and make_model would copy all 90 MB twice more."""

    def __init__(self, graph: onnx.GraphProto) -> None:
        self.graph = graph
        self.names: set[str] = set()

    def const(self, name: str, value: np.ndarray | float | list[int]) -> str:
        if name not in self.names:
            array = (
                value
                if isinstance(value, np.ndarray)
                else np.array(value, dtype=np.int64 if isinstance(value, list) else np.float32)
            )
            self.graph.initializer.add().CopyFrom(
                numpy_helper.from_array(np.ascontiguousarray(array), name)
            )
            self.names.add(name)
        return name

    def op(self, op_type: str, inputs: list[str], name: str, **attrs: object) -> str:
        assert name not in self.names, name
        self.names.add(name)
        self.graph.node.append(helper.make_node(op_type, inputs, [name], name=name, **attrs))
        return name


def build_minilm_onnx(model_path: Path, out: Path) -> None:
    """Write the fp32 sentence-embedding graph of the BERT model in `model_path` to `out`."""
    model_path = Path(model_path)
    config = json.loads((model_path / "config.json").read_text("utf-8"))
    if (
        config.get("model_type") != "bert"
        or config.get("position_embedding_type", "absolute") != "absolute"
    ):
        raise ValueError(f"{model_path}: not an absolute-position BERT model")
    if config.get("hidden_act") != "gelu":
        raise ValueError(f"{model_path}: hidden_act {config.get('hidden_act')!r}, not exact gelu")
    _check_pipeline(model_path)
    weights = load_weights(model_path / "model.safetensors")
    weights = {k.removeprefix("bert."): v for k, v in weights.items()}  # BertModel's or a head's

    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    head_size = hidden // heads
    if head_size * heads != hidden:
        raise ValueError(f"{model_path}: hidden_size {hidden} is not a multiple of {heads} heads")
    eps = float(config["layer_norm_eps"])
    model = onnx.ModelProto(ir_version=IR_VERSION, producer_name="qabot-minilm-graph")
    model.opset_import.add(domain="", version=OPSET)
    g = _Builder(model.graph)

    # Each weight is popped as it is copied into its initialiser, so that the loaded weights and
    # the initialisers never both hold the whole model.
    def w(name: str) -> str:  # a bias or LayerNorm parameter, as stored
        return g.const(name, np.asarray(weights.pop(name), dtype=np.float32))

    def linear(x: str, prefix: str, path: str) -> str:
        """torch's Linear as MatMul by the transposed weight, [in, out], then Add of the bias."""
        weight = g.const(
            f"{prefix}.weight.T", np.asarray(weights.pop(f"{prefix}.weight"), dtype=np.float32).T
        )
        y = g.op("MatMul", [x, weight], f"{path}/MatMul")
        return g.op("Add", [y, w(f"{prefix}.bias")], f"{path}/Add")

    def layer_norm(x: str, prefix: str, path: str) -> str:
        return g.op("LayerNormalization", [x, w(f"{prefix}.weight"), w(f"{prefix}.bias")],
                    f"{path}/LayerNormalization", axis=-1, epsilon=eps)  # fmt: skip

    # Embeddings. Position ids are range(tokens): the first `tokens` rows of the table (at most
    # max_position_embeddings, 512; qabot truncates at 256).
    e = "embeddings"
    tokens = g.op("Shape", ["input_ids"], f"/{e}/Shape", start=1, end=2)
    word = g.op(
        "Gather", [w(f"{e}.word_embeddings.weight"), "input_ids"], f"/{e}/word_embeddings/Gather"
    )
    kind = g.op("Gather", [w(f"{e}.token_type_embeddings.weight"), "token_type_ids"],
                f"/{e}/token_type_embeddings/Gather")  # fmt: skip
    position = g.op("Slice", [w(f"{e}.position_embeddings.weight"), g.const("zero", [0]), tokens,
                              g.const("zero", [0])], f"/{e}/position_embeddings/Slice")  # fmt: skip
    x = g.op("Add", [word, kind], f"/{e}/Add")
    x = g.op("Add", [x, position], f"/{e}/Add_1")
    x = layer_norm(x, f"{e}.LayerNorm", f"/{e}/LayerNorm")

    # The additive attention mask, [batch, 1, 1, tokens]: 0 where attended, MASK_VALUE elsewhere.
    mask = g.op("Cast", ["attention_mask"], "/mask/Cast", to=TensorProto.FLOAT)
    masked = g.op("Sub", [g.const("one", 1.0), mask], "/mask/Sub")
    bias = g.op("Mul", [masked, g.const("mask_value", MASK_VALUE)], "/mask/Mul")
    bias = g.op("Unsqueeze", [bias, g.const("axes_1_2", [1, 2])], "/mask/Unsqueeze")

    split_heads = g.const("shape_split_heads", [0, 0, heads, head_size])

    def split(y: str, path: str, perm: list[int]) -> str:
        """[batch, tokens, hidden] to heads: q and v [batch, heads, tokens, head_size] with
        perm 0,2,1,3; k already transposed for q @ k, [batch, heads, head_size, tokens]."""
        y = g.op("Reshape", [y, split_heads], f"{path}/Reshape")
        return g.op("Transpose", [y], f"{path}/Transpose", perm=perm)

    merge_heads = g.const("shape_merge_heads", [0, 0, hidden])
    scaling = g.const("scaling", np.float32(head_size**-0.5))
    for i in range(int(config["num_hidden_layers"])):
        p, path = f"encoder.layer.{i}", f"/encoder/layer.{i}"
        a = f"{path}/attention/self"

        q = split(linear(x, f"{p}.attention.self.query", f"{a}/query"), f"{a}/query", [0, 2, 1, 3])
        k = split(linear(x, f"{p}.attention.self.key", f"{a}/key"), f"{a}/key", [0, 2, 3, 1])
        v = split(linear(x, f"{p}.attention.self.value", f"{a}/value"), f"{a}/value", [0, 2, 1, 3])
        scores = g.op("MatMul", [q, k], f"{a}/MatMul")
        scores = g.op("Mul", [scores, scaling], f"{a}/Mul")
        scores = g.op("Add", [scores, bias], f"{a}/Add")
        probs = g.op("Softmax", [scores], f"{a}/Softmax", axis=-1)
        context = g.op("MatMul", [probs, v], f"{a}/MatMul_1")
        context = g.op("Transpose", [context], f"{a}/Transpose", perm=[0, 2, 1, 3])
        context = g.op("Reshape", [context, merge_heads], f"{a}/Reshape")
        y = linear(context, f"{p}.attention.output.dense", f"{path}/attention/output/dense")
        y = g.op("Add", [y, x], f"{path}/attention/output/Add")
        x = layer_norm(y, f"{p}.attention.output.LayerNorm", f"{path}/attention/output/LayerNorm")

        h = linear(x, f"{p}.intermediate.dense", f"{path}/intermediate/dense")
        act = f"{path}/intermediate/gelu"
        erf = g.op("Erf", [g.op("Div", [h, g.const("sqrt2", np.float32(np.sqrt(2.0)))], f"{act}/Div")],
                   f"{act}/Erf")  # fmt: skip
        h = g.op("Mul", [h, g.op("Add", [erf, g.const("one", 1.0)], f"{act}/Add")], f"{act}/Mul")
        h = g.op("Mul", [h, g.const("half", 0.5)], f"{act}/Mul_1")
        y = linear(h, f"{p}.output.dense", f"{path}/output/dense")
        y = g.op("Add", [y, x], f"{path}/output/Add")
        x = layer_norm(y, f"{p}.output.LayerNorm", f"{path}/output/LayerNorm")

    # Mean pooling over the attended tokens, then L2 normalisation.
    weight = g.op("Unsqueeze", [mask, g.const("axes_minus_1", [-1])], "/pooling/Unsqueeze")
    total = g.op("ReduceSum", [g.op("Mul", [x, weight], "/pooling/Mul"), g.const("axes_1", [1])],
                 "/pooling/ReduceSum", keepdims=0)  # fmt: skip
    count = g.op("ReduceSum", [weight, g.const("axes_1", [1])], "/pooling/ReduceSum_1", keepdims=0)
    count = g.op("Clip", [count, g.const("pooling_eps", POOLING_EPS)], "/pooling/Clip")
    mean = g.op("Div", [total, count], "/pooling/Div")
    norm = g.op("ReduceL2", [mean], "/normalize/ReduceL2", axes=[-1], keepdims=1)
    norm = g.op("Clip", [norm, g.const("normalize_eps", NORMALIZE_EPS)], "/normalize/Clip")
    g.graph.node.append(
        helper.make_node("Div", [mean, norm], ["sentence_embedding"], name="/normalize/Div")
    )

    g.graph.name = "sentence_embedding"
    g.graph.input.extend(helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"])
                         for name in ("input_ids", "attention_mask", "token_type_ids"))  # fmt: skip
    g.graph.output.append(
        helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])
    )
    weights.clear()  # what is left is unused (the pooler, position_ids): free it before serialising
    onnx.save_model(model, str(out))


def _check_pipeline(model_path: Path) -> None:
    """The sentence-transformers modules this graph hard-codes: Transformer, mean Pooling,
    Normalize. Anything else would need another graph, so refuse rather than mis-embed."""
    modules = json.loads((model_path / "modules.json").read_text("utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds != ["Transformer", "Pooling", "Normalize"]:
        raise ValueError(f"{model_path}: modules {kinds}, not Transformer, Pooling, Normalize")
    pooling_dir = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
    pooling = json.loads((model_path / pooling_dir / "config.json").read_text("utf-8"))
    if "pooling_mode" in pooling:  # newer sentence-transformers: "mean" or a list of modes
        modes = (
            {pooling["pooling_mode"]}
            if isinstance(pooling["pooling_mode"], str)
            else set(pooling["pooling_mode"])
        )
    else:  # one boolean per mode
        modes = {
            k.removeprefix("pooling_mode_")
            for k, v in pooling.items()
            if k.startswith("pooling_mode_") and v
        }
    if modes not in ({"mean"}, {"mean_tokens"}):
        raise ValueError(f"{model_path}: pooling {sorted(modes)}, not mean")
