/**
 * Spring Batch plumbing shared by every stage (floor 1): the per-slide partitioned step, parameters, passports, progress.
 *
 * <h2>A per-slide stage</h2>
 * Implement {@link org.slidebatch.batch.SlideWork} (compute outside any transaction, write files through
 * {@link org.slidebatch.batch.SlideOutputs#file} and rows in the writer's transaction) as a record made from the stage's
 * parsed parameters, and wire it in the stage's {@code <Stage>StepConfiguration}:
 * <pre>{@code
 * @Bean Step qcStep(PerSlideSteps steps, StageResultStore results, Workspace workspace) {
 *     return steps.build("qc", "qc", p -> new QcWork(workspace, results, QcParameters.from(p)));
 * }
 * }</pre>
 * {@link org.slidebatch.batch.PerSlideSteps} partitions the slides by index range into a frozen list, makes the reader,
 * processor, writer and listeners per partition step execution (step scope, {@link org.slidebatch.batch.PerSlideScope}),
 * records each slide's status with the reader position, registers every file ({@code output_file}: path, SHA-256, bytes,
 * slide, step execution) and writes a compute passport for the manager and for every partition. Code written against the
 * older {@link org.slidebatch.batch.SlideTask} keeps working through
 * {@link org.slidebatch.batch.PerSlidePartitionedStep#build}.
 *
 * <h2>Parameters</h2>
 * One record per stage with a {@code NAMES} set and a {@code from(JobParameters)} parser, exposed as a
 * {@link org.slidebatch.batch.StageParameters} {@code SPEC}; the job's validator is
 * {@code StageParameters.validator(SPEC, ...)} (stage jobs: {@code StageJobFlow.validator}). Unknown names are refused
 * with the valid list and the closest name; values through {@link org.slidebatch.batch.Params} (booleans only
 * true/false, malformed numbers refused), all before the job starts.
 *
 * <h2>Connections</h2>
 * The DataSource is lazy ({@link org.slidebatch.batch.RepositoryPlumbing}): a chunk transaction takes a pooled connection
 * at its first statement, which for a per-slide step is the writer's, so {@code workers} may exceed the pool size.
 */
package org.slidebatch.batch;
