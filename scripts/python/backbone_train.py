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
import json, os, sys
import numpy as np
import torch, torchvision
from torchvision.ops.stochastic_depth import StochasticDepth

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convnext_reference import lively_convnext, timm_state  # noqa: E402
from osfm_reference import save_safetensors  # noqa: E402

out, seed, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
model = lively_convnext(seed)
save_safetensors(out + "/weights.safetensors", {k: v.detach() for k, v in model.state_dict().items()})
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
    grads = timm_state((k, p.grad.detach().clone()) for k, p in model.features.named_parameters())
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
               "grad_abs_max_sd_off": max(float(g.abs().max()) for g in g_off.values())}, f, indent=1)
print("reference: torch %s; loss %.6f (stochastic depth off), %.6f (on, replayed draws)" % (
    torch.__version__, loss_off, loss_on), file=sys.stderr)
