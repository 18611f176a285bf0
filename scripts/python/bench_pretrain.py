"""PyTorch peer of `slidebatch bench pretrain`: one OpenSlideFM phase-1 step (two views, teacher on both, student on
both, BYOL both ways + 0.5·MFR, AdamW, EMA), fp32 on CPU, on random tokens. Debian's torch starts with one intra-op
thread (STACK-NOTES §13), so every request sets its thread count itself.

usage: bench_pretrain.py TOKENS BATCH STEPS THREADS[,THREADS…] [D HEADS LAYERS DEC_D DEC_HEADS DEC_LAYERS]
    one warm-up step then STEPS timed steps per thread count; prints one JSON object (best steps/s).
usage: bench_pretrain.py --serve TOKENS BATCH [D HEADS LAYERS DEC_D DEC_HEADS DEC_LAYERS]
    builds the model once, then answers each stdin line "THREADS STEPS" with one JSON line {"threads", "seconds",
    "steps_per_s", "tokens_per_s", "step_s"} (the first request for a thread count runs one untimed warm-up step
    first); at end of input prints {"peak_rss_bytes", "torch"}. `slidebatch bench pretrain` uses this to
    interleave its own timed steps with ours on a shared machine.
"""
import copy
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osfm_reference import MFRDecoder, MILTransformer, ema_update, phase1_loss  # noqa: E402


def build(tokens, batch, dims):
    d, heads, layers, dd, dh, dl = dims
    torch.manual_seed(0)
    student = MILTransformer(d, heads, layers, 4, 0.1).train()
    teacher = copy.deepcopy(student)
    for p in teacher.parameters():
        p.requires_grad_(False)
    decoder = MFRDecoder(d, dd, dl, dh, 0.1).train()
    opt = torch.optim.AdamW(list(student.parameters()) + list(decoder.parameters()), lr=1.5e-4, weight_decay=1e-4)
    feats = torch.randn(batch, tokens, d)
    mm = torch.rand(batch, tokens, 2) * 20
    scale = torch.full((batch, tokens, 1), 0.5)
    pad = torch.zeros(batch, tokens, dtype=torch.bool)
    masked = torch.zeros(batch, tokens, dtype=torch.bool)
    mcount = max(1, round(0.25 * tokens))
    for b in range(batch):
        masked[b, torch.randperm(tokens)[:mcount]] = True

    def view():
        v = feats * (torch.rand_like(feats) >= 0.1) + 0.02 * torch.randn_like(feats)
        return v * (~masked).unsqueeze(-1)

    def step():
        loss, _, _ = phase1_loss(student, teacher, decoder, view(), view(), mm, scale, pad, masked, 0.5)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        ema_update(teacher, student, 0.996)
        return float(loss)

    return step


def timed(step, threads, steps, tokens, batch):
    torch.set_num_threads(threads)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    sec = sum(times)
    return {"threads": threads, "seconds": sec, "steps_per_s": steps / sec, "tokens_per_s": steps * batch * tokens / sec,
            "step_s": times}


def dims_from(args):
    return tuple(int(x) for x in args) if args else (768, 8, 6, 384, 4, 2)


def main():
    if sys.argv[1] == "--serve":
        tokens, batch = int(sys.argv[2]), int(sys.argv[3])
        step = build(tokens, batch, dims_from(sys.argv[4:10]))
        warmed = set()
        for line in sys.stdin:
            if not line.strip():
                continue
            threads, steps = (int(x) for x in line.split())
            if threads not in warmed:
                torch.set_num_threads(threads)
                step()
                warmed.add(threads)
            print(json.dumps(timed(step, threads, steps, tokens, batch)), flush=True)
        print(json.dumps({"peak_rss_bytes": peak_rss(), "torch": torch.__version__}), flush=True)
        return
    tokens, batch, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    threads = [int(t) for t in sys.argv[4].split(",")]
    step = build(tokens, batch, dims_from(sys.argv[5:11]))
    runs = []
    for t in threads:
        torch.set_num_threads(t)
        step()  # warm-up
        runs.append(timed(step, t, steps, tokens, batch))
    best = max(runs, key=lambda r: r["steps_per_s"])
    print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "runs": runs, "best": best,
                      "peak_rss_bytes": peak_rss()}))


def peak_rss():
    """VmHWM of this process: getrusage's ru_maxrss survives execve, so under a JVM parent it reports the JVM's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    main()
