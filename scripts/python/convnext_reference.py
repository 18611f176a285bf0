"""torchvision's convnext_tiny as the parity scripts build it (backbone_train.py, parity_phase2.py): every parameter
drawn from the seed, so each one matters to a comparison, and the state dict under timm's key names, which is what
slidebatch's ConvNeXt loader reads."""
import torch
import torchvision


def lively_convnext(seed):
    """convnext_tiny(weights=None) after torch.manual_seed(seed), with LayerNorms, biases and layer scales drawn too
    (their defaults 1, 0 and 1e-6 would hide errors in those terms)."""
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
    return model


def timm_name(k):
    """timm's name for a key of convnext_tiny().features.state_dict() prefixed "features."."""
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


def timm_state(named_tensors):
    """(key, tensor) pairs of model.features (state dict or gradients) under timm's names, layer scales flattened."""
    return {timm_name("features." + k): (v.reshape(-1) if k.endswith("layer_scale") else v) for k, v in named_tensors}
