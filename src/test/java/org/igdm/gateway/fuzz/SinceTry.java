package org.igdm.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.igdm.gateway.support.TestLog;

/**
 * What came of one try: the records, calls to Meta and log lines since it began. One gateway serves every try of a
 * property, so each try looks only at what came after its own start.
 */
record SinceTry(RunningGateway.Sinks sinks, GraphStub meta, int sent, int failed, int calls, long logMark) {

    static SinceTry begin(Path home, GraphStub meta) {
        RunningGateway.Sinks sinks = new RunningGateway.Sinks(home);
        return new SinceTry(sinks, meta, sinks.sent().size(), sinks.failed().size(), meta.sends().size(), TestLog.mark());
    }

    /** Whether at least {@code count} records were written since. */
    boolean recorded(long count) {
        return sinks.count() >= sent + failed + count;
    }

    List<JsonNode> sentRecords() {
        List<JsonNode> all = sinks.sent();
        return all.subList(sent, all.size());
    }

    List<JsonNode> failedRecords() {
        List<JsonNode> all = sinks.failed();
        return all.subList(failed, all.size());
    }

    List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>(sentRecords());
        records.addAll(failedRecords());
        return records;
    }

    List<LoggedRequest> callsToMeta() {
        List<LoggedRequest> all = meta.sends();
        return all.subList(calls, all.size());
    }

    String log() {
        return TestLog.since(logMark);
    }
}
