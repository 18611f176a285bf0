#!/usr/bin/env python3
"""scikit-learn side of `slidebatch bench probe`: same data (DIR/x.npy), labels and folds (DIR/labels.csv),
same protocol (per fold StandardScaler + LogisticRegression(lbfgs, C, tol 1e-4, max_iter), multinomial).
usage: bench_probe.py DIR C MAX_ITER   -> prints one JSON line {seconds, oof_auroc, versions}
"""
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
d = Path(sys.argv[1])
C = float(sys.argv[2])
max_iter = int(sys.argv[3])
x = np.load(d / "x.npy").astype(np.float64)
lab = np.genfromtxt(d / "labels.csv", delimiter=",", names=True, dtype=np.int64)
y = lab["y"]
aurocs = []
t0 = time.perf_counter()
c0 = time.process_time()
for col in [n for n in lab.dtype.names if n.startswith("fold_")]:
    fold = lab[col]
    oof = np.zeros((len(y), len(np.unique(y))))
    for f in sorted(set(fold.tolist())):
        te = fold == f
        sc = StandardScaler().fit(x[~te])
        m = LogisticRegression(C=C, solver="lbfgs", tol=1e-4, max_iter=max_iter).fit(sc.transform(x[~te]), y[~te])
        oof[np.ix_(te, m.classes_)] = m.predict_proba(sc.transform(x[te]))
    aurocs.append(float(roc_auc_score(y, oof, multi_class="ovr")))
secs = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({"seconds": secs, "cpu_seconds": cpu, "oof_auroc": aurocs, "sklearn": sklearn.__version__, "numpy": np.__version__}))
