package org.slidebatch.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slidebatch.workspace.AtomicFiles;

/**
 * NumPy {@code .npy} files (format 1.0; 2.0/3.0 headers are read too): little-endian float32 ({@code <f4}) and
 * float16 ({@code <f2}) in C order. Writes are atomic ({@link AtomicFiles}). {@link Reader} reads rows (slices
 * along the first axis) without loading the whole file, so {@code model embed} streams large image stacks.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A parsed header: {@code descr} as NumPy writes it ({@code <f4}, {@code <f2}), the shape, where data starts. */
    public record Header(String descr, boolean fortranOrder, long[] shape, long dataOffset) {

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public int itemBytes() {
            return descr.equals("<f2") ? 2 : 4;
        }

        /** Values per row (product of all but the first axis; 1 for a 1-D array). */
        public long rowElements() {
            long n = 1;
            for (int i = 1; i < shape.length; i++) {
                n *= shape[i];
            }
            return n;
        }

        public String shapeString() {
            return SafeTensors.Entry.shapeString(shape);
        }
    }

    /** Reads a whole float32/float16 array as float32. */
    public static float[] read(Path path) throws IOException {
        try (Reader r = open(path)) {
            long rows = r.header().shape().length == 0 ? 1 : r.header().shape()[0];
            return r.rows(0, Math.toIntExact(rows));
        }
    }

    public static Header readHeader(Path path) throws IOException {
        try (Reader r = open(path)) {
            return r.header();
        }
    }

    public static Reader open(Path path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toAbsolutePath().toString(), null, "npy file not found");
        }
        try {
            return new Reader(path, ch, parseHeader(path, ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Header parseHeader(Path path, FileChannel ch) throws IOException {
        if (ch.size() < 12) {
            throw new IOException(path + " is not a .npy file (" + ch.size() + " bytes)");
        }
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, 0);
        pre.flip();
        byte[] magic = new byte[6];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(path + " is not a .npy file (no \\x93NUMPY magic)");
        }
        int major = pre.get() & 0xFF;
        pre.get(); // minor
        long headerLen;
        int lenBytes;
        if (major == 1) {
            headerLen = pre.getShort(8) & 0xFFFF;
            lenBytes = 2;
        } else if (major == 2 || major == 3) {
            headerLen = pre.getInt(8) & 0xFFFFFFFFL;
            lenBytes = 4;
        } else {
            throw new IOException(path + ": unsupported .npy format version " + major);
        }
        long start = 8 + lenBytes;
        if (headerLen > 1 << 20 || start + headerLen > ch.size()) {
            throw new IOException(path + ": .npy header length " + headerLen + " does not fit the file");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, start);
        String h = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h);
        Matcher f = FORTRAN.matcher(h);
        Matcher s = SHAPE.matcher(h);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(path + ": cannot parse .npy header " + h.trim());
        }
        String descr = d.group(1);
        if (descr.equals("|f4")) {
            descr = "<f4";
        }
        if (!descr.equals("<f4") && !descr.equals("<f2")) {
            throw new IOException(path + ": dtype " + descr + " is not supported (little-endian float32 '<f4' or float16 '<f2')");
        }
        boolean fortran = f.group(1).equals("True");
        String[] parts = s.group(1).split(",");
        long[] shape = Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).toArray();
        if (fortran && shape.length > 1) {
            throw new IOException(path + ": Fortran-order arrays are not supported (save with np.ascontiguousarray)");
        }
        Header header = new Header(descr, fortran, shape, start + headerLen);
        long need = header.dataOffset() + header.elements() * header.itemBytes();
        if (ch.size() < need) {
            throw new IOException(path + ": .npy data is truncated (" + ch.size() + " bytes, shape " + header.shapeString()
                + " needs " + need + ")");
        }
        return header;
    }

    /** Reads rows (slices along axis 0) of a float32/float16 .npy file as float32. */
    public static final class Reader implements AutoCloseable {

        private final Path path;
        private final FileChannel channel;
        private final Header header;

        private Reader(Path path, FileChannel channel, Header header) {
            this.path = path;
            this.channel = channel;
            this.header = header;
        }

        public Header header() {
            return header;
        }

        public Path path() {
            return path;
        }

        /** Rows {@code first} … {@code first + count - 1}, C order, as float32. */
        public float[] rows(long first, int count) throws IOException {
            long per = header.rowElements();
            long total = header.shape().length == 0 ? 1 : header.shape()[0];
            if (first < 0 || count < 0 || first + count > total) {
                throw new IndexOutOfBoundsException("rows " + first + "+" + count + " of " + total);
            }
            long n = per * count;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IOException(path + ": " + count + " rows of " + per + " values do not fit one Java array");
            }
            float[] out = new float[(int) n];
            int item = header.itemBytes();
            int chunkValues = 1 << 20;
            ByteBuffer buf = ByteBuffer.allocate(chunkValues * item).order(ByteOrder.LITTLE_ENDIAN);
            long pos = header.dataOffset() + first * per * item;
            for (int done = 0; done < n; ) {
                int take = (int) Math.min(chunkValues, n - done);
                buf.clear().limit(take * item);
                readFully(channel, buf, pos);
                buf.flip();
                if (item == 4) {
                    buf.asFloatBuffer().get(out, done, take);
                } else {
                    for (int i = 0; i < take; i++) {
                        out[done + i] = Float.float16ToFloat(buf.getShort(2 * i));
                    }
                }
                done += take;
                pos += (long) take * item;
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Writes a C-order float32 array ({@code <f4}) atomically. */
    public static void writeFloat32(Path target, float[] data, long... shape) throws IOException {
        write(target, data, shape, "<f4");
    }

    /** Writes a C-order array as float16 ({@code <f2}, round to nearest even) atomically. */
    public static void writeFloat16(Path target, float[] data, long... shape) throws IOException {
        write(target, data, shape, "<f2");
    }

    private static void write(Path target, float[] data, long[] shape, String descr) throws IOException {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + SafeTensors.Entry.shapeString(shape) + " holds " + n
                + " values, got " + data.length);
        }
        byte[] header = header(descr, shape);
        AtomicFiles.write(target, out -> {
            out.write(header);
            writeData(out, data, descr.equals("<f2"));
        });
    }

    /** Magic, version 1.0, header length, the dict padded with spaces and a newline to a multiple of 64 bytes. */
    static byte[] header(String descr, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dict.append(shape.length == 1 ? ",), }" : "), }");
        int total = 10 + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        dict.append(" ".repeat(padded - total)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return b.array();
    }

    private static void writeData(OutputStream out, float[] data, boolean half) throws IOException {
        int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += chunk) {
            buf.clear();
            int end = Math.min(data.length, start + chunk);
            for (int i = start; i < end; i++) {
                if (half) {
                    buf.putShort(Float.floatToFloat16(data[i]));
                } else {
                    buf.putFloat(data[i]);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            p += n;
        }
    }
}
