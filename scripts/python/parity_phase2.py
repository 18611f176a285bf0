"""Reference side of the phase-2 step parity (Phase2StepParityTest, scripts/bench-pretrain --phase 2 check).

One OpenSlideFM phase-2 update (OSFM-spec §8e) in PyTorch on T small tiles, with stochastic depth and dropout off so
that it is deterministic: torchvision convnext_tiny student backbone (train mode) + backbone teacher (eval), the
aggregator student/teacher and MFR decoder of osfm_reference.py, the student's input masked, single-direction
BYOL + lambda * MFR, AdamW with two parameter groups (lr, lr * ratio), EMA of both teachers.

usage: parity_phase2.py OUT TILES SIZE HEADS LAYERS DEC_D DEC_HEADS DEC_LAYERS SEED
writes OUT/{backbone,backbone_teacher,student,teacher,decoder}.safetensors (before; backbone files with timm names),
OUT/tiles.npy (T×3×S×S), positions.npy (T×3), masked.npy (T, 0/1), and ref_<module>_after.safetensors + ref_step.json.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision
from torchvision.ops.stochastic_depth import StochasticDepth

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osfm_reference import MFRDecoder, MILTransformer, cos_loss, ema_update, save_safetensors  # noqa: E402
from parity_aggregator import lively  # noqa: E402
from convnext_reference import lively_convnext, timm_state  # noqa: E402

# OpenSlideFM's lr, backbone ratio, weight decay and lambda; a small tau so that the EMA step is visible. Adam's first
# update is lr * g / (|g| + eps) per element: where |g| is near eps (1e-8) float rounding moves it by a fraction of lr
# (seen: 0.19 * 1e-3 on 4 of 3.5 M elements at lr 1e-3), so the lr bounds what a 1e-4 tolerance can show.
LR, RATIO, WEIGHT_DECAY, EMA_TAU, LAMBDA_MFR = 1.5e-4, 0.1, 1e-4, 0.9, 0.5


def main():
    out = sys.argv[1]
    t, size, heads, layers, dd, dh, dl, seed = map(int, sys.argv[2:10])
    cnx = lively_convnext(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    for mod in cnx.modules():
        if isinstance(mod, StochasticDepth):
            mod.p = 0.0  # parity: stochastic depth off
    backbone = cnx.features
    backbone_teacher = torchvision.models.convnext_tiny(weights=None).features
    backbone_teacher.load_state_dict(backbone.state_dict())  # initialised equal (OSFM-spec §8c)
    student = MILTransformer(768, heads, layers, 4, 0.0)
    teacher = MILTransformer(768, heads, layers, 4, 0.0)
    decoder = MFRDecoder(768, dd, dl, dh, 0.0)
    for m in (student, teacher, decoder):
        lively(m, gen)
    os.makedirs(out, exist_ok=True)
    save_safetensors(os.path.join(out, "backbone.safetensors"), timm_state(backbone.state_dict().items()))
    save_safetensors(os.path.join(out, "backbone_teacher.safetensors"), timm_state(backbone_teacher.state_dict().items()))
    save_safetensors(os.path.join(out, "student.safetensors"), student.state_dict())
    save_safetensors(os.path.join(out, "teacher.safetensors"), teacher.state_dict())
    save_safetensors(os.path.join(out, "decoder.safetensors"), decoder.state_dict())

    rng = np.random.default_rng(seed)
    tiles = rng.standard_normal((t, 3, size, size)).astype(np.float32)
    pos = np.zeros((t, 3), np.float32)
    pos[:, :2] = rng.uniform(0, 20, (t, 2))
    pos[:, 2] = [0.5] * (t - t // 4) + [2.0] * (t // 4)
    masked = np.zeros(t, bool)
    masked[rng.choice(t, max(1, round(0.25 * t)), replace=False)] = True
    np.save(os.path.join(out, "tiles.npy"), tiles)
    np.save(os.path.join(out, "positions.npy"), pos)
    np.save(os.path.join(out, "masked.npy"), masked.astype(np.float32))

    backbone.train(); backbone_teacher.eval(); student.train(); teacher.train(); decoder.train()
    opt = torch.optim.AdamW([{"params": list(student.parameters()) + list(decoder.parameters()), "lr": LR},
                             {"params": list(backbone.parameters()), "lr": LR * RATIO}], weight_decay=WEIGHT_DECAY)
    x = torch.from_numpy(tiles)
    P = torch.from_numpy(pos[None, :, :2]); S = torch.from_numpy(pos[None, :, 2:])
    pad = torch.zeros(1, t, dtype=torch.bool)
    M = torch.from_numpy(masked[None])
    gap = lambda f: torch.flatten(torch.nn.functional.adaptive_avg_pool2d(f, 1), 1)  # noqa: E731
    opt.zero_grad(set_to_none=True)
    feats_s = gap(backbone(x))
    with torch.no_grad():
        feats_t = gap(backbone_teacher(x))
    x_s = feats_s.clone()
    x_s[torch.from_numpy(masked)] = 0
    _, p, enc_s = student(x_s[None], P, S, pad)
    with torch.no_grad():
        g_t, _, enc_t = teacher(feats_t[None], P, S, pad)
    l_byol = cos_loss(p, g_t)
    l_mfr = cos_loss(decoder(enc_s, M, pad)[M], enc_t[M])
    loss = l_byol + LAMBDA_MFR * l_mfr
    loss.backward()
    opt.step()
    ema_update(teacher, student, EMA_TAU)
    ema_update(backbone_teacher, backbone, EMA_TAU)
    save_safetensors(os.path.join(out, "ref_backbone_after.safetensors"), timm_state(backbone.state_dict().items()))
    save_safetensors(os.path.join(out, "ref_backbone_teacher_after.safetensors"), timm_state(backbone_teacher.state_dict().items()))
    save_safetensors(os.path.join(out, "ref_student_after.safetensors"), student.state_dict())
    save_safetensors(os.path.join(out, "ref_teacher_after.safetensors"), teacher.state_dict())
    save_safetensors(os.path.join(out, "ref_decoder_after.safetensors"), decoder.state_dict())
    with open(os.path.join(out, "ref_step.json"), "w") as f:
        json.dump({"lr": LR, "backbone_ratio": RATIO, "weight_decay": WEIGHT_DECAY, "ema_tau": EMA_TAU,
                   "lambda_mfr": LAMBDA_MFR, "loss": float(loss), "loss_byol": float(l_byol), "loss_mfr": float(l_mfr),
                   "torch": torch.__version__}, f)


if __name__ == "__main__":
    main()
