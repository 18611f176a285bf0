package org.slidebatch.embed;

import java.nio.file.Files;
import java.nio.file.Path;

import org.slidebatch.batch.Params;
import org.slidebatch.pretrain.PretrainParameters;
import org.slidebatch.pretrain.PretrainStepConfiguration;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the embed step (OpenSlideFM NB08): {@code embed_tag} (folder {@code embeddings/<tag>/}, default
 * {@code student}), {@code aggregator_weights} (an OpenSlideFM student state dict; default: the student of the job's
 * own pretrain run, which then does not train), {@code n_heads}, and the token budgets, positions and seed of the pretrain parameters.
 */
public record EmbedParameters(String tag, Path weights, PretrainParameters pretrain) {

    /** Not {@code weights}: in the openslidefm chain that names the ConvNeXt weights of the features step. */
    public static final String AGGREGATOR_WEIGHTS = "aggregator_weights";

    public static EmbedParameters from(JobParameters p) {
        String tag = Params.string(p, "embed_tag", "student");
        if (!tag.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("embed_tag must be 1–100 letters, digits, '.', '_' or '-', got '" + tag + "'");
        }
        String w = Params.string(p, AGGREGATOR_WEIGHTS, null);
        if (w != null && !Files.isRegularFile(Path.of(w))) {
            throw new IllegalArgumentException(AGGREGATOR_WEIGHTS + " file " + w + " does not exist");
        }
        return new EmbedParameters(tag, w == null ? null : Path.of(w), PretrainStepConfiguration.parameters(p));
    }
}
