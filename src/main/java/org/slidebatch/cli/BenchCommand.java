package org.slidebatch.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks (SPEC §10): each writes one JSON object (--json OUT.json) and prints one line.",
        "Speed targets live here, never in timed tests."},
    subcommands = {BenchReadsCommand.class, BenchSegmentCommand.class, BenchStreamCommand.class, BenchEmbedCommand.class, BenchFeaturesCommand.class, BenchPretrainCommand.class, BenchGemmCommand.class, BenchProbeCommand.class,
        BenchGradeCommand.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing benchmark: reads, segment, stream, embed, features or pretrain");
    }
}
