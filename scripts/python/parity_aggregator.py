"""Reference side of the aggregator parity check (scripts/parity-aggregator, AggregatorParityTest).

Writes into OUT: random student/teacher/decoder weights (safetensors, PyTorch state-dict names), a padded batch
(features, positions, padding, shared mask, two fixed views), PyTorch's eval-mode outputs of the student on it
(g_proj, g_pred, tokens), and the weights after two phase-1 training steps on that batch with dropout off
(BYOL both ways + lambda·MFR, AdamW, EMA) plus their losses. Dropout is off so the step is deterministic.

usage: parity_aggregator.py OUT D HEADS LAYERS DEC_D DEC_HEADS DEC_LAYERS BATCH TOKENS SEED
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osfm_reference import (MFRDecoder, MILTransformer, ema_update, phase1_loss, save_safetensors)  # noqa: E402

LRS = [1e-3, 5e-4]
WEIGHT_DECAY = 0.05
EMA_TAU = 0.9
LAMBDA_MFR = 0.5


def lively(module, gen):
    """Draw LayerNorms and biases too, so that every tensor changes the output."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "norm" in name or name.startswith("ln."):
                if name.endswith("weight"):
                    p.copy_(1 + 0.2 * (torch.rand(p.shape, generator=gen) - 0.5))
                else:
                    p.copy_(0.1 * (torch.rand(p.shape, generator=gen) - 0.5))
            elif name.endswith("bias"):
                p.copy_(0.1 * (torch.rand(p.shape, generator=gen) - 0.5))


def main():
    out = sys.argv[1]
    d, heads, layers, dd, dh, dl, b, t, seed = map(int, sys.argv[2:11])
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    student = MILTransformer(d, heads, layers, 4, 0.0)
    teacher = MILTransformer(d, heads, layers, 4, 0.0)
    decoder = MFRDecoder(d, dd, dl, dh, 0.0)
    for m in (student, teacher, decoder):
        lively(m, gen)
    os.makedirs(out, exist_ok=True)
    save_safetensors(os.path.join(out, "student.safetensors"), student.state_dict())
    save_safetensors(os.path.join(out, "teacher.safetensors"), teacher.state_dict())
    save_safetensors(os.path.join(out, "decoder.safetensors"), decoder.state_dict())

    rng = np.random.default_rng(seed)
    lengths = [t] + [max(2, t - 3 * i - 1) for i in range(1, b)]
    feats = np.zeros((b, t, d), np.float32)
    pos = np.zeros((b, t, 3), np.float32)
    pad = np.ones((b, t), bool)
    masked = np.zeros((b, t), bool)
    for i, n in enumerate(lengths):
        feats[i, :n] = rng.standard_normal((n, d)).astype(np.float32)
        pos[i, :n, :2] = rng.uniform(0, 20, (n, 2)).astype(np.float32)
        pos[i, :n, 2] = rng.choice([0.5, 2.0], n).astype(np.float32)
        pad[i, :n] = False
        mcount = max(1, round(0.25 * n))
        masked[i, rng.choice(n, mcount, replace=False)] = True
    keep = (~masked & ~pad)[..., None].astype(np.float32)
    v1 = ((feats * (rng.random(feats.shape) >= 0.1) + 0.02 * rng.standard_normal(feats.shape)) * keep).astype(np.float32)
    v2 = ((feats * (rng.random(feats.shape) >= 0.1) + 0.02 * rng.standard_normal(feats.shape)) * keep).astype(np.float32)
    for name, arr in [("features", feats), ("positions", pos), ("pad", pad.astype(np.float32)),
                      ("masked", masked.astype(np.float32)), ("view1", v1), ("view2", v2)]:
        np.save(os.path.join(out, name + ".npy"), arr)

    tf = lambda a: torch.from_numpy(a)  # noqa: E731
    P, S, PAD, M = tf(pos[..., :2]), tf(pos[..., 2:]), tf(pad), tf(masked)
    student.eval()
    with torch.no_grad():
        g_proj, g_pred, tokens = student(tf(feats), P, S, PAD)
    np.save(os.path.join(out, "ref_g_proj.npy"), g_proj.numpy())
    np.save(os.path.join(out, "ref_g_pred.npy"), g_pred.numpy())
    np.save(os.path.join(out, "ref_tokens.npy"), tokens.numpy())

    student.train(); teacher.train(); decoder.train()
    opt = torch.optim.AdamW(list(student.parameters()) + list(decoder.parameters()), lr=LRS[0],
                            weight_decay=WEIGHT_DECAY)
    losses = []
    for lr in LRS:
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        loss, lb, lm = phase1_loss(student, teacher, decoder, tf(v1), tf(v2), P, S, PAD, M, LAMBDA_MFR)
        loss.backward()
        opt.step()
        ema_update(teacher, student, EMA_TAU)
        losses.append([float(loss), float(lb), float(lm)])
    save_safetensors(os.path.join(out, "ref_student_after.safetensors"), student.state_dict())
    save_safetensors(os.path.join(out, "ref_teacher_after.safetensors"), teacher.state_dict())
    save_safetensors(os.path.join(out, "ref_decoder_after.safetensors"), decoder.state_dict())
    with open(os.path.join(out, "ref_step.json"), "w") as f:
        json.dump({"d_model": d, "n_heads": heads, "n_layers": layers, "d_dec": dd, "dec_heads": dh, "dec_layers": dl,
                   "lrs": LRS, "weight_decay": WEIGHT_DECAY, "ema_tau": EMA_TAU, "lambda_mfr": LAMBDA_MFR,
                   "losses": losses, "torch": torch.__version__}, f)


if __name__ == "__main__":
    main()
