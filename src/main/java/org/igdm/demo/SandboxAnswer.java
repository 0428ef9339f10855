package org.igdm.demo;

import java.util.Map;

/**
 * One answer of the sandbox, as Meta would send it: status, headers (the usage headers among them) and JSON body;
 * or {@link #DROPPED}, no answer at all.
 */
record SandboxAnswer(int status, Map<String, String> headers, String body) {

    /** The connection closes without an answer, as when a call to Meta breaks: its outcome is unknown to the caller. */
    static final SandboxAnswer DROPPED = new SandboxAnswer(0, Map.of(), "");

    SandboxAnswer {
        headers = Map.copyOf(headers);
    }

    boolean dropsConnection() {
        return status == 0;
    }
}
