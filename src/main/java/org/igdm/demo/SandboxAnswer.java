package org.igdm.demo;

import java.util.Map;

/** One answer of the sandbox, as Meta would send it: status, headers (the usage headers among them) and JSON body. */
record SandboxAnswer(int status, Map<String, String> headers, String body) {

    SandboxAnswer {
        headers = Map.copyOf(headers);
    }
}
