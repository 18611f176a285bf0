/**
 * OpenSlideFM NB06 phase 1: self-supervised pretraining of the slide aggregator on the cached tile features (BYOL
 * against an EMA teacher in both directions + masked feature reconstruction), as plain Java over DJL
 * ({@link org.slidebatch.pretrain.Phase1Run}, {@link org.slidebatch.pretrain.ByolMfrTrainer}), restartable to the bit
 * from its checkpoints, and the {@code pretrain} step that runs it.
 */
package org.slidebatch.pretrain;
