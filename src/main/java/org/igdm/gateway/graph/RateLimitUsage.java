package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.igdm.gateway.Json;

/**
 * The usage Meta reports on every answer, in percent of the allowance (100 means throttled):
 * {@code X-App-Usage} and {@code X-Business-Use-Case-Usage}, which Instagram calls fall under; and how long Meta
 * asks the account to wait.
 *
 * @param reported  the two headers as Meta sent them ({@code app}, {@code business_use_case}), for the sent record
 * @param appPercent the highest figure in {@code X-App-Usage}: the app's, shared by every account it sends for
 * @param accountPercent the highest figure in {@code X-Business-Use-Case-Usage}: the sending account's
 * @param regainAccess the longest {@code estimated_time_to_regain_access}, else the answer's {@code Retry-After},
 *                     zero when neither
 */
public record RateLimitUsage(ObjectNode reported, int appPercent, int accountPercent, Duration regainAccess) {

    public static final String APP_HEADER = "X-App-Usage";
    public static final String BUSINESS_HEADER = "X-Business-Use-Case-Usage";
    public static final RateLimitUsage NONE = new RateLimitUsage(JsonNodeFactory.instance.objectNode(), 0, 0, Duration.ZERO);

    /** @param retryAfter what the answer's {@code Retry-After} asks for; Meta's own estimate wins over it */
    public static RateLimitUsage fromHeaders(String appUsage, String businessUseCaseUsage, Duration retryAfter) {
        JsonNode app = parse(appUsage);
        JsonNode business = parse(businessUseCaseUsage);
        if (app == null && business == null && retryAfter.isZero()) {
            return NONE;
        }
        ObjectNode reported = JsonNodeFactory.instance.objectNode();
        int appPercent = 0;
        int accountPercent = 0;
        long regainMinutes = 0;
        if (app != null) {
            reported.set("app", app);
            appPercent = highestPercent(app);
        }
        if (business != null) {
            reported.set("business_use_case", business);
            // {"<business-id>": [{"type":"instagram","call_count":..,"estimated_time_to_regain_access":<minutes>}]}
            for (JsonNode perBusiness : business) {
                for (JsonNode usage : perBusiness) {
                    accountPercent = Math.max(accountPercent, highestPercent(usage));
                    regainMinutes = Math.max(regainMinutes, usage.path("estimated_time_to_regain_access").asLong(0));
                }
            }
        }
        return new RateLimitUsage(reported, appPercent, accountPercent,
                regainMinutes > 0 ? Duration.ofMinutes(regainMinutes) : retryAfter);
    }

    /** The highest figure in either header, 0 when none was reported. */
    public int maxPercent() {
        return Math.max(appPercent, accountPercent);
    }

    private static int highestPercent(JsonNode usage) {
        int max = 0;
        for (String figure : new String[] {"call_count", "total_time", "total_cputime"}) {
            max = Math.max(max, usage.path(figure).asInt(0));
        }
        return max;
    }

    /** A header Meta garbled must not fail a message that was sent: it is left out instead. */
    private static JsonNode parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(header);
            return node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }
}
