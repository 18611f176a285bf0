package org.slidebatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.workspace.Workspace;

import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Check Java, libopenslide, the database, the workspace and free disk; exit 1 if anything is wrong.")
final class DoctorCommand extends GlobalOptions implements Callable<Integer> {

    private int failures;

    @Override
    public Integer call() {
        Runtime.Version v = Runtime.version();
        check(v.feature() >= 25, "java", "JDK " + v + " at " + System.getProperty("java.home"),
            "JDK 25 or newer is required (scripts/ select /usr/lib/jvm/temurin-25-jdk-amd64)");
        boolean openslide = OpenSlideReader.isAvailable();
        check(openslide, "openslide", openslide ? "libopenslide " + OpenSlideReader.libraryVersion() : "",
            "libopenslide.so.0 not found: apt-get install libopenslide0");
        Workspace ws = workspace();
        boolean writable;
        try {
            ws.create();
            Path probe = Files.createTempFile(ws.root(), ".doctor", ".tmp");
            Files.delete(probe);
            writable = true;
        } catch (Exception e) {
            writable = false;
        }
        check(writable, "workspace", ws.root() + " is writable", ws.root() + " is not writable");
        if (writable) {
            try {
                long free = Files.getFileStore(ws.root()).getUsableSpace();
                String gib = String.format(Locale.ROOT, "%.1f GiB free", free / (1024.0 * 1024 * 1024));
                check(free > 2L * 1024 * 1024 * 1024, "disk", gib + " at " + ws.root(), "only " + gib + " (need at least 2 GiB)");
            } catch (Exception e) {
                check(false, "disk", "", "cannot read free space: " + e.getMessage());
            }
            try (BatchContext ctx = openContext()) {
                int jobs = ctx.jobRepository().getJobNames().size();
                check(true, "database", ctx.connection().describe() + " (" + jobs + " job names recorded)", "");
            } catch (CliException e) {
                check(false, "database", "", e.getMessage());
            }
        }
        System.out.println(failures == 0 ? "all checks passed" : failures + " check(s) failed");
        return failures == 0 ? 0 : 1;
    }

    private void check(boolean ok, String what, String good, String bad) {
        if (!ok) {
            failures++;
        }
        System.out.printf("%-5s %-10s %s%n", ok ? "ok" : "FAIL", what, ok ? good : bad);
    }
}
