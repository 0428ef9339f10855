package org.igdm.gateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.graph.GraphForm;

/** WireMock standing in for Meta's Send API on 127.0.0.1, with the answers Meta gives. */
public final class GraphStub implements AutoCloseable {

    public static final String PATH = "/v25.0/" + RunningGateway.USER_ID + "/messages";
    /** The user every success names, as Meta names the recipient (for a private reply, the comment's author). */
    public static final String ANSWERED_RECIPIENT = "1784149999999999";

    private final WireMockServer server;

    public GraphStub() {
        // Meta serves every call in flight: a thread per gateway consumer and more, so that the stand-in never
        // refuses a connection or answers Jetty's own 503 (which would look like an outage to the gateway)
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(200));
        server.start();
        answerSuccess();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public WireMockServer server() {
        return server;
    }

    public void reset() {
        server.resetAll();
        answerSuccess();
    }

    /**
     * Every send succeeds with a fresh message id and usage headers, as Meta answers; a sender action (typing,
     * seen, reactions) with the recipient alone, as Meta answers those.
     */
    public void answerSuccess() {
        server.stubFor(post(urlPathEqualTo(PATH)).willReturn(success()));
        server.stubFor(post(urlPathEqualTo(PATH)).withFormParam("sender_action", matching(".+")).willReturn(success()
                .withBody("{\"recipient_id\":\"" + ANSWERED_RECIPIENT + "\"}")));
    }

    public static ResponseDefinitionBuilder success() {
        return aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-App-Usage", "{\"call_count\":28,\"total_time\":25,\"total_cputime\":25}")
                .withHeader("X-Business-Use-Case-Usage",
                        "{\"1234\":[{\"type\":\"instagram\",\"call_count\":12,\"total_cputime\":3,\"total_time\":4,\"estimated_time_to_regain_access\":0}]}")
                .withBody("{\"recipient_id\":\"" + ANSWERED_RECIPIENT + "\",\"message_id\":\"mid.{{randomValue length=16 type='ALPHANUMERIC'}}\"}")
                .withTransformers("response-template");
    }

    /** Meta's error envelope with the given status and codes. */
    public static ResponseDefinitionBuilder error(int status, int code, Integer subcode, String message) {
        String sub = subcode == null ? "" : ",\"error_subcode\":" + subcode;
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"" + message + "\",\"type\":\"IGApiException\",\"code\":" + code + sub
                        + ",\"fbtrace_id\":\"AbCdEfGh123\"}}");
    }

    public List<LoggedRequest> sends() {
        return server.findAll(postRequestedFor(urlPathEqualTo(PATH)));
    }

    /** The form body of a request, decoded into its fields in the order they came. */
    public static Map<String, String> form(LoggedRequest request) {
        return GraphForm.decode(request.getBodyAsString());
    }

    /** The form Meta receives for a text within the window, from the default account: every field, in order. */
    public static Map<String, String> textForm(String recipientId, String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("recipient", "{\"id\":\"" + recipientId + "\"}");
        form.put("message", "{\"text\":\"" + text + "\"}");
        form.put("messaging_type", "RESPONSE");
        form.put("access_token", RunningGateway.TOKEN);
        return form;
    }

    @Override
    public void close() {
        server.stop();
    }
}
