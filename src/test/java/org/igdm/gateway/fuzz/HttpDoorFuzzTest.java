package org.igdm.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;

/**
 * Generated input at the HTTP door (POST /messages, POST /messages/bulk, POST /mcp): whatever arrives, the answer is
 * one of the documented statuses, never a 500, and each request that was taken ends as exactly one record.
 * A fixed seed and a bounded count keep it reproducible and within the suite's time.
 */
class HttpDoorFuzzTest {

    private static final Set<Integer> DOCUMENTED = Set.of(200, 202, 400, 409, 413, 415, 422, 503);
    private static Path home;
    private static GraphStub meta;
    private static RunningGateway gateway;

    @BeforeContainer
    static void start() throws Exception {
        home = Files.createTempDirectory("ig-dm-gateway-fuzz");
        meta = new GraphStub();
        gateway = RunningGateway.start(home, RunningGateway.defaults(home, meta.url()));
    }

    @AfterContainer
    static void stop() throws Exception {
        gateway.close();
        meta.close();
        RunningGateway.deleteRecursively(home);
    }

    @Property(tries = 600, seed = "20261129")
    void anyBodyAtPostMessagesIsAnsweredAsDocumentedAndTakenRequestsEndAsOneRecordEach(
            @ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType) {
        long recordsBefore = new RunningGateway.Sinks(home).count();
        int callsBefore = meta.sends().size();

        HttpResponse<String> response = gateway.http().send(gateway.http().request("/messages")
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        int status = response.statusCode();
        assertThat(DOCUMENTED).as("status %d for %s", status, response.body()).contains(status);
        long records = new RunningGateway.Sinks(home).count() - recordsBefore;
        if (status == 200 || status == 422 || status == 503) {
            assertThat(records).as("records for a taken request").isEqualTo(1);
        } else {
            assertThat(records).as("records for a refused request (%d)", status).isZero();
            assertThat(meta.sends().size()).as("calls to Meta for a refused request").isEqualTo(callsBefore);
        }
        if (status != 415) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("json"));
        }
    }

    @Property(tries = 200, seed = "20261129")
    void anyArrayAtPostMessagesBulkQueuesTheValidAndNamesTheRejected(@ForAll("requestsOrJunk") List<String> elements) {
        long recordsBefore = new RunningGateway.Sinks(home).count();
        HttpResponse<String> response = gateway.http().post("/messages/bulk", "[" + String.join(",", elements) + "]");

        JsonNode answer = GatewayHttp.json(response);
        if (response.statusCode() == 400) {
            // strict JSON: a key given twice in any element makes the whole body invalid; nothing is queued
            assertThat(answer.path("violations").get(0).path("field").asText()).isEqualTo("body");
            assertThat(new RunningGateway.Sinks(home).count()).isEqualTo(recordsBefore);
            return;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(answer.path("queued").asInt() + answer.path("rejected").size()).isEqualTo(elements.size());
        gateway.awaitOutcomes((int) recordsBefore + answer.path("queued").asInt());
    }

    @Property(tries = 300, seed = "20261129")
    void anyMessageAtPostMcpIsAJsonRpcAnswerNeverA500(@ForAll("bodies") byte[] body) {
        HttpResponse<String> response = gateway.http().send(gateway.http().request("/mcp")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        assertThat(response.statusCode()).as(response.body()).isIn(200, 202, 400, 415);
        if (response.statusCode() != 202 && response.statusCode() != 415) {
            assertThat(GatewayHttp.json(response).path("jsonrpc").asText()).isEqualTo("2.0");
        }
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.oneOf(
                Generated.requests().map(text -> text.getBytes(StandardCharsets.UTF_8)),
                Generated.jsonRpc().map(text -> text.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.strings().ofMaxLength(300).map(text -> text.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "application/json; charset=utf-8", "application/json; charset=UTF-16",
                "APPLICATION/JSON", "text/plain", "application/json; charset=nonsense");
    }

    @Provide
    Arbitrary<List<String>> requestsOrJunk() {
        return Arbitraries.oneOf(Generated.requests(), Generated.scalars()).list().ofMaxSize(20);
    }
}
