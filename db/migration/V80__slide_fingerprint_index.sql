-- The manifest looks a new slide's quick fingerprint up among the recorded slides (the same file under two names).
CREATE INDEX slide_fingerprint ON slide (fingerprint);
