/**
 * ConvNeXt-Tiny tile features on DJL's PyTorch engine (SPEC §6, OpenSlideFM NB05): {@link
 * org.slidebatch.model.ConvNextTiny} (the network from DJL blocks), {@link org.slidebatch.model.WeightsLoader}
 * (safetensors with timm or torchvision key names; TorchScript through DJL), {@link
 * org.slidebatch.model.FeatureExtractor} (batch inference → N×768), {@link org.slidebatch.model.Npy} (NumPy files).
 *
 * <h2>Offline natives</h2>
 * The engine's natives come from Maven ({@code ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64}); at first
 * use DJL unpacks them into {@code $DJL_CACHE_DIR} (scripts set {@code ~/.cache/slidebatch/djl}). {@link
 * org.slidebatch.model.DjlRuntime} sets {@code ai.djl.offline=true} before the engine loads, so nothing is
 * downloaded and no telemetry probe runs. Never set {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR} or
 * {@code PYTORCH_LIBRARY_PATH}: they send DJL down its download path.
 *
 * <h2>NVIDIA GPU</h2>
 * Replace the {@code pytorch-native-cpu} dependency in {@code pom.xml} by DJL's CUDA build of the same PyTorch
 * version and platform (for PyTorch 2.7.1: {@code ai.djl.pytorch:pytorch-native-cu128}, version {@code 2.7.1},
 * classifier {@code linux-x86_64}; check DJL's PyTorch engine page for the CUDA flavour of the DJL release in
 * use — this workplace's registry does not serve it, so it is untested here), rebuild, and keep
 * {@code DJL_OFFLINE=true}. The extractor runs on the engine's default device, which is the first GPU when the
 * CUDA natives and a driver are present; no code change. The CUDA natives need an NVIDIA driver that supports
 * their CUDA version; DJL logs the device it picked, and {@code slidebatch model embed} prints it.
 */
package org.slidebatch.model;
