package org.slidebatch.batch;

/** A reader that knows how far it is through its slides. */
public interface ProgressSource {

    /** Items handed out so far, across restarts of the step. */
    int done();

    /** Items in the whole step, or -1 if unknown. */
    int total();
}
