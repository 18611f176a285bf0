/**
 * OpenSlideFM NB08: slide embeddings ({@code g_proj} of the trained aggregator, eval mode) for every slide with
 * features at both scales, keyed by the checkpoint's SHA-256, and their Parquet export.
 */
package org.slidebatch.embed;
