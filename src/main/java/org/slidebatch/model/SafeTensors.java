package org.slidebatch.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.slidebatch.workspace.AtomicFiles;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A small reader and writer of the safetensors format: 8-byte little-endian header length, a JSON header
 * {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}, then the raw
 * little-endian tensor bytes. Tensors are mapped one at a time (no whole-file byte array, no 2 GB limit) and
 * widened to float32 in Java: F32, F16, BF16 and F64 are read. BF16 never reaches DJL as BF16 (creating a BF16
 * NDArray from a buffer aborts the JVM, STACK-NOTES §3).
 */
public final class SafeTensors implements AutoCloseable {

    /** Largest header accepted (the format's own limit is 100 MB). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** One tensor as listed in the header. {@code begin}/{@code end} are relative to the data section. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public String shapeString() {
            return shapeString(shape);
        }

        public static String shapeString(long[] shape) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(shape[i]);
            }
            return sb.append(shape.length == 1 ? ",)" : ")").toString();
        }
    }

    /** A float32 tensor in memory (C order). */
    public record Tensor(long[] shape, float[] data) {

        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Entry.shapeString(shape) + " holds " + n + " values, got " + data.length);
            }
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens a file and parses its header; fails with a {@link WeightsException} naming the file and the defect. */
    public static SafeTensors open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WeightsException("weights file not found: " + path.toAbsolutePath());
        } catch (IOException e) {
            throw new WeightsException("cannot open weights file " + path.toAbsolutePath() + ": " + e, e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw bad(path, "shorter than the 8-byte header length (" + size + " bytes)");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
                throw bad(path, "header length " + headerLen + " does not fit a " + size + "-byte file");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            String json = new String(hb.array(), StandardCharsets.UTF_8);
            JsonObject root;
            try {
                JsonElement el = JsonParser.parseString(json);
                if (!el.isJsonObject()) {
                    throw bad(path, "header is not a JSON object");
                }
                root = el.getAsJsonObject();
            } catch (RuntimeException e) {
                if (e instanceof WeightsException we) {
                    throw we;
                }
                throw bad(path, "header is not valid JSON (" + e.getMessage() + ")");
            }
            long dataLen = size - 8 - headerLen;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    if (e.getValue().isJsonObject()) {
                        for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                            meta.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString() : m.getValue().toString());
                        }
                    }
                    continue;
                }
                entries.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataLen));
            }
            return new SafeTensors(path, ch, 8 + headerLen, entries, meta);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new WeightsException("cannot read weights file " + path.toAbsolutePath() + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static Entry parseEntry(Path path, String name, JsonElement value, long dataLen) {
        try {
            JsonObject o = value.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            JsonArray s = o.get("shape").getAsJsonArray();
            long[] shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw bad(path, "tensor '" + name + "' has a negative dimension");
                }
            }
            JsonArray off = o.get("data_offsets").getAsJsonArray();
            long begin = off.get(0).getAsLong();
            long end = off.get(1).getAsLong();
            Entry entry = new Entry(name, dtype, shape, begin, end);
            int width = dtypeBytes(dtype);
            if (begin < 0 || end < begin || end > dataLen) {
                throw bad(path, "tensor '" + name + "' has data_offsets [" + begin + ", " + end + "] outside the "
                    + dataLen + "-byte data section");
            }
            if (width > 0 && end - begin != entry.elements() * width) {
                throw bad(path, "tensor '" + name + "' (" + dtype + " " + entry.shapeString() + ") needs "
                    + entry.elements() * width + " bytes, data_offsets give " + (end - begin));
            }
            return entry;
        } catch (WeightsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad(path, "tensor '" + name + "' has a malformed header entry: " + value);
        }
    }

    /** Bytes per element, or -1 for a dtype this reader cannot widen to float32. */
    static int dtypeBytes(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> -1;
        };
    }

    public Path path() {
        return path;
    }

    /** The tensors in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Reads one tensor, widened (or, for F64, narrowed) to float32. */
    public Tensor read(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new WeightsException("weights file " + path + " has no tensor '" + name + "'");
        }
        int width = dtypeBytes(e.dtype());
        if (width < 0) {
            throw new WeightsException("weights file " + path + ": tensor '" + name + "' has dtype " + e.dtype()
                + "; only F32, F16, BF16 and F64 can be read");
        }
        long n = e.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new WeightsException("weights file " + path + ": tensor '" + name + "' is too large (" + n + " values)");
        }
        float[] out = new float[(int) n];
        if (n > 0) {
            ByteBuffer b;
            try {
                b = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin())
                    .order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException ex) {
                throw new WeightsException("cannot read tensor '" + name + "' of " + path + ": " + ex, ex);
            }
            switch (e.dtype()) {
                case "F32" -> b.asFloatBuffer().get(out);
                case "F16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Float.float16ToFloat(b.getShort(2 * i));
                    }
                }
                case "BF16" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = bf16ToFloat(b.getShort(2 * i));
                    }
                }
                case "F64" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) b.getDouble(8 * i);
                    }
                }
                default -> throw new IllegalStateException(e.dtype());
            }
        }
        return new Tensor(e.shape().clone(), out);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Writes tensors (in map order) as a safetensors file with every tensor in {@code dtype} (F32, F16 or BF16),
     * atomically. The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
     */
    public static void write(Path target, Map<String, Tensor> tensors, String dtype, Map<String, String> metadata)
        throws IOException {
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("can write F32, F16 or BF16, not " + dtype);
        };
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            new java.util.TreeMap<>(metadata).forEach(m::addProperty);   // sorted: same tensors, same bytes
            header.add("__metadata__", m);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", dtype);
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            JsonArray off = new JsonArray();
            long bytes = (long) e.getValue().data().length * width;
            off.add(offset);
            off.add(offset + bytes);
            o.add("data_offsets", off);
            header.add(e.getKey(), o);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        AtomicFiles.write(target, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerBytes);
            for (Tensor t : tensors.values()) {
                writeData(out, t.data(), dtype);
            }
        });
    }

    private static void writeData(OutputStream out, float[] data, String dtype) throws IOException {
        int width = dtype.equals("F32") ? 4 : 2;
        int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += chunk) {
            buf.clear();
            int end = Math.min(data.length, start + chunk);
            for (int i = start; i < end; i++) {
                switch (dtype) {
                    case "F32" -> buf.putFloat(data[i]);
                    case "F16" -> buf.putShort(Float.floatToFloat16(data[i]));
                    default -> buf.putShort(floatToBf16(data[i]));
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** bfloat16 bits → float32 (exact: bfloat16 is the top half of a float32). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float32 → bfloat16 bits, round to nearest even (NaN stays NaN). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** True when the file looks like safetensors: a sane header length and '{' at byte 8. */
    public static boolean looksLikeSafeTensors(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() < 10) {
                return false;
            }
            ByteBuffer b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, b, 0);
            b.flip();
            long len = b.getLong();
            return len > 1 && len <= MAX_HEADER_BYTES && len + 8 <= ch.size() && b.get() == '{';
        } catch (IOException e) {
            return false;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static WeightsException bad(Path path, String why) {
        return new WeightsException("not a valid safetensors file: " + path.toAbsolutePath() + ": " + why);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    static String describeDtypes(Map<String, Entry> entries) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            counts.merge(e.dtype().toUpperCase(Locale.ROOT), 1, Integer::sum);
        }
        return counts.toString();
    }
}
