"""Reference for scripts/parity-backbone-train and BackboneTrainParityTest: one backward pass of torchvision's
convnext_tiny features in train mode, seeded random weights (every parameter drawn, so each one matters).

usage: backbone_train.py OUT_DIR SEED N SIZE
writes OUT_DIR/
  weights.safetensors   the full torchvision state dict (torchvision key names)
  images.npy            N×3×SIZE×SIZE float32
  probe.npy             N×768 float32; the loss is sum(features * probe), features = GAP of model.features
  draws.npy             17×N float32 uniform draws for stochastic depth of blocks 1..17 (block 0 has p = 0)
  grads_sd_off.safetensors  parameter gradients with stochastic depth off (timm key names, layer scale flattened)
  grads_sd_on.safetensors   the same with stochastic depth 0.1 (train mode) whose keep/drop comes from draws.npy:
                            keep = (u < 1 - p) / (1 - p), p = 0.1 * i / 17 for block i
  reference.json        losses, versions
"""
import json, struct, sys
import numpy as np
import torch, torchvision
from torchvision.ops.stochastic_depth import StochasticDepth

out, seed, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.manual_seed(seed)
model = torchvision.models.convnext_tiny(weights=None)
with torch.no_grad():
    for mod in model.modules():
        if isinstance(mod, torch.nn.LayerNorm):
            mod.weight.normal_(1.0, 0.1)
            mod.bias.normal_(0.0, 0.1)
        elif isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)) and mod.bias is not None:
            mod.bias.normal_(0.0, 0.02)
        if hasattr(mod, "layer_scale"):
            mod.layer_scale.uniform_(0.1, 0.5)


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, a in tensors.items():
        a = np.ascontiguousarray(a, dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def timm_name(k):  # a key of model.features.named_parameters(), prefixed "features."
    p = k.split(".")
    f = int(p[1])
    if f == 0:
        return "stem.%s.%s" % (p[2], p[3])
    if f % 2 == 0:
        return "stages.%d.downsample.%s.%s" % (f // 2, p[2], p[3])
    s, b = (f - 1) // 2, p[2]
    if p[3] == "layer_scale":
        return "stages.%d.blocks.%s.gamma" % (s, b)
    part = {"0": "conv_dw", "2": "norm", "3": "mlp.fc1", "5": "mlp.fc2"}[p[4]]
    return "stages.%d.blocks.%s.%s.%s" % (s, b, part, p[5])


save_safetensors(out + "/weights.safetensors", {k: v.detach().numpy() for k, v in model.state_dict().items()})
rng = np.random.default_rng(seed)
x = rng.standard_normal((n, 3, size, size)).astype(np.float32)
probe = rng.standard_normal((n, 768)).astype(np.float32)
draws = rng.random((17, n)).astype(np.float32)
np.save(out + "/images.npy", x)
np.save(out + "/probe.npy", probe)
np.save(out + "/draws.npy", draws)

depths = [m for m in model.modules() if isinstance(m, StochasticDepth)]
assert len(depths) == 18, len(depths)
assert abs(depths[-1].p - 0.1) < 1e-12 and depths[0].p == 0.0


class Replayed(torch.nn.Module):
    """torchvision's StochasticDepth(p, "row") with the Bernoulli draws given: noise = (u < 1 - p) / (1 - p)."""
    def __init__(self, p, u):
        super().__init__()
        self.p, self.u = p, u

    def forward(self, t):
        survival = 1.0 - self.p
        noise = torch.from_numpy((self.u < survival).astype(np.float32)).reshape(-1, 1, 1, 1)
        noise.div_(survival)
        return t * noise


def backward(sd_on):
    blocks = [m for m in model.modules() if hasattr(m, "stochastic_depth")]
    saved = [b.stochastic_depth for b in blocks]
    for i, b in enumerate(blocks):
        if sd_on and i > 0:
            b.stochastic_depth = Replayed(saved[i].p, draws[i - 1])
        else:
            b.stochastic_depth = StochasticDepth(0.0, "row")
    model.train()
    model.zero_grad(set_to_none=True)
    feats = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(model.features(torch.from_numpy(x)), 1), 1)
    loss = (feats * torch.from_numpy(probe)).sum()
    loss.backward()
    grads = {}
    for k, p in model.features.named_parameters():
        g = p.grad.detach().numpy()
        grads[timm_name("features." + k)] = g.reshape(-1) if k.endswith("layer_scale") else g
    for b, s in zip(blocks, saved):
        b.stochastic_depth = s
    return float(loss), grads


loss_off, g_off = backward(False)
loss_on, g_on = backward(True)
save_safetensors(out + "/grads_sd_off.safetensors", g_off)
save_safetensors(out + "/grads_sd_on.safetensors", g_on)
with open(out + "/reference.json", "w") as f:
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "seed": seed, "images": n,
               "size": size, "loss_sd_off": loss_off, "loss_sd_on": loss_on,
               "grad_abs_max_sd_off": max(float(np.abs(g).max()) for g in g_off.values())}, f, indent=1)
print("reference: torch %s; loss %.6f (stochastic depth off), %.6f (on, replayed draws)" % (
    torch.__version__, loss_off, loss_on), file=sys.stderr)
