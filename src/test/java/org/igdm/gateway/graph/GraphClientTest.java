package org.igdm.gateway.graph;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import org.igdm.gateway.Json;
import com.fasterxml.jackson.databind.node.TextNode;
import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.account.Api;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The typed Graph client against a stand-in for Meta: what each API receives, and how each failure is classified. */
class GraphClientTest {

    private static final Account PAGE = new Account("brand1", "17841400000000011", Api.FACEBOOK, new AccessToken("EAA-page-token"), 100, null);
    private static final Account IG = new Account("brand2", "17841400000000022", Api.INSTAGRAM, new AccessToken("IGAA-ig-token"), 100, null);
    private static final SendRequest HELLO = new SendRequest("42", null, TextNode.valueOf("Hi \"there\" & bye"), null, null, null, "k1", "brand1");

    private WireMockServer meta;
    private GraphClient client;

    @BeforeEach
    void start() {
        meta = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        meta.start();
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.success()));
        client = clientWithin(Duration.ofSeconds(10));
    }

    private GraphClient clientWithin(Duration callTimeout) {
        String base = "http://127.0.0.1:" + meta.port();
        // the two APIs on two "hosts": a path prefix tells them apart here
        return new GraphClient(new GraphEndpoints(base + "/facebook/", base + "/instagram", "v25.0", Duration.ofSeconds(2), callTimeout));
    }

    @AfterEach
    void stop() {
        meta.stop();
    }

    private LoggedRequest onlyCall() {
        assertThat(meta.getAllServeEvents()).hasSize(1);
        return meta.getAllServeEvents().get(0).getRequest();
    }

    @Test
    void aFacebookAccountPostsAFormWithItsTokenInTheBody() {
        GraphSendResult result = client.send(PAGE, HELLO);

        assertThat(result.messageId()).startsWith("mid.");
        assertThat(result.usage().appPercent()).isEqualTo(28);
        assertThat(result.usage().accountPercent()).isEqualTo(12);
        LoggedRequest call = onlyCall();
        assertThat(call.getUrl()).isEqualTo("/facebook/v25.0/17841400000000011/messages");
        assertThat(call.getHeader("Content-Type")).isEqualTo(GraphForm.CONTENT_TYPE);
        assertThat(call.containsHeader("Authorization")).isFalse();
        // Meta's own sample, field by field and in its order
        assertThat(GraphStub.form(call)).containsExactly(
                entry("recipient", "{\"id\":\"42\"}"),
                entry("message", "{\"text\":\"Hi \\\"there\\\" & bye\"}"),
                entry("messaging_type", "RESPONSE"),
                entry("access_token", "EAA-page-token"));
    }

    @Test
    void anInstagramAccountPostsMetasJsonWithABearerToken() throws Exception {
        client.send(IG, new SendRequest("42", null, TextNode.valueOf("Hi"), null, null, "HUMAN_AGENT", "k2", "brand2"));

        LoggedRequest call = onlyCall();
        assertThat(call.getUrl()).isEqualTo("/instagram/v25.0/17841400000000022/messages");
        assertThat(call.getHeader("Authorization")).isEqualTo("Bearer IGAA-ig-token");
        assertThat(call.getHeader("Content-Type")).isEqualTo("application/json");
        JsonNode body = Json.MAPPER.readTree(call.getBodyAsString());
        assertThat(body).isEqualTo(Json.MAPPER.readTree(
                "{\"recipient\":{\"id\":\"42\"},\"message\":{\"text\":\"Hi\"},\"messaging_type\":\"MESSAGE_TAG\",\"tag\":\"HUMAN_AGENT\"}"));
        assertThat(call.getBodyAsString()).doesNotContain("IGAA-ig-token");
    }

    @Test
    void aRefusedTokenIsARejectionThatKeepsMetasCodeAndNeverTheToken() {
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.error(400, 190, null, "Invalid OAuth access token")));

        assertThatThrownBy(() -> client.send(IG, HELLO))
                .isInstanceOfSatisfying(RejectedByGraphException.class, e -> assertThat(e.error().code()).isEqualTo(190))
                .message().doesNotContain("IGAA-ig-token");
    }

    @Test
    void aRefusedConnectionHappenedBeforeAnythingWasSentAndIsTransient() {
        int closed = RunningGateway.freePort();
        GraphClient nowhere = new GraphClient(new GraphEndpoints("http://127.0.0.1:" + closed, "http://127.0.0.1:" + closed,
                "v25.0", Duration.ofSeconds(2), Duration.ofSeconds(5)));

        assertThatThrownBy(() -> nowhere.send(PAGE, HELLO)).isInstanceOf(GraphUnreachableException.class)
                .isNotInstanceOf(OutcomeUnknownException.class);
    }

    @Test
    void aConnectionThatBreaksOnceMetaHasTheRequestLeavesTheOutcomeUnknown() {
        meta.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> client.send(PAGE, HELLO))
                .isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("Meta may have delivered the message")
                .message().doesNotContain("EAA-page-token");
    }

    @Test
    void anAnswerThatTricklesEndsAtTheDeadlineAndItsOutcomeIsUnknown() {
        // the answer comes in small pieces over ten seconds
        meta.stubFor(post(anyUrl()).willReturn(GraphStub.success().withChunkedDribbleDelay(20, 10_000)));
        GraphClient impatient = clientWithin(Duration.ofMillis(500));

        // the bound is there only so that a client that waits for the whole answer fails
        assertTimeoutPreemptively(Duration.ofSeconds(8), () -> assertThatThrownBy(() -> impatient.send(PAGE, HELLO))
                .isInstanceOf(OutcomeUnknownException.class)
                .hasMessageStartingWith("no complete answer from Meta within 500 ms"));
    }
}
