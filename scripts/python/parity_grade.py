"""Reference side of the grading-model parity check (scripts/parity-grade, GradeParityTest).

Writes into OUT: random MILModel weights (safetensors, PyTorch state-dict names), a padded two-scale batch (x05/pad05,
x20/pad20, grades, class weights), PyTorch's eval-mode logits on it, and the weights and EMA shadow after two NB11
training steps with dropout off: NB11 loss, backward, clip_grad_norm_(MAX_NORM) on the true (unscaled) gradients,
torch.optim.AdamW, EMA update; plus each step's losses and pre-clip gradient norm.

usage: parity_grade.py OUT D HEADS FF SCORER HIDDEN TOPK_MIN BATCH T05 T20 SEED MAX_NORM
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grade_reference import MILModel, nb11_loss  # noqa: E402
from osfm_reference import save_safetensors  # noqa: E402

LRS = [3e-3, 1e-3]
WEIGHT_DECAY = 1e-4
EMA_DECAY = 0.9
CLASSES = 6


def lively(module, gen):
    """Draw LayerNorms and biases too, so that every tensor changes the output."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() == 1 and ("norm" in name or name == "fuse.1.weight" or name == "fuse.1.bias"):
                if name.endswith("weight"):
                    p.copy_(1 + 0.2 * (torch.rand(p.shape, generator=gen) - 0.5))
                else:
                    p.copy_(0.1 * (torch.rand(p.shape, generator=gen) - 0.5))
            elif name.endswith("bias"):
                p.copy_(0.1 * (torch.rand(p.shape, generator=gen) - 0.5))


def batch(rng, b, t, d):
    lengths = [t] + [max(1, t - 5 * i - 2) for i in range(1, b)]
    x = np.zeros((b, t, d), np.float32)
    pad = np.ones((b, t), bool)
    for i, n in enumerate(lengths):
        x[i, :n] = rng.standard_normal((n, d)).astype(np.float32)
        pad[i, :n] = False
    return x, pad


def main():
    out = sys.argv[1]
    d, heads, ff, scorer, hidden, topk_min, b, t05, t20, seed = map(int, sys.argv[2:12])
    max_norm = float(sys.argv[12])
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    model = MILModel(d, heads, CLASSES, hidden, 0.0, 0.0, ff, scorer, 0.15, topk_min)
    lively(model, gen)
    os.makedirs(out, exist_ok=True)
    save_safetensors(os.path.join(out, "model.safetensors"), model.state_dict())

    rng = np.random.default_rng(seed)
    x05, pad05 = batch(rng, b, t05, d)
    x20, pad20 = batch(rng, b, t20, d)
    y = rng.integers(0, CLASSES, b).astype(np.int64)
    y[:2] = [0, CLASSES - 1]
    cw = rng.uniform(0.5, 2.0, CLASSES).astype(np.float32)
    for name, arr in [("x05", x05), ("pad05", pad05.astype(np.float32)), ("x20", x20),
                      ("pad20", pad20.astype(np.float32)), ("y", y.astype(np.float32)), ("class_weights", cw)]:
        np.save(os.path.join(out, name + ".npy"), arr)

    tf = torch.from_numpy
    X05, P05, X20, P20, Y, CW = tf(x05), tf(pad05), tf(x20), tf(pad20), tf(y), tf(cw)
    model.eval()
    with torch.no_grad():
        logits = model(X05, P05, X20, P20)
    np.save(os.path.join(out, "ref_logits.npy"), logits.numpy())

    model.train()
    ema = {k: v.detach().clone() for k, v in model.state_dict().items()}
    opt = torch.optim.AdamW(model.parameters(), lr=LRS[0], weight_decay=WEIGHT_DECAY)
    steps = []
    for lr in LRS:
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        loss, focal, dist, mse = nb11_loss(model(X05, P05, X20, P20), Y, CW)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        opt.step()
        with torch.no_grad():
            for k, v in model.state_dict().items():
                ema[k].mul_(EMA_DECAY).add_(v, alpha=1 - EMA_DECAY)
        steps.append({"loss": float(loss), "focal": float(focal), "dist": float(dist), "mse": float(mse),
                      "grad_norm": float(norm)})
    save_safetensors(os.path.join(out, "ref_model_after.safetensors"), model.state_dict())
    save_safetensors(os.path.join(out, "ref_ema_after.safetensors"), ema)
    with open(os.path.join(out, "ref_step.json"), "w") as f:
        json.dump({"d": d, "heads": heads, "ff": ff, "scorer": scorer, "hidden": hidden, "topk_min": topk_min,
                   "lrs": LRS, "weight_decay": WEIGHT_DECAY, "ema_decay": EMA_DECAY, "max_norm": max_norm,
                   "steps": steps, "torch": torch.__version__}, f, indent=1)


if __name__ == "__main__":
    main()
