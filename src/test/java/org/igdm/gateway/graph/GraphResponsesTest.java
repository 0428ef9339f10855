package org.igdm.gateway.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GraphResponsesTest {

    @Test
    void successGivesTheMessageId() {
        GraphSendResult result = GraphResponses.interpret(200, "{\"recipient_id\":\"42\",\"message_id\":\"mid.abc\"}", RateLimitUsage.NONE, true);
        assertThat(result.messageId()).isEqualTo("mid.abc");
        assertThat(result.recipientId()).isEqualTo("42");
    }

    @Test
    void theErrorEnvelopeIsReadIntoTheException() {
        String body = "{\"error\":{\"message\":\"This message is sent outside of allowed window.\",\"type\":\"IGApiException\","
                + "\"code\":10,\"error_subcode\":2534022,\"fbtrace_id\":\"Ax1\"}}";
        assertThatThrownBy(() -> GraphResponses.interpret(400, body, RateLimitUsage.NONE, true))
                .isInstanceOfSatisfying(RejectedByGraphException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(10);
                    assertThat(e.error().subcode()).isEqualTo(2534022);
                    assertThat(e.error().fbtraceId()).isEqualTo("Ax1");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo(
                            "Graph API code 10/2534022 (HTTP 400): This message is sent outside of allowed window.");
                });
    }

    @Test
    void rateLimitsAndTransientErrorsAreTransient() {
        assertThatThrownBy(() -> GraphResponses.interpret(400, "{\"error\":{\"code\":80002,\"message\":\"too many\"}}", RateLimitUsage.NONE, true))
                .isInstanceOf(RateLimitedException.class).isInstanceOf(TransientGraphException.class);
        assertThatThrownBy(() -> GraphResponses.interpret(502, "<html>Bad gateway</html>", RateLimitUsage.NONE, true))
                .isExactlyInstanceOf(TransientGraphException.class)
                .hasMessage("Graph API answered HTTP 502 without an error envelope");
    }

    @Test
    void aSuccessWithoutMessageIdIsNotRecordedAsSent() {
        assertThatThrownBy(() -> GraphResponses.interpret(200, "{}", RateLimitUsage.NONE, true))
                .isInstanceOf(RejectedByGraphException.class).hasMessageContaining("no message_id");
    }

    @Test
    void aSenderActionIsConfirmedByTheRecipientAlone() {
        GraphSendResult result = GraphResponses.interpret(200, "{\"recipient_id\":\"42\"}", RateLimitUsage.NONE, false);
        assertThat(result.recipientId()).isEqualTo("42");
        assertThat(result.messageId()).isNull();
        assertThatThrownBy(() -> GraphResponses.interpret(200, "{}", RateLimitUsage.NONE, false))
                .isInstanceOf(RejectedByGraphException.class).hasMessageContaining("no recipient_id");
    }

    @Test
    void aSecondPrivateReplyToACommentIsRejectedSayingSo() {
        String body = "{\"error\":{\"message\":\"(#10900) Activity already replied to\",\"type\":\"OAuthException\","
                + "\"code\":10900,\"fbtrace_id\":\"x\"}}";
        assertThatThrownBy(() -> GraphResponses.interpret(400, body, RateLimitUsage.NONE, true))
                .isInstanceOf(RejectedByGraphException.class)
                .hasMessage("Graph API code 10900 (HTTP 400): (#10900) Activity already replied to "
                        + "(this comment already has its private reply: Meta allows one per comment)");
    }

    @Test
    void usageHeadersAreReadAsReported() {
        RateLimitUsage usage = RateLimitUsage.fromHeaders("{\"call_count\":28,\"total_time\":25,\"total_cputime\":91}",
                "{\"1234\":[{\"type\":\"instagram\",\"call_count\":97,\"total_cputime\":3,\"total_time\":4,"
                        + "\"estimated_time_to_regain_access\":7}]}", Duration.ofSeconds(30));
        assertThat(usage.maxPercent()).isEqualTo(97);
        assertThat(usage.regainAccess()).isEqualTo(Duration.ofMinutes(7));
        assertThat(usage.reported().path("app").path("total_cputime").asInt()).isEqualTo(91);
        assertThat(usage.reported().path("business_use_case").path("1234").get(0).path("call_count").asInt()).isEqualTo(97);
    }

    @Test
    void missingOrGarbledUsageHeadersAreLeftOut() {
        assertThat(RateLimitUsage.fromHeaders(null, null, Duration.ZERO)).isEqualTo(RateLimitUsage.NONE);
        RateLimitUsage usage = RateLimitUsage.fromHeaders("not json", "{\"1\":[{\"call_count\":5}]}", Duration.ZERO);
        assertThat(usage.reported().has("app")).isFalse();
        assertThat(usage.maxPercent()).isEqualTo(5);
    }

    @Test
    void withoutMetasOwnEstimateRetryAfterSaysHowLongToWait() {
        RateLimitUsage usage = RateLimitUsage.fromHeaders(null, null, Duration.ofSeconds(2));
        assertThat(usage.regainAccess()).isEqualTo(Duration.ofSeconds(2));
        assertThat(usage.reported().isEmpty()).isTrue();
        RateLimitUsage withEstimateOfZero = RateLimitUsage.fromHeaders(null,
                "{\"1\":[{\"call_count\":100,\"estimated_time_to_regain_access\":0}]}", Duration.ofSeconds(2));
        assertThat(withEstimateOfZero.regainAccess()).isEqualTo(Duration.ofSeconds(2));
    }
}
