package org.igdm.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.igdm.gateway.request.Violation;

/**
 * An HTTP error answer in the shape of RFC 9457 ({@code application/problem+json}); {@code violations}
 * names each broken rule of an invalid request by field.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"type", "title", "status", "detail", "violations"})
public record Problem(
        @JsonProperty("title") String title,
        @JsonProperty("status") int status,
        @JsonProperty("detail") String detail,
        @JsonProperty("violations") List<Violation> violations) {

    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    /** No problem type of our own is defined, so each is only its HTTP status (RFC 9457, 4.2.1). */
    @JsonProperty("type")
    public String type() {
        return "about:blank";
    }
}
