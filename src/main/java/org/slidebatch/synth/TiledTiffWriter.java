package org.slidebatch.synth;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a pyramidal, tiled, JPEG-compressed, little-endian classic TIFF: one IFD per level, largest first.
 * OpenSlide 3.4.1 opens the result as {@code aperio} when the first description is Aperio-style and as
 * {@code generic-tiff} otherwise (it rejects big-endian TIFFs, and needs every level tiled).
 * Each tile is a complete baseline JFIF stream (YCbCr, 4:2:0), which libtiff decodes without JPEGTables.
 */
final class TiledTiffWriter implements AutoCloseable {

    private static final int TAG_NEW_SUBFILE_TYPE = 254;
    private static final int TAG_WIDTH = 256;
    private static final int TAG_LENGTH = 257;
    private static final int TAG_BITS = 258;
    private static final int TAG_COMPRESSION = 259;
    private static final int TAG_PHOTOMETRIC = 262;
    private static final int TAG_DESCRIPTION = 270;
    private static final int TAG_SAMPLES = 277;
    private static final int TAG_PLANAR = 284;
    private static final int TAG_TILE_WIDTH = 322;
    private static final int TAG_TILE_LENGTH = 323;
    private static final int TAG_TILE_OFFSETS = 324;
    private static final int TAG_TILE_COUNTS = 325;
    private static final int TAG_YCBCR_SUBSAMPLING = 530;

    private static final short SHORT = 3;
    private static final short LONG = 4;
    private static final short ASCII = 2;

    private final Path target;
    private final Path partial;
    private final RandomAccessFile file;
    private long previousNextIfdPointer = 4;
    private int levelIndex;
    /** YCbCrSubsampling written in every directory: 2 (4:2:0, what ImageIO's JPEG writer makes) unless set. */
    int chromaSubsampling = 2;

    TiledTiffWriter(Path target) throws IOException {
        this.target = target;
        this.partial = target.resolveSibling(target.getFileName() + ".part");
        Files.createDirectories(target.toAbsolutePath().getParent());
        this.file = new RandomAccessFile(partial.toFile(), "rw");
        file.setLength(0);
        ByteBuffer header = le(8);
        header.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(0);
        file.write(header.array());
    }

    /**
     * Appends one level. {@code tiles} holds the JPEG stream of each tile in raster order.
     * @param description ImageDescription of this IFD, or null for none
     */
    void writeLevel(long width, long height, int tileSize, List<byte[]> tiles, String description) throws IOException {
        long[] offsets = new long[tiles.size()];
        long[] counts = new long[tiles.size()];
        for (int i = 0; i < tiles.size(); i++) {
            offsets[i] = file.length();
            counts[i] = tiles.get(i).length;
            file.seek(offsets[i]);
            file.write(tiles.get(i));
        }
        // Out-of-line values, word aligned.
        long pos = align(file.length());
        long bitsOffset = pos;
        pos += 6;
        long offsetsOffset = align(pos);
        pos = offsetsOffset + 4L * offsets.length;
        long countsOffset = align(pos);
        pos = countsOffset + 4L * counts.length;
        byte[] desc = description == null ? null : (description + "\0").getBytes(StandardCharsets.US_ASCII);
        long descOffset = align(pos);
        pos = descOffset + (desc == null ? 0 : desc.length);
        long ifdOffset = align(pos);

        ByteBuffer extra = le((int) (ifdOffset - bitsOffset));
        extra.putShort(0, (short) 8).putShort(2, (short) 8).putShort(4, (short) 8);
        for (int i = 0; i < offsets.length; i++) {
            extra.putInt((int) (offsetsOffset - bitsOffset) + 4 * i, checkedU32(offsets[i]));
            extra.putInt((int) (countsOffset - bitsOffset) + 4 * i, checkedU32(counts[i]));
        }
        if (desc != null) {
            extra.put((int) (descOffset - bitsOffset), desc);
        }
        file.seek(bitsOffset);
        file.write(extra.array());

        List<int[]> entries = new ArrayList<>();
        // {tag, type, count, value-or-offset}
        entries.add(new int[] {TAG_NEW_SUBFILE_TYPE, LONG, 1, levelIndex == 0 ? 0 : 1});
        entries.add(new int[] {TAG_WIDTH, LONG, 1, (int) width});
        entries.add(new int[] {TAG_LENGTH, LONG, 1, (int) height});
        entries.add(new int[] {TAG_BITS, SHORT, 3, (int) bitsOffset});
        entries.add(new int[] {TAG_COMPRESSION, SHORT, 1, 7});
        entries.add(new int[] {TAG_PHOTOMETRIC, SHORT, 1, 6});
        if (desc != null) {
            entries.add(new int[] {TAG_DESCRIPTION, ASCII, desc.length, (int) descOffset});
        }
        entries.add(new int[] {TAG_SAMPLES, SHORT, 1, 3});
        entries.add(new int[] {TAG_PLANAR, SHORT, 1, 1});
        entries.add(new int[] {TAG_TILE_WIDTH, LONG, 1, tileSize});
        entries.add(new int[] {TAG_TILE_LENGTH, LONG, 1, tileSize});
        entries.add(new int[] {TAG_TILE_OFFSETS, LONG, offsets.length, offsets.length == 1 ? (int) offsets[0] : (int) offsetsOffset});
        entries.add(new int[] {TAG_TILE_COUNTS, LONG, counts.length, counts.length == 1 ? (int) counts[0] : (int) countsOffset});
        entries.add(new int[] {TAG_YCBCR_SUBSAMPLING, SHORT, 2, 0});

        ByteBuffer ifd = le(2 + entries.size() * 12 + 4);
        ifd.putShort((short) entries.size());
        for (int[] e : entries) {
            ifd.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
            if (e[0] == TAG_YCBCR_SUBSAMPLING) {
                ifd.putShort((short) chromaSubsampling).putShort((short) chromaSubsampling);
            } else if (e[1] == SHORT && e[2] == 1) {
                ifd.putShort((short) e[3]).putShort((short) 0);
            } else {
                ifd.putInt(e[3]);
            }
        }
        ifd.putInt(0);
        file.seek(ifdOffset);
        file.write(ifd.array());
        // Link the previous IFD (or the header) to this one.
        file.seek(previousNextIfdPointer);
        ByteBuffer link = le(4).putInt(0, checkedU32(ifdOffset));
        file.write(link.array());
        previousNextIfdPointer = ifdOffset + 2 + entries.size() * 12L;
        levelIndex++;
    }

    private static int checkedU32(long v) {
        if (v > 0xFFFF_FFFFL) {
            throw new IllegalStateException("synthetic slide exceeds 4 GiB (classic TIFF offsets)");
        }
        return (int) v;
    }

    private static long align(long v) {
        return (v + 1) & ~1L;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Closes and renames the partial file into place, so a crash never leaves a half slide under its name. */
    @Override
    public void close() throws IOException {
        file.getFD().sync();
        file.close();
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void abort() {
        try {
            file.close();
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // best effort: the .part name is never trusted
        }
    }
}
