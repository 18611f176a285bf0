"""OpenSlideFM's slide aggregator and phase-1 step in PyTorch, as OSFM-spec §8c/§8d describe it (the reference
that scripts/parity-aggregator and scripts/bench-pretrain compare slidebatch's DJL implementation against).

Dims are arguments so the checks can run small; the defaults are OpenSlideFM's (d 768, 8 heads, 6 layers, FF 3072).
Also: safetensors written and read by hand (numpy + json), so no extra Python package is needed.
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class PositionalEncoder(nn.Module):
    def __init__(self, d=768):
        super().__init__()
        self.proj = nn.Sequential(nn.Linear(3, d // 2), nn.GELU(), nn.Linear(d // 2, d))

    def forward(self, mm_xy, scale):
        return self.proj(torch.cat([mm_xy, scale], dim=-1))


class MILTransformer(nn.Module):
    def __init__(self, d=768, heads=8, layers=6, ff_mult=4, dropout=0.1):
        super().__init__()
        self.pos = PositionalEncoder(d)
        layer = nn.TransformerEncoderLayer(d_model=d, nhead=heads, dim_feedforward=d * ff_mult, dropout=dropout,
                                           batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=layers)
        self.ln = nn.LayerNorm(d)
        self.proj_global = nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, d))
        self.pred_global = nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, d))

    def forward(self, feats, mm_xy, scale, pad):
        x = feats + self.pos(mm_xy, scale)
        x = self.enc(x, src_key_padding_mask=pad)
        x = self.ln(x)
        g = x.masked_fill(pad.unsqueeze(-1), float("-inf")).max(dim=1).values
        g_proj = self.proj_global(g)
        g_pred = self.pred_global(g_proj)
        return g_proj, g_pred, x


class MFRDecoder(nn.Module):
    def __init__(self, d_model=768, d_dec=384, n_layers=2, n_heads=4, dropout=0.1, ff_mult=4):
        super().__init__()
        self.proj_in = nn.Linear(d_model, d_dec)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, d_dec))
        nn.init.trunc_normal_(self.mask_token, std=0.02)
        layer = nn.TransformerEncoderLayer(d_model=d_dec, nhead=n_heads, dim_feedforward=d_dec * ff_mult,
                                           dropout=dropout, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=n_layers)
        self.ln = nn.LayerNorm(d_dec)
        self.proj_out = nn.Linear(d_dec, d_model)

    def forward(self, enc_out, masked, pad):
        h = self.proj_in(enc_out)
        h = torch.where(masked.unsqueeze(-1), self.mask_token.expand_as(h), h)
        h = self.enc(h, src_key_padding_mask=pad)
        return self.proj_out(self.ln(h))


def cos_loss(p, z):
    p = F.normalize(p, dim=-1, eps=1e-12)
    z = F.normalize(z.detach(), dim=-1, eps=1e-12)
    return (1 - (p * z).sum(dim=-1)).mean()


def phase1_loss(student, teacher, decoder, v1, v2, mm_xy, scale, pad, masked, lambda_mfr=0.5):
    """L_byol (both directions against the teacher's projector) + lambda · L_mfr (masked tokens, other view)."""
    with torch.no_grad():
        g_t1, _, enc_t1 = teacher(v1, mm_xy, scale, pad)
        g_t2, _, enc_t2 = teacher(v2, mm_xy, scale, pad)
    _, p1, enc_s1 = student(v1, mm_xy, scale, pad)
    _, p2, enc_s2 = student(v2, mm_xy, scale, pad)
    l_byol = 0.5 * cos_loss(p1, g_t2) + 0.5 * cos_loss(p2, g_t1)
    d1 = decoder(enc_s1, masked, pad)[masked]
    d2 = decoder(enc_s2, masked, pad)[masked]
    l_mfr = 0.5 * cos_loss(d1, enc_t2[masked]) + 0.5 * cos_loss(d2, enc_t1[masked])
    return l_byol + lambda_mfr * l_mfr, l_byol, l_mfr


@torch.no_grad()
def ema_update(teacher, student, tau):
    for pt, ps in zip(teacher.parameters(), student.parameters()):
        pt.mul_(tau).add_(ps, alpha=1 - tau)


def save_safetensors(path, tensors):
    """u64 LE header length, JSON header padded with spaces to 8 bytes, raw LE float32 in key order."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name].detach().cpu().numpy().astype("<f4"))
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
        blobs.append(arr.tobytes())
        offset += arr.nbytes
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", (name, e["dtype"])
        b, en = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:en], dtype="<f4").reshape(e["shape"]).copy())
    return out


if __name__ == "__main__":
    m = MILTransformer()
    d = MFRDecoder()
    print(sum(p.numel() for p in m.parameters()), sum(p.numel() for p in d.parameters()))
    for k, v in m.state_dict().items():
        print("S", k, tuple(v.shape))
    for k, v in d.state_dict().items():
        print("D", k, tuple(v.shape))
