"""PyTorch peer of `slidebatch bench pretrain --phase 2`: the same phase-2 update (torchvision convnext_tiny in train
mode with its stochastic depth 0.1, backbone teacher in eval, osfm_reference aggregator + decoder, masked student input,
single-direction loss, AdamW with two groups, both EMAs) on random weights and tiles, fp32 on the CPU.

usage: bench_phase2.py TILES SIZE STEPS THREADS D HEADS LAYERS DEC_D DEC_HEADS DEC_LAYERS
prints one JSON line: {"threads", "warmup_s", "step_s": [...], "tiles_per_s", "torch", "peak_rss_bytes"}
"""
import json
import os
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osfm_reference import MFRDecoder, MILTransformer, cos_loss, ema_update  # noqa: E402


def main():
    tiles, size, steps, threads, d, heads, layers, dd, dh, dl = map(int, sys.argv[1:11])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    backbone = torchvision.models.convnext_tiny(weights=None).features
    backbone_teacher = torchvision.models.convnext_tiny(weights=None).features
    backbone_teacher.load_state_dict(backbone.state_dict())
    for p in backbone_teacher.parameters():
        p.requires_grad_(False)
    student, teacher = MILTransformer(d, heads, layers, 4, 0.1), MILTransformer(d, heads, layers, 4, 0.1)
    teacher.load_state_dict(student.state_dict())
    for p in teacher.parameters():
        p.requires_grad_(False)
    decoder = MFRDecoder(d, dd, dl, dh, 0.1)
    backbone.train(); backbone_teacher.eval(); student.train(); teacher.train(); decoder.train()
    opt = torch.optim.AdamW([{"params": list(student.parameters()) + list(decoder.parameters()), "lr": 1.5e-4},
                             {"params": list(backbone.parameters()), "lr": 1.5e-5}], weight_decay=1e-4)
    x = torch.rand(tiles, 3, size, size) * 4 - 2
    mm = torch.rand(1, tiles, 2) * 20
    sc = torch.full((1, tiles, 1), 0.5)
    pad = torch.zeros(1, tiles, dtype=torch.bool)
    gap = lambda f: torch.flatten(torch.nn.functional.adaptive_avg_pool2d(f, 1), 1)  # noqa: E731
    times = []
    for t in range(steps + 1):
        m = torch.zeros(1, tiles, dtype=torch.bool)
        m[0, torch.randperm(tiles)[:max(1, round(0.25 * tiles))]] = True
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        feats_s = gap(backbone(x))
        with torch.no_grad():
            feats_t = gap(backbone_teacher(x))
        xs = feats_s.clone()
        xs[m[0]] = 0
        _, p, enc_s = student(xs[None], mm, sc, pad)
        with torch.no_grad():
            g_t, _, enc_t = teacher(feats_t[None], mm, sc, pad)
        loss = cos_loss(p, g_t) + 0.5 * cos_loss(decoder(enc_s, m, pad)[m], enc_t[m])
        loss.backward()
        opt.step()
        ema_update(teacher, student, 0.996)
        ema_update(backbone_teacher, backbone, 0.996)
        times.append(time.perf_counter() - t0)
    step_s = times[1:]
    print(json.dumps({"threads": threads, "warmup_s": times[0], "step_s": step_s,
                      "tiles_per_s": tiles / (sum(step_s) / len(step_s)), "torch": torch.__version__,
                      "peak_rss_bytes": peak_rss()}))


def peak_rss():
    """VmHWM of this process (getrusage's ru_maxrss would report the parent JVM's peak after execve)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


if __name__ == "__main__":
    main()
