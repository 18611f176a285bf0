package org.slidebatch.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * The parameters one stage accepts: their names and the parser into the stage's typed record. How a new stage adopts it:
 * <pre>{@code
 * public record PretrainParameters(int epochs, double lr) {
 *     public static final Set<String> NAMES = Set.of("epochs", "lr");
 *     public static final StageParameters<PretrainParameters> SPEC = StageParameters.of("pretrain", NAMES, PretrainParameters::from);
 *     public static PretrainParameters from(JobParameters p) {        // IllegalArgumentException naming the parameter
 *         return new PretrainParameters((int) Params.longValue(p, "epochs", 100), Params.doubleValue(p, "lr", 1e-4));
 *     }
 * }
 * // in the job configuration:  .validator(StageParameters.validator(PretrainParameters.SPEC, OtherStage.SPEC))
 * // in the step (once per step execution, e.g. SlideWork.open):  PretrainParameters p = PretrainParameters.from(jobParameters);
 * }</pre>
 * {@link #validator} refuses, before the job starts, any name that no stage of the job knows (with the valid names and
 * the closest one) and any value the stages' parsers refuse. The CLI turns the refusal into exit 2 with one line.
 */
public record StageParameters<P>(String stage, Set<String> names, Function<JobParameters, P> parser) {

    /** Names every job accepts: the launcher's instance key, the seed, and the per-slide step's worker count. */
    public static final Set<String> COMMON = Set.of("run.id", "seed", PerSlidePartitionedStep.WORKERS);

    public static <P> StageParameters<P> of(String stage, Set<String> names, Function<JobParameters, P> parser) {
        return new StageParameters<>(stage, Set.copyOf(names), parser);
    }

    public P parse(JobParameters p) {
        return parser.apply(p);
    }

    /** A job validator: known names only, every stage's record parses; otherwise one line naming the parameter. */
    @SafeVarargs
    public static JobParametersValidator validator(StageParameters<?>... stages) {
        Set<String> valid = new TreeSet<>(COMMON);
        for (StageParameters<?> s : stages) {
            valid.addAll(s.names());
        }
        return parameters -> {
            for (JobParameter<?> jp : parameters.parameters()) {
                if (!valid.contains(jp.name())) {
                    throw new InvalidJobParametersException(unknown(jp.name(), valid));
                }
            }
            for (StageParameters<?> s : stages) {
                try {
                    s.parse(parameters);
                } catch (IllegalArgumentException e) {
                    throw new InvalidJobParametersException(e.getMessage());
                }
            }
        };
    }

    static String unknown(String name, Set<String> valid) {
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String v : valid) {
            int d = distance(name, v);
            if (d < best) {
                best = d;
                closest = v;
            }
        }
        List<String> names = new ArrayList<>(valid);
        return "unknown parameter '" + name + "'"
            + (closest != null && best <= Math.max(2, name.length() / 3) ? " (did you mean '" + closest + "'?)" : "")
            + "; valid parameters: " + String.join(", ", names);
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
