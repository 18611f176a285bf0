package org.slidebatch.report;

/** An item's input does not exist (yet): the report lists it as "not available" with this reason. */
public class NotAvailable extends Exception {

    public NotAvailable(String reason) {
        super(reason);
    }
}
