package org.slidebatch.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ConvNeXt-Tiny weights into our parameters (timm key names, {@link ConvNextTiny#expectedShapes}).
 *
 * <p>safetensors files may use timm's key names ({@code stem.0.weight}, {@code stages.S.downsample.{0,1}.*},
 * {@code stages.S.blocks.B.{conv_dw,norm,mlp.fc1,mlp.fc2}.*}, {@code stages.S.blocks.B.gamma},
 * {@code head.norm.*}, {@code head.fc.*}) or torchvision's ({@code features.0.{0,1}.*} for the stem,
 * {@code features.{1,3,5,7}.B.block.{0,2,3,5}.*} and {@code features.{1,3,5,7}.B.layer_scale} (shape dim×1×1)
 * for the blocks, {@code features.{2,4,6}.{0,1}.*} for the downsamples, {@code classifier.0.*} for the head
 * LayerNorm and {@code classifier.2.*} for the class Linear). Both are mapped onto the same parameters.
 * The class Linear ({@code head.fc.*}, {@code classifier.2.*}) is allowed and ignored, and so is the head
 * LayerNorm when the feature does not use it. Anything else is an error that lists the unknown keys; missing
 * keys and wrong shapes are listed the same way. F32, F16, BF16 and F64 tensors are widened to float32 in Java.
 */
public final class WeightsLoader {

    /** The weights as float32 tensors by timm key name, and what they are. */
    public record Loaded(Map<String, SafeTensors.Tensor> tensors, WeightsInfo info) {
    }

    /** The most keys named in one error list before "… and N more". */
    static final int LIST_LIMIT = 40;

    private static final Pattern TV_STEM = Pattern.compile("features\\.0\\.([01])\\.(weight|bias)");
    private static final Pattern TV_BLOCK = Pattern.compile("features\\.([1357])\\.(\\d+)\\.block\\.([0235])\\.(weight|bias)");
    private static final Pattern TV_SCALE = Pattern.compile("features\\.([1357])\\.(\\d+)\\.layer_scale");
    private static final Pattern TV_DOWN = Pattern.compile("features\\.([246])\\.([01])\\.(weight|bias)");
    private static final Pattern TV_HEAD_NORM = Pattern.compile("classifier\\.0\\.(weight|bias)");
    private static final Pattern TV_HEAD_FC = Pattern.compile("classifier\\.2\\.(weight|bias)");
    private static final Pattern TIMM_HEAD_FC = Pattern.compile("head\\.fc\\.(weight|bias)");

    private WeightsLoader() {
    }

    public enum Format { SAFETENSORS, TORCHSCRIPT }

    /**
     * The file's format: safetensors when its header says so, TorchScript for a zip archive (what
     * {@code torch.jit.save} writes). A missing file is a {@link WeightsException} naming it.
     */
    public static Format detect(Path path) {
        requireFile(path);
        if (SafeTensors.looksLikeSafeTensors(path)) {
            return Format.SAFETENSORS;
        }
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(path)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                return Format.TORCHSCRIPT;
            }
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + path.toAbsolutePath() + ": " + e, e);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            SafeTensors.open(path).close(); // throws with the reason
        }
        throw new WeightsException("weights file " + path.toAbsolutePath() + " is neither safetensors nor a TorchScript "
            + "archive (a plain torch.save state_dict cannot be read: convert it with save_file(model.state_dict())"
            + " from safetensors.torch, or torch.jit.trace + torch.jit.save)");
    }

    static void requireFile(Path path) {
        if (!Files.exists(path)) {
            throw new WeightsException("weights file not found: " + path.toAbsolutePath());
        }
        if (!Files.isRegularFile(path)) {
            throw new WeightsException("weights path is not a file: " + path.toAbsolutePath());
        }
        if (!Files.isReadable(path)) {
            throw new WeightsException("weights file is not readable: " + path.toAbsolutePath());
        }
    }

    /**
     * The head's parameter shapes, which file tensor feeds each parameter (canonical → file key), what was ignored,
     * and the naming found.
     */
    private record KeyPlan(Map<String, long[]> expected, Map<String, String> sourceOf, List<String> ignored, String naming) {
    }

    /**
     * Checks a safetensors file's header (every key, shape and dtype, and that every tensor lies inside the file)
     * against ConvNeXt-Tiny for the given feature head without reading the tensors: cheap enough to refuse a wrong or
     * truncated weights file before a job starts. Throws the same {@link WeightsException} the loader would.
     */
    public static void checkSafeTensors(Path path, FeatureHead head) {
        requireFile(path);
        try (SafeTensors st = SafeTensors.open(path)) {
            plan(st, path, head);
        }
    }

    /** Reads a safetensors state dict (timm or torchvision key names) for the given feature head. */
    public static Loaded loadSafeTensors(Path path, FeatureHead head) {
        requireFile(path);
        try (SafeTensors st = SafeTensors.open(path)) {
            KeyPlan plan = plan(st, path, head);
            Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : plan.expected().entrySet()) {
                SafeTensors.Tensor t = st.read(plan.sourceOf().get(e.getKey()));
                tensors.put(e.getKey(), new SafeTensors.Tensor(e.getValue().clone(), t.data()));
            }
            return new Loaded(tensors, new WeightsInfo("safetensors", path.toAbsolutePath(), sha256(path), plan.naming(), null,
                List.copyOf(plan.ignored())));
        }
    }

    private static KeyPlan plan(SafeTensors st, Path path, FeatureHead head) {
        Map<String, long[]> expected = ConvNextTiny.expectedShapes(head);
        Map<String, long[]> knownUnused = new LinkedHashMap<>();
        if (head != FeatureHead.TIMM_POOLED_LAYERNORM) {
            knownUnused.putAll(ConvNextTiny.expectedShapes(FeatureHead.TIMM_POOLED_LAYERNORM));
            knownUnused.keySet().removeAll(expected.keySet());
        }
        Map<String, String> sourceOf = new LinkedHashMap<>();   // canonical → file key
        List<String> unknown = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean timm = false;
        boolean torchvision = false;
        for (SafeTensors.Entry e : st.entries().values()) {
            Mapping m = map(e.name());
            if (m == null) {
                unknown.add(e.name());
                continue;
            }
            timm |= !m.torchvision();
            torchvision |= m.torchvision();
            if (m.classifier()) {
                ignored.add(e.name());
                continue;
            }
            if (!expected.containsKey(m.canonical())) {
                if (knownUnused.containsKey(m.canonical())) {
                    ignored.add(e.name());
                } else {
                    unknown.add(e.name());
                }
                continue;
            }
            String before = sourceOf.putIfAbsent(m.canonical(), e.name());
            if (before != null) {
                problems.add("'" + e.name() + "' and '" + before + "' are both " + m.canonical());
                continue;
            }
            long[] want = m.layerScale() ? new long[] {expected.get(m.canonical())[0], 1, 1} : expected.get(m.canonical());
            if (!Arrays.equals(want, e.shape())) {
                problems.add(e.name() + " has shape " + e.shapeString() + ", expected " + SafeTensors.Entry.shapeString(want));
            } else if (SafeTensors.dtypeBytes(e.dtype()) < 0) {
                problems.add(e.name() + " has dtype " + e.dtype() + " (F32, F16, BF16 or F64 expected)");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String k : expected.keySet()) {
            if (!sourceOf.containsKey(k)) {
                missing.add(torchvision && !timm ? torchvisionName(k) : k);
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty() || !problems.isEmpty()) {
            StringBuilder sb = new StringBuilder("weights file ").append(path.toAbsolutePath())
                .append(" is not a ConvNeXt-Tiny state dict with timm or torchvision key names (feature head ")
                .append(head.cliName()).append("):");
            appendList(sb, "unknown key", unknown);
            appendList(sb, "missing key", missing);
            appendList(sb, "wrong tensor", problems);
            String hint = prefixHint(unknown);
            if (hint != null) {
                sb.append("\n  hint: ").append(hint);
            }
            throw new WeightsException(sb.toString());
        }
        return new KeyPlan(expected, sourceOf, ignored, timm && torchvision ? "mixed" : torchvision ? "torchvision" : "timm");
    }

    /**
     * Seeded random weights with timm's initialisation: conv and Linear weights truncated normal (std 0.02,
     * cut at ±2), biases 0, LayerNorm weight 1 and bias 0, layer scale γ = 1e-6. The same seed gives the same
     * values on every machine (Java's SplittableRandom, one stream per parameter, in key order).
     */
    public static Loaded random(long seed, FeatureHead head) {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        SplittableRandom root = new SplittableRandom(seed);
        for (Map.Entry<String, long[]> e : ConvNextTiny.expectedShapes(head).entrySet()) {
            SplittableRandom rnd = root.split();
            String k = e.getKey();
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[(int) n];
            if (k.endsWith(".gamma")) {
                Arrays.fill(v, 1e-6f);
            } else if (isNorm(k)) {
                if (k.endsWith(".weight")) {
                    Arrays.fill(v, 1f);
                }
            } else if (k.endsWith(".weight")) {
                for (int i = 0; i < v.length; i++) {
                    double z;
                    do {
                        z = gaussian(rnd);
                    } while (Math.abs(z) > 2.0);
                    v[i] = (float) (0.02 * z);
                }
            }
            tensors.put(k, new SafeTensors.Tensor(e.getValue().clone(), v));
        }
        return new Loaded(tensors, new WeightsInfo("random", null, null, null, seed, List.of()));
    }

    private static boolean isNorm(String k) {
        return k.startsWith("stem.1.") || k.contains(".downsample.0.") || k.contains(".norm.") || k.startsWith("head.norm.");
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box–Muller on the generator's doubles: deterministic and the same on every JVM.
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    // ---------------------------------------------------------------------------------------------- names

    /**
     * A file key mapped to our (timm) name: {@code torchvision} tells which naming it is in, {@code layerScale}
     * that the file holds it as dim×1×1, {@code classifier} that it is the class Linear (ignored).
     */
    record Mapping(String canonical, boolean torchvision, boolean layerScale, boolean classifier) {
    }

    /** Maps a timm or torchvision key to our timm name; null when it is neither. */
    static Mapping map(String key) {
        Matcher m;
        if ((m = TV_STEM.matcher(key)).matches()) {
            return new Mapping("stem." + m.group(1) + "." + m.group(2), true, false, false);
        }
        if ((m = TV_BLOCK.matcher(key)).matches()) {
            int stage = (Integer.parseInt(m.group(1)) - 1) / 2;
            String part = switch (m.group(3)) {
                case "0" -> "conv_dw";
                case "2" -> "norm";
                case "3" -> "mlp.fc1";
                default -> "mlp.fc2";
            };
            return new Mapping("stages." + stage + ".blocks." + m.group(2) + "." + part + "." + m.group(4), true, false, false);
        }
        if ((m = TV_SCALE.matcher(key)).matches()) {
            int stage = (Integer.parseInt(m.group(1)) - 1) / 2;
            return new Mapping("stages." + stage + ".blocks." + m.group(2) + ".gamma", true, true, false);
        }
        if ((m = TV_DOWN.matcher(key)).matches()) {
            int stage = Integer.parseInt(m.group(1)) / 2;
            return new Mapping("stages." + stage + ".downsample." + m.group(2) + "." + m.group(3), true, false, false);
        }
        if ((m = TV_HEAD_NORM.matcher(key)).matches()) {
            return new Mapping("head.norm." + m.group(1), true, false, false);
        }
        if (TV_HEAD_FC.matcher(key).matches()) {
            return new Mapping(key, true, false, true);
        }
        if (TIMM_HEAD_FC.matcher(key).matches()) {
            return new Mapping(key, false, false, true);
        }
        if (TIMM_KEYS.contains(key)) {
            return new Mapping(key, false, false, false);
        }
        return null;
    }

    private static final Set<String> TIMM_KEYS =
        Set.copyOf(ConvNextTiny.expectedShapes(FeatureHead.TIMM_POOLED_LAYERNORM).keySet());

    /** Our (timm) name in torchvision's naming, for error messages about torchvision files. */
    static String torchvisionName(String canonical) {
        Matcher m = Pattern.compile("stem\\.([01])\\.(weight|bias)").matcher(canonical);
        if (m.matches()) {
            return "features.0." + m.group(1) + "." + m.group(2);
        }
        m = Pattern.compile("stages\\.(\\d)\\.downsample\\.([01])\\.(weight|bias)").matcher(canonical);
        if (m.matches()) {
            return "features." + 2 * Integer.parseInt(m.group(1)) + "." + m.group(2) + "." + m.group(3);
        }
        m = Pattern.compile("stages\\.(\\d)\\.blocks\\.(\\d+)\\.(gamma|conv_dw|norm|mlp\\.fc1|mlp\\.fc2)(?:\\.(weight|bias))?").matcher(canonical);
        if (m.matches()) {
            String f = "features." + (2 * Integer.parseInt(m.group(1)) + 1) + "." + m.group(2) + ".";
            return switch (m.group(3)) {
                case "gamma" -> f + "layer_scale";
                case "conv_dw" -> f + "block.0." + m.group(4);
                case "norm" -> f + "block.2." + m.group(4);
                case "mlp.fc1" -> f + "block.3." + m.group(4);
                default -> f + "block.5." + m.group(4);
            };
        }
        m = Pattern.compile("head\\.norm\\.(weight|bias)").matcher(canonical);
        if (m.matches()) {
            return "classifier.0." + m.group(1);
        }
        return canonical;
    }

    /** When every unknown key carries a prefix that hides a known name (module., model., backbone.), say so. */
    private static String prefixHint(List<String> unknown) {
        if (unknown.isEmpty()) {
            return null;
        }
        Set<String> prefixes = new LinkedHashSet<>();
        for (String k : unknown) {
            boolean found = false;
            for (int i = k.indexOf('.'); i > 0 && i < k.length() - 1; i = k.indexOf('.', i + 1)) {
                if (map(k.substring(i + 1)) != null) {
                    prefixes.add(k.substring(0, i + 1));
                    found = true;
                    break;
                }
            }
            if (!found) {
                return null;
            }
        }
        return "the keys carry a prefix (" + String.join(", ", prefixes) + "); save the bare model's state_dict";
    }

    private static void appendList(StringBuilder sb, String what, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        sb.append("\n  ").append(items.size()).append(' ').append(what).append(items.size() == 1 ? "" : "s").append(": ");
        int shown = Math.min(items.size(), LIST_LIMIT);
        sb.append(String.join(", ", items.subList(0, shown)));
        if (items.size() > shown) {
            sb.append(", … and ").append(items.size() - shown).append(" more");
        }
    }

    /** Hex SHA-256 of a file (streamed). */
    public static String sha256(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + path.toAbsolutePath() + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
