"""OpenSlideFM's PANDA grading model and loss in PyTorch, as OSFM-spec §15 (NB11) describes them: the reference
that scripts/parity-grade and slidebatch's GradeParityTest compare the DJL implementation (model.mil.MilGrader,
grade.GradeStep) against, and the state-dict names slidebatch's safetensors use.

The spec names pool05/pool20, the FFN, the scorer and the fusion MLP but not their attributes: the attribute names
here (attn, norm1, ffn, norm2, scorer, fuse, head) are ours. Dims are arguments so the checks can run small; the
defaults are NB11's (768, 8 heads, FFN 1536, scorer 384, hidden 512, 6 classes: 11 099 144 parameters).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MultiHeadPool(nn.Module):
    def __init__(self, d=768, heads=8, p=0.1, ff=1536, scorer=384, topk_ratio=0.15, topk_min=24):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads, dropout=p, batch_first=True)
        self.drop = nn.Dropout(p)
        self.norm1 = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, ff), nn.ReLU(), nn.Dropout(p), nn.Linear(ff, d))
        self.norm2 = nn.LayerNorm(d)
        self.scorer = nn.Sequential(nn.Linear(d, scorer), nn.ReLU(), nn.Linear(scorer, 1))
        self.topk_ratio = topk_ratio
        self.topk_min = topk_min

    def forward(self, x, mask):
        x = x.float()
        a, _ = self.attn(x, x, x, key_padding_mask=mask, need_weights=False)
        h = self.norm1(x + self.drop(a))
        h = self.norm2(h + self.drop(self.ffn(h)))
        s = self.scorer(h).squeeze(-1)
        s = s.masked_fill(mask, -1e4)
        out = []
        for i in range(x.shape[0]):
            n = int((~mask[i]).sum())
            k = max(int(math.floor(self.topk_ratio * n)), self.topk_min)
            k = max(1, min(k, n))
            top, idx = torch.topk(s[i, :n], k)
            w = torch.softmax(top, dim=0)
            out.append((w.unsqueeze(-1) * h[i, idx]).sum(0))
        return torch.stack(out)


class MILModel(nn.Module):
    def __init__(self, d=768, heads=8, classes=6, hidden=512, pool_dropout=0.1, fuse_dropout=0.15, ff=1536,
                 scorer=384, topk_ratio=0.15, topk_min=24):
        super().__init__()
        self.pool05 = MultiHeadPool(d, heads, pool_dropout, ff, scorer, topk_ratio, topk_min)
        self.pool20 = MultiHeadPool(d, heads, pool_dropout, ff, scorer, topk_ratio, topk_min)
        self.fuse = nn.Sequential(nn.Linear(2 * d, hidden), nn.LayerNorm(hidden), nn.ReLU(), nn.Dropout(fuse_dropout),
                                  nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(fuse_dropout))
        self.head = nn.Linear(hidden, classes)

    def forward(self, x05, m05, x20, m20):
        z = torch.cat([self.pool05(x05, m05), self.pool20(x20, m20)], dim=-1)
        return self.head(self.fuse(z))


def smooth_one_hot(y, classes, smooth):
    t = torch.full((y.shape[0], classes), smooth / classes)
    t.scatter_(1, y.unsqueeze(1), 1 - smooth + smooth / classes)
    return t


def nb11_loss(logits, y, class_weights, smooth=0.05, alpha=0.25, gamma=2.0, ordinal_lam=0.25, exp_lam=0.02):
    """focal CE (label smoothing, per-sample class weight) + ordinal_lam·|argmax − y| (no gradient) + exp_lam·MSE of
    the expected grade. Returns (total, focal, dist, mse)."""
    classes = logits.shape[1]
    t = smooth_one_hot(y, classes, smooth)
    logp = F.log_softmax(logits, dim=1)
    p = logp.exp()
    pt = (p * t).sum(1).clamp(min=1e-8)
    ce = -(t * logp).sum(1)
    focal = (alpha * (1 - pt) ** gamma * ce * class_weights[y]).mean()
    dist = (p.argmax(1) - y).abs().float().mean()
    grades = torch.arange(classes, dtype=p.dtype)
    mse = (((p * grades).sum(1) - y.float()) ** 2).mean()
    return focal + ordinal_lam * dist + exp_lam * mse, focal, dist, mse


if __name__ == "__main__":
    m = MILModel()
    print(sum(p.numel() for p in m.parameters()))
    for k, v in m.state_dict().items():
        print(k, tuple(v.shape))
