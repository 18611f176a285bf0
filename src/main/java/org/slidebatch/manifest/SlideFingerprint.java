package org.slidebatch.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content fingerprints. The quick one is OpenSlideFM's {@code sha1_quick}, byte for byte: SHA-1 over the first
 * 8 MiB, then (if the file is larger) the 8 MiB starting at max(size − 8 MiB, 0), then the decimal size, as
 * {@code QSHA1:<hex>}. The full one is SHA-256 of the whole file.
 */
public final class SlideFingerprint {

    static final int WINDOW = 8 * 1024 * 1024;

    private SlideFingerprint() {
    }

    public static String quick(Path file) throws IOException {
        MessageDigest sha1 = digest("SHA-1");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            update(sha1, ch, 0, (int) Math.min(WINDOW, size));
            if (size > WINDOW) {
                long start = Math.max(size - WINDOW, 0);
                update(sha1, ch, start, (int) (size - start));
            }
            sha1.update(Long.toString(size).getBytes(StandardCharsets.UTF_8));
        }
        return "QSHA1:" + HexFormat.of().formatHex(sha1.digest());
    }

    public static String fullSha256(Path file) throws IOException {
        MessageDigest sha = digest("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest md, FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("file shrank while fingerprinting");
            }
        }
        buf.flip();
        md.update(buf);
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
