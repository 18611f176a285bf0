package org.slidebatch.synth;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A two-level YCbCr JPEG-tiled pyramid with 4:4:4 chroma (no subsampling), written with our {@link TiledTiffWriter}:
 * ImageIO's JPEG writer with every component's sampling factors set to 1. Sizes need not be tile multiples.
 */
public final class Chroma444Pyramid {

    private Chroma444Pyramid() {
    }

    public static void write(Path target, int width, int height, int tile, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] level0 = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // smooth colour gradients plus noise: sharp chroma edges are where 4:2:0 and 4:4:4 differ
                int r = (x * 255 / width + rnd.nextInt(24)) & 0xff;
                int g = (y * 255 / height + ((x / 7 + y / 5) % 2) * 60) & 0xff;
                int b = ((x ^ y) & 0x3f) * 4;
                level0[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
        int w1 = (width + 1) / 2;
        int h1 = (height + 1) / 2;
        int[] level1 = new int[w1 * h1];
        for (int y = 0; y < h1; y++) {
            for (int x = 0; x < w1; x++) {
                level1[y * w1 + x] = level0[Math.min(height - 1, 2 * y) * width + Math.min(width - 1, 2 * x)];
            }
        }
        TiledTiffWriter tiff = new TiledTiffWriter(target);
        tiff.chromaSubsampling = 1;
        boolean ok = false;
        try {
            tiff.writeLevel(width, height, tile, tiles(level0, width, height, tile), null);
            tiff.writeLevel(w1, h1, tile, tiles(level1, w1, h1, tile), null);
            ok = true;
        } finally {
            if (ok) {
                tiff.close();
            } else {
                tiff.abort();
            }
        }
    }

    private static List<byte[]> tiles(int[] pixels, int width, int height, int tile) throws IOException {
        List<byte[]> out = new ArrayList<>();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            BufferedImage img = new BufferedImage(tile, tile, BufferedImage.TYPE_INT_RGB);
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
            Element root = (Element) meta.getAsTree("javax_imageio_jpeg_image_1.0");
            NodeList comps = root.getElementsByTagName("componentSpec");
            for (int i = 0; i < comps.getLength(); i++) {
                Element c = (Element) comps.item(i);
                c.setAttribute("HsamplingFactor", "1");
                c.setAttribute("VsamplingFactor", "1");
            }
            meta.setFromTree("javax_imageio_jpeg_image_1.0", root);
            int[] buf = new int[tile * tile];
            for (int ty = 0; ty < (height + tile - 1) / tile; ty++) {
                for (int tx = 0; tx < (width + tile - 1) / tile; tx++) {
                    java.util.Arrays.fill(buf, 0xFFFFFF);
                    for (int y = 0; y < tile && ty * tile + y < height; y++) {
                        int n = Math.min(tile, width - tx * tile);
                        System.arraycopy(pixels, (ty * tile + y) * width + tx * tile, buf, y * tile, n);
                    }
                    img.setRGB(0, 0, tile, tile, buf, 0, tile);
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
                        writer.setOutput(ios);
                        writer.write(null, new IIOImage(img, null, meta), param);
                    }
                    out.add(bytes.toByteArray());
                }
            }
        } finally {
            writer.dispose();
        }
        return out;
    }
}
