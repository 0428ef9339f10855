package org.igdm.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.igdm.gateway.Json;
import org.igdm.gateway.delivery.DeliveryKeys;

/**
 * Answers a tools/call with the outcome record of its delivery, as the tool's result. Like the HTTP source's
 * answer, the route enriches with {@code direct:deliver} through this strategy, so that a delivery that ended
 * in the failed sink is still answered; only the record and its outcome cross over.
 */
public final class McpToolAnswer implements AggregationStrategy {

    public static final String BEAN = "mcpToolAnswer";

    @Override
    public Exchange aggregate(Exchange call, Exchange delivery) {
        Message outcome = delivery.getMessage();
        String kind = outcome.getHeader(DeliveryKeys.OUTCOME, String.class);
        JsonNode record = read(outcome.getBody(String.class));
        McpEndpoint.answer(call, switch (kind == null ? "" : kind) {
            // a repeated key is answered with its first send, as POST /messages answers it
            case "sent", "duplicate" -> SendMessageTool.sent(record);
            case "failed" -> SendMessageTool.failed(record);
            default -> throw new IllegalStateException("the delivery ended without a known outcome: " + kind);
        });
        return call;
    }

    private static JsonNode read(String record) {
        try {
            return Json.MAPPER.readTree(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the delivery's outcome record is not JSON", e);
        }
    }
}
