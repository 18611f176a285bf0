#!/usr/bin/env python3
"""Compares slidebatch's eval outputs (OUT_DIR/got/<case>[.<solver>].json) with OUT_DIR/expected.json.

Metrics must agree to 1e-9 (absolute), probe out-of-fold probabilities to 1e-6; null must match null.
Prints one line per case and exits 1 on any mismatch.
"""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
exp = json.loads((out / "expected.json").read_text())
bad = 0


def close(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    return abs(float(a) - float(b)) <= tol


def worst(a, b):
    if isinstance(a, list):
        return max([worst(x, y) for x, y in zip(a, b)] or [0.0])
    return 0.0 if a is None or b is None else abs(float(a) - float(b))


for case, want in exp["metrics"].items():
    got = json.loads((out / "got" / f"{case}.json").read_text())
    keys = [k for k in want if k != "task"]
    ok = all(close(want[k], got.get(k), 1e-9) for k in keys)
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} metrics {case}: " + ", ".join(f"{k}={got.get(k)!r:.40}" for k in keys if k != "confusion"))
for case, want in exp["probe"].items():
    for solver in ("lbfgs", "liblinear"):
        got = json.loads((out / "got" / f"{case}.{solver}.json").read_text())
        w = want[solver]
        ok = close(w["oof_prob"], got["oof_prob"], 1e-6) and close(w["fold_auroc"], got["fold_auroc"], 1e-6) \
            and close(w["oof_auroc"], got["oof_auroc"], 1e-6)
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} probe {case} {solver}: max |dprob| = {worst(w['oof_prob'], got['oof_prob']):.2e}, "
              f"oof_auroc {got['oof_auroc']} vs {w['oof_auroc']}")
sys.exit(1 if bad else 0)
