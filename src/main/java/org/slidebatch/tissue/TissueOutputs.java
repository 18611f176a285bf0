package org.slidebatch.tissue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.slidebatch.workspace.AtomicFiles;

/**
 * Per-slide files of the segment step (SPEC §9): {@code tissue/<slide_id>.geojson} and
 * {@code tissue/<slide_id>.png}. Both are written atomically and are byte-identical for equal input.
 */
public final class TissueOutputs {

    private TissueOutputs() {
    }

    /**
     * A GeoJSON FeatureCollection with one Feature per tissue contour: a Polygon whose first ring is the outer
     * boundary and whose further rings are the kept holes, in level-0 pixel coordinates (x right, y down, as
     * QuPath expects), each ring closed by repeating its first point. Properties carry QuPath's
     * {@code objectType: "annotation"} and {@code classification: {name: "Tissue"}} so File → Import objects
     * brings them in as Tissue annotations. Rings keep OpenCV's tracing order (CLAM's points).
     */
    public static void writeGeoJson(Path target, TissueSegmentation seg) throws IOException {
        AtomicFiles.writeString(target, toGeoJson(seg));
    }

    /** The text {@link #writeGeoJson} writes. */
    public static String toGeoJson(TissueSegmentation seg) {
        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("{\"type\":\"FeatureCollection\",\"features\":[");
        List<TissueContour> contours = seg.contours();
        for (int i = 0; i < contours.size(); i++) {
            TissueContour c = contours.get(i);
            sb.append(i == 0 ? "\n" : ",\n");
            // No feature-level "id": QuPath 0.2 read it as the object class, later versions as a UUID.
            sb.append("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[");
            ring(sb, c.outer());
            for (int[][] hole : c.holes()) {
                sb.append(',');
                ring(sb, hole);
            }
            sb.append("]},\"properties\":{\"objectType\":\"annotation\",\"name\":");
            string(sb, "Tissue " + i);
            sb.append(",\"classification\":{\"name\":\"Tissue\",\"color\":[0,160,0]},\"isLocked\":false");
            sb.append(",\"slideId\":");
            string(sb, seg.slideId());
            sb.append(",\"contourIndex\":").append(i);
            sb.append(",\"holeCount\":").append(c.holes().size());
            sb.append(",\"segLevel\":").append(seg.segLevel());
            sb.append(",\"areaLevel0\":").append(number(ClamSegmenter.netArea(c)));
            sb.append("}}");
        }
        sb.append(contours.isEmpty() ? "]}\n" : "\n]}\n");
        return sb.toString();
    }

    /**
     * Reads back the contours a {@link #writeGeoJson} file holds (later stages build their patch grids from them):
     * outer ring and holes per Polygon, closing points dropped, so it round-trips to the written contours.
     */
    public static List<TissueContour> readContours(Path geojson) throws IOException {
        tools.jackson.databind.JsonNode root;
        try {
            root = tools.jackson.databind.json.JsonMapper.builder().build().readTree(geojson.toFile());
        } catch (tools.jackson.core.JacksonException e) {
            throw new IOException(geojson + ": not valid GeoJSON: " + e.getOriginalMessage(), e);
        }
        List<TissueContour> out = new java.util.ArrayList<>();
        for (tools.jackson.databind.JsonNode feature : root.path("features")) {
            tools.jackson.databind.JsonNode geometry = feature.path("geometry");
            if (!"Polygon".equals(geometry.path("type").asString())) {
                throw new IOException(geojson + ": expected Polygon geometries, found " + geometry.path("type"));
            }
            List<int[][]> rings = new java.util.ArrayList<>();
            for (tools.jackson.databind.JsonNode ring : geometry.path("coordinates")) {
                int n = ring.size() - 1; // the closing point repeats the first
                int[][] pts = new int[Math.max(n, 0)][];
                for (int i = 0; i < n; i++) {
                    pts[i] = new int[] {ring.get(i).get(0).asInt(), ring.get(i).get(1).asInt()};
                }
                rings.add(pts);
            }
            if (rings.isEmpty()) {
                throw new IOException(geojson + ": Polygon without rings");
            }
            out.add(new TissueContour(rings.getFirst(), rings.subList(1, rings.size())));
        }
        return out;
    }

    /** The seg-level mask as an 8-bit greyscale PNG (0 background, 255 tissue). */
    public static void writeMaskPng(Path target, TissueSegmentation seg) throws IOException {
        BufferedImage image = new BufferedImage(seg.maskWidth(), seg.maskHeight(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(seg.mask(), 0, data, 0, data.length);
        AtomicFiles.write(target, out -> {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
            if (!writers.hasNext()) {
                throw new IOException("no PNG encoder available in ImageIO");
            }
            ImageWriter writer = writers.next();
            // A memory-cached stream: no temporary file from ImageIO's disk cache, and nothing in the bytes
            // (the JDK's PNG writer adds no time or host metadata) that differs between runs.
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(image, null, null), writer.getDefaultWriteParam());
            } finally {
                writer.dispose();
            }
        });
    }

    private static void ring(StringBuilder sb, int[][] points) {
        sb.append('[');
        for (int[] p : points) {
            sb.append('[').append(p[0]).append(',').append(p[1]).append("],");
        }
        // Closed ring: the first point again (RFC 7946 §3.1.6).
        int[] first = points[0];
        sb.append('[').append(first[0]).append(',').append(first[1]).append("]]");
    }

    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
