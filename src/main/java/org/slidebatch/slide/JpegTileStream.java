package org.slidebatch.slide;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Builds the complete JPEG stream of one TIFF tile, so that libjpeg's colour conversion is the one libtiff
 * chooses from the Photometric tag, not libjpeg's own guess:
 * {@code SOI + Adobe APP14 (transform from Photometric) + JPEGTables without SOI/EOI + tile without SOI}.
 * Any JFIF (APP0) or other Adobe (APP14) marker already in the stream is renamed APP15, which libjpeg ignores:
 * a JFIF marker would force YCbCr, and Aperio's RGB tiles (component ids 0,1,2, no marker) would otherwise be
 * converted as YCbCr, every byte wrong.
 */
final class JpegTileStream {

    private static final byte[] SOI = {(byte) 0xFF, (byte) 0xD8};

    private JpegTileStream() {
    }

    /** The bytes {@link #assemble} writes at most. */
    static long maxLength(long tablesLength, long tileLength) {
        return 2 + 16 + tablesLength + tileLength;
    }

    /**
     * Writes the stream into {@code dst} and returns its length.
     * @param tables the JPEGTables field (an abbreviated stream SOI…EOI), or null
     * @param rgb true for Photometric RGB (Adobe transform 0), false for YCbCr (transform 1)
     */
    static long assemble(MemorySegment tables, MemorySegment tile, boolean rgb, MemorySegment dst) {
        long pos = 0;
        MemorySegment.copy(MemorySegment.ofArray(SOI), 0, dst, pos, 2);
        pos += 2;
        byte[] app14 = {
            (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) (rgb ? 0 : 1)};
        MemorySegment.copy(MemorySegment.ofArray(app14), 0, dst, pos, app14.length);
        pos += app14.length;
        long headerStart = pos;
        if (tables != null && tables.byteSize() > 0) {
            long from = startsWithSoi(tables) ? 2 : 0;
            long to = tables.byteSize();
            if (to - from >= 2 && u8(tables, to - 2) == 0xFF && u8(tables, to - 1) == 0xD9) {
                to -= 2;
            }
            MemorySegment.copy(tables, from, dst, pos, to - from);
            pos += to - from;
        }
        long from = startsWithSoi(tile) ? 2 : 0;
        MemorySegment.copy(tile, from, dst, pos, tile.byteSize() - from);
        pos += tile.byteSize() - from;
        neutraliseColourMarkers(dst, headerStart, pos);
        return pos;
    }

    private static boolean startsWithSoi(MemorySegment s) {
        return s.byteSize() >= 2 && u8(s, 0) == 0xFF && u8(s, 1) == 0xD8;
    }

    /** Walks the marker segments up to the first SOS and renames JFIF/Adobe application markers to APP15. */
    static void neutraliseColourMarkers(MemorySegment s, long from, long end) {
        long p = from;
        while (p + 4 <= end) {
            if (u8(s, p) != 0xFF) {
                return; // not a marker: let libjpeg report the damage
            }
            int marker = u8(s, p + 1);
            if (marker == 0xFF) {
                p++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return; // start of scan / end of image: no more header markers
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2; // markers without a length
                continue;
            }
            int len = (u8(s, p + 2) << 8) | u8(s, p + 3);
            if (len < 2) {
                return;
            }
            if (marker == 0xE0 && matches(s, p + 4, end, "JFIF")) {
                s.set(ValueLayout.JAVA_BYTE, p + 1, (byte) 0xEF);
            } else if (marker == 0xEE && matches(s, p + 4, end, "Adobe")) {
                s.set(ValueLayout.JAVA_BYTE, p + 1, (byte) 0xEF);
            }
            p += 2 + len;
        }
    }

    private static boolean matches(MemorySegment s, long at, long end, String id) {
        if (at + id.length() > end) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (u8(s, at + i) != id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }
}
