package org.slidebatch.synth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.PixelCalibration;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SyntheticSlideTest {

    @TempDir
    Path dir;

    private static void assumeOpenSlide() {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide.so.0 is not installed");
    }

    @Test
    void sameSpecGivesByteIdenticalFiles() throws Exception {
        SyntheticSlideSpec spec = new SyntheticSlideSpec("same", 99L, 1400, 1000, 0.25, 40, 1, true, true);
        Path a = dir.resolve("a.svs");
        Path b = dir.resolve("b.svs");
        SyntheticSlideGenerator.write(spec, a, 1);
        SyntheticSlideGenerator.write(spec, b, 4); // thread count must not matter
        assertThat(Files.size(a)).isPositive();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        assertThat(Files.exists(dir.resolve("a.svs.part"))).isFalse();

        Path c = dir.resolve("c.svs");
        SyntheticSlideGenerator.write(
            new SyntheticSlideSpec("other", 100L, 1400, 1000, 0.25, 40, 1, true, true), c, 2);
        assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
    }

    @Test
    void aperioStyleSpecOpensAsAperio() throws Exception {
        assumeOpenSlide();
        SyntheticSlideSpec spec = new SyntheticSlideSpec("aperio", 5L, 3000, 2000, 0.25, 40, 0, false, false);
        Path file = dir.resolve("aperio.svs");
        SyntheticSlideGenerator.write(spec, file, 4);
        try (OpenSlideReader r = OpenSlideReader.open(file)) {
            assertThat(r.vendor()).isEqualTo("aperio");
            assertThat(r.width()).isEqualTo(3000);
            assertThat(r.height()).isEqualTo(2000);
            assertThat(Double.parseDouble(r.properties().get("openslide.mpp-x"))).isCloseTo(0.25, within(1e-9));
            assertThat(Double.parseDouble(r.properties().get("openslide.mpp-y"))).isCloseTo(0.25, within(1e-9));
            assertThat(r.properties()).containsEntry("openslide.objective-power", "40");
            assertThat(r.properties()).containsEntry("aperio.AppMag", "40");
            PixelCalibration cal = r.calibration();
            assertThat(cal.source()).isEqualTo("openslide.mpp-x");
            assertThat(cal.mpp()).isCloseTo(0.25, within(1e-9));

            // a pyramid: 3000 px → 750 px (downsample 4) stops once the long side is ≤ 1024
            assertThat(r.levelCount()).isGreaterThan(1);
            assertThat(r.levelCount()).isEqualTo(2);
            assertThat(r.level(1).width()).isEqualTo(750);
            assertThat(r.level(1).height()).isEqualTo(500);
            assertThat(r.level(1).downsample()).isCloseTo(4.0, within(1e-9));

            // tissue present: the slide is not all background
            RgbImage thumb = r.thumbnail(256);
            int dark = 0;
            for (int i = 0; i < thumb.rgb().length; i += 3) {
                if ((thumb.rgb()[i + 1] & 0xff) < 200) {
                    dark++;
                }
            }
            assertThat(dark).isPositive();
        }
    }

    @Test
    void objectivePowerAndMppFollowTheSpec() throws Exception {
        assumeOpenSlide();
        Path file = dir.resolve("twenty.svs");
        SyntheticSlideGenerator.write(new SyntheticSlideSpec("twenty", 6L, 600, 400, 0.5, 20, 1, false, false), file, 2);
        try (OpenSlideReader r = OpenSlideReader.open(file)) {
            assertThat(r.vendor()).isEqualTo("aperio");
            assertThat(r.properties()).containsEntry("openslide.objective-power", "20");
            assertThat(r.calibration().mpp()).isCloseTo(0.5, within(1e-9));
            assertThat(r.levelCount()).isEqualTo(1);
            RgbImage img = r.readRegion(RegionRequest.square(0, 0, 0, 600));
            assertThat(img.width()).isEqualTo(600);
        }
    }

    @Test
    void specWithoutMppOpensAsGenericTiffWithoutCalibration() throws Exception {
        assumeOpenSlide();
        Path file = dir.resolve("plain.tiff");
        SyntheticSlideGenerator.write(new SyntheticSlideSpec("plain", 8L, 3000, 1500, null, 40, 0, true, false), file, 4);
        try (OpenSlideReader r = OpenSlideReader.open(file)) {
            assertThat(r.vendor()).isEqualTo("generic-tiff");
            assertThat(r.properties()).doesNotContainKey("openslide.mpp-x");
            assertThat(r.calibration().isKnown()).isFalse();
            assertThat(r.calibration()).isEqualTo(PixelCalibration.missing());
            assertThat(r.levelCount()).isGreaterThan(1);
        }
    }

    @Test
    void descriptionIsAperioStyleOnlyWithMpp() {
        String d = SyntheticSlideGenerator.description(
            new SyntheticSlideSpec("d", 1L, 512, 300, 0.2526, 40, 1, false, false));
        assertThat(d).startsWith("Aperio Image Library").contains("|AppMag = 40|").contains("|MPP = 0.2526|");
        assertThat(SyntheticSlideGenerator.description(
            new SyntheticSlideSpec("d", 1L, 512, 300, null, 40, 1, false, false))).isNull();
    }

    @Test
    void specValidation() {
        assertThatThrownBy(() -> new SyntheticSlideSpec("x", 1, 255, 300, 0.5, 20, 0, false, false))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntheticSlideSpec("x", 1, 300, 300, 0.0, 20, 0, false, false))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntheticSlideSpec("x", 1, 300, 300, -1.0, 20, 0, false, false))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cohortPlanIsDeterministic() {
        SyntheticCohort.Options o = new SyntheticCohort.Options(20, 2024L, 512, 4096, 2);
        List<SyntheticSlideSpec> first = SyntheticCohort.plan(o);
        List<SyntheticSlideSpec> second = SyntheticCohort.plan(o);
        assertThat(first).hasSize(20).isEqualTo(second);
        assertThat(SyntheticCohort.plan(new SyntheticCohort.Options(20, 2025L, 512, 4096, 2))).isNotEqualTo(first);

        assertThat(first).filteredOn(s -> s.mpp() == null).hasSize(4); // one in five
        assertThat(first).filteredOn(s -> s.mpp() != null).allSatisfy(s -> {
            assertThat(s.mpp()).isIn(0.25, 0.5);
            assertThat(s.appMag()).isEqualTo(s.mpp() == 0.25 ? 40 : 20);
        });
        assertThat(first).allSatisfy(s -> {
            assertThat(s.width()).isBetween(512, 4096);
            assertThat(s.height()).isGreaterThanOrEqualTo(256);
            assertThat(s.label()).isIn(0, 1);
        });
        assertThat(first).extracting(SyntheticSlideSpec::slideId).doesNotHaveDuplicates()
            .startsWith("syn-00000", "syn-00001");
        assertThat(first).extracting(SyntheticSlideSpec::seed).doesNotHaveDuplicates();
        // a fixed height is honoured
        assertThat(SyntheticCohort.plan(new SyntheticCohort.Options(5, 1L, 512, 512, 1, 300)))
            .allSatisfy(s -> assertThat(s.height()).isEqualTo(300));
        assertThatThrownBy(() -> new SyntheticCohort.Options(0, 1L, 512, 512, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntheticCohort.Options(1, 1L, 128, 512, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntheticCohort.Options(1, 1L, 600, 512, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cohortWriteProducesLabelsAndSlides() throws Exception {
        SyntheticCohort.Options o = new SyntheticCohort.Options(5, 3L, 300, 400, 2);
        List<Path> files = SyntheticCohort.write(dir, o, null);
        assertThat(files).hasSize(5).allSatisfy(f -> assertThat(f).isRegularFile());
        assertThat(files.get(4).getFileName().toString()).endsWith(".tiff"); // index 4 has no mpp
        assertThat(files.get(0).getFileName().toString()).endsWith(".svs");
        List<String> csv = Files.readAllLines(dir.resolve("labels.csv"));
        assertThat(csv).hasSize(6);
        assertThat(csv.get(0)).isEqualTo("slide_id,label,cancer_code,path,mpp,pen_marks,blurred_region");
        assertThat(csv.get(1)).startsWith("syn-00000,").contains(",SYN-BRCA,");
        assertThat(csv.get(2)).contains(",SYN-LUAD,");
        byte[] before = Files.readAllBytes(files.get(0));
        // a second run skips existing slides and rewrites the same labels
        SyntheticCohort.write(dir, o, null);
        assertThat(Files.readAllBytes(files.get(0))).isEqualTo(before);
        assertThat(Files.readAllLines(dir.resolve("labels.csv"))).isEqualTo(csv);
    }

    @Test
    void evaluationCohortHasPatientsCentersCancerTypesAndGrades() {
        String csv = SyntheticCohort.labelsCsv(new SyntheticCohort.Options(120, 9L, 256, 256, 1, null, true));
        List<String> lines = csv.lines().toList();
        assertThat(lines.getFirst()).isEqualTo("slide_id,label,cancer_code,path,mpp,pen_marks,blurred_region,patient_id,center,grade");
        assertThat(lines).hasSize(121);
        java.util.Map<String, Long> slidesPerPatient = lines.subList(1, lines.size()).stream()
            .collect(java.util.stream.Collectors.groupingBy(l -> l.split(",")[7], java.util.stream.Collectors.counting()));
        assertThat(slidesPerPatient.values()).allSatisfy(n -> assertThat(n).isBetween(1L, 3L));
        assertThat(slidesPerPatient.values()).contains(1L, 2L, 3L);
        assertThat(lines.subList(1, lines.size())).extracting(l -> l.split(",")[8]).containsOnly("0", "1", "2", "3", "4", "5");
        assertThat(lines.subList(1, lines.size())).extracting(l -> l.split(",")[2]).containsOnly(SyntheticCohort.EVALUATION_CODES);
        assertThat(lines.subList(1, lines.size())).extracting(l -> l.split(",")[9]).containsOnly("0", "1", "2", "3", "4", "5");
        // Without --evaluation the plan (hence every slide) is what it always was.
        SyntheticCohort.Options plain = new SyntheticCohort.Options(20, 2024L, 512, 4096, 2);
        assertThat(SyntheticCohort.plan(plain)).allSatisfy(spec -> assertThat(spec.look()).isNull());
        assertThat(SyntheticCohort.labelsCsv(plain).lines().findFirst().orElseThrow())
            .isEqualTo("slide_id,label,cancer_code,path,mpp,pen_marks,blurred_region");
    }

    @Test
    void tissueDarkensWithGradeAndStainShiftsWithCenter() {
        double[] brightness = new double[6];
        for (int grade = 0; grade <= 5; grade++) {
            brightness[grade] = meanTissueBrightness(new SyntheticSlideSpec.Look(1, 0, grade));
        }
        for (int g = 1; g <= 5; g++) {
            assertThat(brightness[g]).as("grade " + g).isLessThan(brightness[g - 1]);
        }
        assertThat(meanTissueBrightness(new SyntheticSlideSpec.Look(1, 3, 2))).isNotEqualTo(brightness[2]);
        assertThat(meanTissueBrightness(new SyntheticSlideSpec.Look(3, 0, 2))).isNotEqualTo(brightness[2]);
    }

    /** Mean R+G+B over a central patch of a slide painted with this look. */
    private static double meanTissueBrightness(SyntheticSlideSpec.Look look) {
        TissuePainter p = new TissuePainter(new SyntheticSlideSpec("g", 77L, 2000, 2000, 0.5, 20, 1, false, false, look));
        double sum = 0;
        int n = 0;
        for (int y = 800; y < 1200; y += 3) {
            for (int x = 800; x < 1200; x += 3) {
                int rgb = p.colourAt(x + 0.5, y + 0.5, 1.0);
                sum += ((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255);
                n++;
            }
        }
        return sum / n;
    }
}
