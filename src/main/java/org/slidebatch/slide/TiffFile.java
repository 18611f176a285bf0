package org.slidebatch.slide;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A TIFF or BigTIFF file, memory-mapped, with the directory fields a tiled JPEG reader needs. Parsing is
 * ours (no libtiff): classic (version 42, 4-byte offsets, 12-byte entries) and BigTIFF (version 43, 8-byte
 * offsets, 20-byte entries, LONG8 tile offsets), either byte order. Every offset is bounds-checked against
 * the file, so a damaged file is a {@link SlideException}, never a crash.
 */
final class TiffFile implements AutoCloseable {

    static final int COMPRESSION_JPEG = 7;
    static final int PHOTOMETRIC_RGB = 2;
    static final int PHOTOMETRIC_YCBCR = 6;

    private static final int MAX_DIRECTORIES = 4096;

    /** One image file directory: the fields we use, tile offsets/counts read eagerly. */
    record Directory(int index, long width, long height, long tileWidth, long tileHeight, int compression,
                     int photometric, int samplesPerPixel, int bitsPerSample, int planarConfig,
                     long[] tileOffsets, long[] tileByteCounts, long jpegTablesOffset, long jpegTablesLength) {

        boolean tiled() {
            return tileWidth > 0 && tileHeight > 0 && tileOffsets != null && tileByteCounts != null;
        }

        long tilesAcross() {
            return (width + tileWidth - 1) / tileWidth;
        }

        long tilesDown() {
            return (height + tileHeight - 1) / tileHeight;
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final ByteOrder order;
    private final boolean bigTiff;
    private final List<Directory> directories;

    private TiffFile(Path path, Arena arena, MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        if (data.byteSize() < 8) {
            throw new SlideException(path, "not a TIFF file (shorter than a TIFF header)");
        }
        int b0 = data.get(ValueLayout.JAVA_BYTE, 0);
        int b1 = data.get(ValueLayout.JAVA_BYTE, 1);
        if (b0 == 'I' && b1 == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (b0 == 'M' && b1 == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new SlideException(path, "not a TIFF file (no II/MM byte-order mark)");
        }
        int version = u16(2);
        long first;
        if (version == 42) {
            bigTiff = false;
            first = u32(4);
        } else if (version == 43) {
            bigTiff = true;
            if (u16(4) != 8 || data.byteSize() < 16) {
                throw new SlideException(path, "BigTIFF header with an offset size other than 8");
            }
            first = u64(8);
        } else {
            throw new SlideException(path, "not a TIFF file (version " + version + ")");
        }
        this.directories = List.copyOf(readDirectories(first));
    }

    /** Maps the file read-only and parses every directory; the mapping lives until {@link #close()}. */
    static TiffFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new TiffFile(path, arena, seg);
        } catch (IOException e) {
            arena.close();
            throw new SlideException(path, "cannot map the file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** True when the file starts with a TIFF or BigTIFF header (cheap: reads 4 bytes). */
    static boolean looksLikeTiff(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // fill
            }
            byte[] h = b.array();
            return (h[0] == 'I' && h[1] == 'I' && (h[2] == 42 || h[2] == 43) && h[3] == 0)
                || (h[0] == 'M' && h[1] == 'M' && h[2] == 0 && (h[3] == 42 || h[3] == 43));
        } catch (IOException e) {
            return false;
        }
    }

    Path path() {
        return path;
    }

    boolean bigTiff() {
        return bigTiff;
    }

    ByteOrder byteOrder() {
        return order;
    }

    List<Directory> directories() {
        return directories;
    }

    /** The whole mapped file; slices of it are tile streams. */
    MemorySegment data() {
        return data;
    }

    /** A slice of the file, or a SlideException naming what points outside it. */
    MemorySegment slice(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > data.byteSize() - length) {
            throw new SlideException(path, what + " at offset " + offset + " (+" + length + " bytes) lies outside the file ("
                + data.byteSize() + " bytes)");
        }
        return data.asSlice(offset, length);
    }

    private List<Directory> readDirectories(long first) {
        List<Directory> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long offset = first;
        while (offset != 0) {
            if (!seen.add(offset) || out.size() >= MAX_DIRECTORIES) {
                throw new SlideException(path, "TIFF directory chain loops or is too long (at offset " + offset + ")");
            }
            long entries = bigTiff ? u64(offset) : u16(offset);
            long entrySize = bigTiff ? 20 : 12;
            long start = offset + (bigTiff ? 8 : 2);
            check(start, entries * entrySize + (bigTiff ? 8 : 4), "TIFF directory " + out.size());
            Fields f = new Fields();
            for (long i = 0; i < entries; i++) {
                readEntry(start + i * entrySize, f);
            }
            out.add(f.toDirectory(out.size()));
            long next = start + entries * entrySize;
            offset = bigTiff ? u64(next) : u32(next);
        }
        if (out.isEmpty()) {
            throw new SlideException(path, "TIFF file has no image directory");
        }
        return out;
    }

    /** Accumulates the fields of one directory; absent fields keep TIFF's defaults. */
    private static final class Fields {
        long width;
        long height;
        long tileWidth;
        long tileHeight;
        int compression = 1;
        int photometric = -1;
        int samples = 1;
        int bits = 1;
        int planar = 1;
        long[] tileOffsets;
        long[] tileCounts;
        long tablesOffset = -1;
        long tablesLength;

        Directory toDirectory(int index) {
            return new Directory(index, width, height, tileWidth, tileHeight, compression, photometric, samples, bits,
                planar, tileOffsets, tileCounts, tablesOffset, tablesLength);
        }
    }

    private void readEntry(long at, Fields f) {
        int tag = u16(at);
        int type = u16(at + 2);
        long count = bigTiff ? u64(at + 4) : u32(at + 4);
        long valueField = at + (bigTiff ? 12 : 8);
        int size = typeSize(type);
        if (size == 0) {
            return; // unknown type: TIFF readers skip it
        }
        long bytes = count * size;
        long valueAt = bytes <= (bigTiff ? 8 : 4) ? valueField : (bigTiff ? u64(valueField) : u32(valueField));
        switch (tag) {
            case 256 -> f.width = number(type, valueAt, 0);
            case 257 -> f.height = number(type, valueAt, 0);
            case 258 -> {
                check(valueAt, bytes, "BitsPerSample");
                f.bits = (int) number(type, valueAt, 0);
            }
            case 259 -> f.compression = (int) number(type, valueAt, 0);
            case 262 -> f.photometric = (int) number(type, valueAt, 0);
            case 277 -> f.samples = (int) number(type, valueAt, 0);
            case 284 -> f.planar = (int) number(type, valueAt, 0);
            case 322 -> f.tileWidth = number(type, valueAt, 0);
            case 323 -> f.tileHeight = number(type, valueAt, 0);
            case 324 -> f.tileOffsets = numbers(type, valueAt, count, "TileOffsets");
            case 325 -> f.tileCounts = numbers(type, valueAt, count, "TileByteCounts");
            case 347 -> {
                check(valueAt, bytes, "JPEGTables");
                f.tablesOffset = valueAt;
                f.tablesLength = bytes;
            }
            default -> {
                // not needed by the reader
            }
        }
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;      // BYTE, ASCII, SBYTE, UNDEFINED
            case 3, 8 -> 2;            // SHORT, SSHORT
            case 4, 9, 11, 13 -> 4;    // LONG, SLONG, FLOAT, IFD
            case 5, 10, 12, 16, 17, 18 -> 8; // RATIONAL, SRATIONAL, DOUBLE, LONG8, SLONG8, IFD8
            default -> 0;
        };
    }

    private long number(int type, long at, long index) {
        return switch (type) {
            case 1, 6, 7 -> data.get(ValueLayout.JAVA_BYTE, checked(at + index, 1)) & 0xffL;
            case 3, 8 -> u16(checked(at + 2 * index, 2));
            case 4, 9, 13 -> u32(checked(at + 4 * index, 4));
            case 16, 17, 18 -> u64(checked(at + 8 * index, 8));
            default -> throw new SlideException(path, "TIFF field of type " + type + " where an integer was expected");
        };
    }

    private long[] numbers(int type, long at, long count, String what) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new SlideException(path, what + " has " + count + " entries");
        }
        check(at, count * typeSize(type), what);
        long[] out = new long[(int) count];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(type, at, i);
        }
        return out;
    }

    private long checked(long at, long len) {
        check(at, len, "TIFF field");
        return at;
    }

    private void check(long at, long len, String what) {
        if (at < 0 || len < 0 || at > data.byteSize() - len) {
            throw new SlideException(path, what + " at offset " + at + " lies outside the file (" + data.byteSize() + " bytes)");
        }
    }

    private int u16(long at) {
        check(at, 2, "TIFF field");
        return Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), at));
    }

    private long u32(long at) {
        check(at, 4, "TIFF field");
        return Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), at));
    }

    private long u64(long at) {
        check(at, 8, "TIFF field");
        long v = data.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), at);
        if (v < 0) {
            throw new SlideException(path, "TIFF offset beyond 2^63 at " + at);
        }
        return v;
    }

    @Override
    public void close() {
        arena.close();
    }
}
