package org.igdm.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.igdm.gateway.Json;
import org.igdm.gateway.graph.RateLimitUsage;

/**
 * The usage Meta reports on every answer, in percent of the allowance: the sandbox counts the calls of the current
 * minute against Instagram's 100 calls per second, and reports 100% (with a time to regain access, for the
 * business use case) when it refuses a call for a rate limit.
 */
final class SandboxUsage {

    private static final long WINDOW_MILLIS = 60_000;
    private static final int CALLS_PER_WINDOW = 100 * 60;
    /** What the sandbox tells a caller it throttled on the Business Use Case limit, in minutes (Meta's unit). */
    static final int REGAIN_ACCESS_MINUTES = 1;

    private final String businessId;
    private long windowStart;
    private int calls;

    SandboxUsage(String businessId) {
        this.businessId = businessId;
    }

    /** Counts one call and returns the two usage headers for its answer. */
    synchronized Map<String, String> count(long nowMillis, MagicRecipient.Throttle throttle) {
        if (nowMillis - windowStart >= WINDOW_MILLIS) {
            windowStart = nowMillis;
            calls = 0;
        }
        calls++;
        int percent = Math.min(100, Math.max(1, calls * 100 / CALLS_PER_WINDOW));
        boolean app = throttle == MagicRecipient.Throttle.APP;
        boolean business = throttle == MagicRecipient.Throttle.BUSINESS;
        return Map.of(RateLimitUsage.APP_HEADER, figures(Json.MAPPER.createObjectNode(), app ? 100 : percent).toString(),
                RateLimitUsage.BUSINESS_HEADER, businessUseCase(business ? 100 : percent, business ? REGAIN_ACCESS_MINUTES : 0));
    }

    private String businessUseCase(int percent, int regainMinutes) {
        ObjectNode usage = figures(Json.MAPPER.createObjectNode().put("type", "instagram"), percent)
                .put("estimated_time_to_regain_access", regainMinutes);
        ObjectNode header = Json.MAPPER.createObjectNode();
        ArrayNode perBusiness = header.putArray(businessId);
        perBusiness.add(usage);
        return header.toString();
    }

    /** Call count, and the time figures Meta reports beside it (lower: a text send is cheap). */
    private static ObjectNode figures(ObjectNode node, int percent) {
        return node.put("call_count", percent).put("total_cputime", Math.max(1, percent / 4)).put("total_time", Math.max(1, percent / 3));
    }
}
