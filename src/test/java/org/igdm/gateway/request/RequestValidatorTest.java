package org.igdm.gateway.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestValidatorTest {

    private static SendRequest request(String recipient, String message) {
        return SendRequest.text(recipient, message);
    }

    @Test
    void aValidRequestHasNoViolations() {
        assertThat(RequestValidator.violations(SendRequest.text("1234567890", "hello").withTag("HUMAN_AGENT").withIdempotencyKey("key-1"))).isEmpty();
        assertThat(RequestValidator.violations(request("1".repeat(64), "x".repeat(1000)))).isEmpty();
    }

    @Test
    void recipientMustBeOneToSixtyFourDigits() {
        assertThat(RequestValidator.violations(request("abc", "hi")))
                .containsExactly(new Violation("recipient_id", "recipient_id must be 1-64 digits, got 'abc'"));
        assertThat(RequestValidator.violations(request("1".repeat(65), "hi"))).extracting(Violation::field).containsExactly("recipient_id");
        assertThat(RequestValidator.violations(request(" 12", "hi"))).extracting(Violation::field).containsExactly("recipient_id");
        assertThat(RequestValidator.violations(request(null, "hi")))
                .containsExactly(new Violation("recipient_id", "recipient_id is required"));
    }

    @Test
    void messageIsMeasuredInUtf8Bytes() {
        assertThat(RequestValidator.violations(request("1", "é".repeat(500)))).isEmpty();
        assertThat(RequestValidator.violations(request("1", "é".repeat(501))))
                .containsExactly(new Violation("message", "message is 1002 bytes in UTF-8; the limit is 1000"));
        assertThat(RequestValidator.violations(request("1", "😀".repeat(250)))).isEmpty();
        assertThat(RequestValidator.violations(request("1", ""))).extracting(Violation::field).containsExactly("message");
    }

    @Test
    void onlyHumanAgentIsATag() {
        assertThat(RequestValidator.violations(SendRequest.text("1", "m").withTag("ACCOUNT_UPDATE")))
                .containsExactly(new Violation("tag", "tag must be HUMAN_AGENT or left out, got 'ACCOUNT_UPDATE'"));
        assertThat(SendRequest.text("1", "m").withTag("").tag()).isNull();
    }

    @Test
    void idempotencyKeyIsAtMost255Characters() {
        assertThat(RequestValidator.violations(SendRequest.text("1", "m").withIdempotencyKey("k".repeat(255)))).isEmpty();
        assertThat(RequestValidator.violations(SendRequest.text("1", "m").withIdempotencyKey("k".repeat(256))))
                .containsExactly(new Violation("idempotency_key", "idempotency_key must be at most 255 characters, got 256"));
    }

    @Test
    void everyBrokenRuleIsNamedAtOnce() {
        assertThatThrownBy(() -> RequestValidator.validate(SendRequest.text("x", "").withTag("NOPE")))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.violations()).extracting(Violation::field).containsExactly("recipient_id", "message", "tag"));
    }

    @Test
    void jsonThatIsNotARequestIsExplained() {
        assertThatThrownBy(() -> RequestJson.parse("{\"recipient_id\":\"1\",")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RequestJson.parse("[1,2]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> RequestJson.parse("{\"recipient_id\":{\"id\":1},\"message\":\"m\"}"))
                .hasMessage("recipient_id must be a JSON string");
        assertThat(RequestJson.parse("{\"recipient_id\":\"12\",\"message\":\"m\",\"extra\":true}").recipientId()).isEqualTo("12");
    }
}
