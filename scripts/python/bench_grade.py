"""PyTorch side of `slidebatch bench grade`: NB11's training loop (OSFM-spec §15) at the given sizes, float32 on CPU:
forward in training mode, NB11 loss, backward, clip_grad_norm_(1.0), AdamW, EMA. Prints one JSON line with slides/s
and the process's peak resident memory.

usage: bench_grade.py BATCH T05 T20 WARMUP STEPS [THREADS]   (THREADS: torch.set_num_threads; Debian's torch starts with 1)
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grade_reference import MILModel, nb11_loss  # noqa: E402


def main():
    b, t05, t20, warmup, steps = map(int, sys.argv[1:6])
    if len(sys.argv) > 6:
        torch.set_num_threads(int(sys.argv[6]))
    torch.manual_seed(0)
    model = MILModel()
    model.train()
    ema = {k: v.detach().clone() for k, v in model.state_dict().items()}
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-4)
    x05, x20 = torch.randn(b, t05, 768), torch.randn(b, t20, 768)
    m05, m20 = torch.zeros(b, t05, dtype=torch.bool), torch.zeros(b, t20, dtype=torch.bool)
    y = torch.arange(b) % 6
    cw = torch.ones(6)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = nb11_loss(model(x05, m05, x20, m20), y, cw)[0]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            for k, v in model.state_dict().items():
                ema[k].mul_(0.999).add_(v, alpha=0.001)

    for _ in range(warmup):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": wall, "cpu_seconds": cpu,
                      "slides_per_s": b * steps / wall, "peak_rss_bytes": peak_rss()}))


def peak_rss():
    """VmHWM of this process (getrusage's ru_maxrss would report the parent JVM's peak after execve)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


if __name__ == "__main__":
    main()
