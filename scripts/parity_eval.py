#!/usr/bin/env python3
"""Reference values for slidebatch's evaluation metrics and linear probe, from scikit-learn.

usage: parity_eval.py OUT_DIR
Writes fixed inputs (NumPy seed 20261129) as CSV files under OUT_DIR and OUT_DIR/expected.json with
scikit-learn's results. A metric sklearn refuses (ValueError) or returns as NaN is expected as null.
Cases cover ties, class imbalance, a class missing from a fold and one-class folds.
"""
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score,
                             cohen_kappa_score, confusion_matrix, f1_score, roc_auc_score)
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
rng = np.random.default_rng(20261129)
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
expected = {"metrics": {}, "probe": {}}


def safe(fn):
    try:
        v = float(fn())
    except ValueError:
        return None
    return None if np.isnan(v) else v


def write_csv(name, header, rows):
    with open(out / name, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(repr(v) if isinstance(v, float) else str(v) for v in r) + "\n")


# ---- binary: y_true, score
def binary(name, y, s):
    write_csv(name + ".csv", ["y_true", "score"], zip(y.tolist(), [float(v) for v in s]))
    ap = None if y.sum() == 0 else safe(lambda: average_precision_score(y, s))
    expected["metrics"][name] = {"task": "binary", "auroc": safe(lambda: roc_auc_score(y, s)), "average_precision": ap}


n = 200
y = rng.integers(0, 2, n)
binary("bin_random", y, rng.normal(size=n) + 0.8 * y)
binary("bin_ties", y, np.round(rng.normal(size=n) + y, 1))
binary("bin_coarse_ties", y, rng.integers(0, 4, n).astype(float))
yi = (rng.random(n) < 0.05).astype(int)
yi[0] = 1
binary("bin_imbalanced", yi, np.round(rng.normal(size=n) + 1.5 * yi, 2))
binary("bin_one_class_neg", np.zeros(30, dtype=int), rng.normal(size=30))
binary("bin_one_class_pos", np.ones(30, dtype=int), rng.normal(size=30))


# ---- multiclass: y_true, p0..pK-1 (prediction = argmax)
def multiclass(name, y, p):
    k = p.shape[1]
    write_csv(name + ".csv", ["y_true"] + [f"p{j}" for j in range(k)],
              [[int(y[i])] + [float(v) for v in p[i]] for i in range(len(y))])
    pred = np.argmax(p, axis=1)
    expected["metrics"][name] = {
        "task": "multiclass",
        "auroc_ovr_macro": safe(lambda: roc_auc_score(y, p, multi_class="ovr", average="macro")),
        "accuracy": safe(lambda: accuracy_score(y, pred)),
        "balanced_accuracy": safe(lambda: balanced_accuracy_score(y, pred)),
        "f1_macro": safe(lambda: f1_score(y, pred, average="macro")),
    }


def probs(y, k, signal, decimals=None):
    logits = rng.normal(size=(len(y), k))
    logits[np.arange(len(y)), y] += signal
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    if decimals is not None:
        p = np.round(p, decimals)
        p[:, -1] = 1 - p[:, :-1].sum(axis=1)
    return p


y = rng.integers(0, 4, 300)
multiclass("mc_random", y, probs(y, 4, 1.0))
multiclass("mc_ties", y, probs(y, 4, 1.0, decimals=1))
y = rng.choice(5, 300, p=[0.6, 0.25, 0.1, 0.04, 0.01])
y[:5] = [0, 1, 2, 3, 4]
multiclass("mc_imbalanced", y, probs(y, 5, 1.5))
y = rng.integers(0, 3, 100)  # class 3 of 4 never true: AUROC undefined, the rest defined
multiclass("mc_class_missing", y, probs(y, 4, 1.0))
y = np.full(40, 2)
multiclass("mc_one_class", y, probs(y, 4, 1.0))


# ---- ordinal: y_true, y_pred
def ordinal(name, y, pred):
    write_csv(name + ".csv", ["y_true", "y_pred"], zip(y.tolist(), pred.tolist()))
    labels = sorted(set(y.tolist()) | set(pred.tolist()))
    expected["metrics"][name] = {
        "task": "ordinal",
        "qwk": safe(lambda: cohen_kappa_score(y, pred, weights="quadratic")),
        "linear_kappa": safe(lambda: cohen_kappa_score(y, pred, weights="linear")),
        "kappa": safe(lambda: cohen_kappa_score(y, pred)),
        "labels": labels,
        "confusion": confusion_matrix(y, pred, labels=labels).tolist(),
    }


y = rng.integers(0, 6, 250)
ordinal("ord_random", y, np.clip(y + rng.integers(-2, 3, 250), 0, 5))
y = rng.choice([0, 1, 2, 4, 5], 120)  # grade 3 absent on both sides: weights follow label positions
pred = np.clip(y + rng.integers(-1, 2, 120), 0, 5)
ordinal("ord_label_gap", y, np.where(pred == 3, 4, pred))
y = rng.choice(4, 200, p=[0.7, 0.2, 0.08, 0.02])
ordinal("ord_imbalanced", y, np.clip(y + rng.integers(-1, 2, 200), 0, 3))
ordinal("ord_one_class", np.full(25, 2), np.full(25, 2))
ordinal("ord_one_class_true", np.full(25, 1), rng.integers(0, 3, 25))


# ---- linear probe on fixed folds: f0..f{d-1}, y_true, fold
def probe(name, x, y, fold, c):
    d = x.shape[1]
    write_csv(name + ".csv", [f"f{j}" for j in range(d)] + ["y_true", "fold"],
              [[float(v) for v in x[i]] + [int(y[i]), int(fold[i])] for i in range(len(y))])
    classes = np.unique(y)
    res = {"C": c}
    for solver in ("lbfgs", "liblinear"):
        oof = np.zeros((len(y), len(classes)))
        fold_auroc = []
        for f in sorted(set(fold.tolist())):
            te = fold == f
            tr = ~te
            sc = StandardScaler().fit(x[tr])
            m = LogisticRegression(C=c, solver=solver, tol=1e-10, max_iter=10000)
            m.fit(sc.transform(x[tr]), y[tr])
            p = m.predict_proba(sc.transform(x[te]))
            full = np.zeros((te.sum(), len(classes)))
            full[:, np.searchsorted(classes, m.classes_)] = p
            oof[te] = full
            if len(classes) == 2:
                fold_auroc.append(safe(lambda: roc_auc_score(y[te], full[:, 1])))
            else:
                fold_auroc.append(safe(lambda: roc_auc_score(y[te], full, multi_class="ovr")))
        if len(classes) == 2:
            oof_auroc = safe(lambda: roc_auc_score(y, oof[:, 1]))
            prob = oof[:, 1].tolist()
        else:
            oof_auroc = safe(lambda: roc_auc_score(y, oof, multi_class="ovr"))
            prob = oof.tolist()
        res[solver] = {"fold_auroc": fold_auroc, "oof_auroc": oof_auroc, "oof_prob": prob}
    expected["probe"][name] = res


n, d = 120, 16
y = rng.integers(0, 2, n)
x = rng.normal(size=(n, d)) + np.outer(y, rng.normal(size=d) * 0.5) + 3.0
probe("probe_binary", x, y, rng.permutation(np.arange(n) % 5), 1.0)
n, d = 150, 12
y = rng.integers(0, 3, n)
x = rng.normal(size=(n, d)) * rng.uniform(0.5, 4, d) + rng.normal(size=(3, d))[y]
probe("probe_multiclass", x, y, rng.permutation(np.arange(n) % 4), 0.3)
n, d = 90, 8
y = np.where(np.arange(n) < 60, rng.integers(0, 2, n), 2)  # class 2 only in fold 2 -> absent from its training rows
fold = np.where(y == 2, 2, rng.integers(0, 2, n))
x = rng.normal(size=(n, d)) + rng.normal(size=(3, d))[y]
probe("probe_class_missing_in_train", x, y, fold, 1.0)

(out / "expected.json").write_text(json.dumps(expected, indent=1))
print(f"wrote {len(expected['metrics'])} metric cases and {len(expected['probe'])} probe cases to {out}")
