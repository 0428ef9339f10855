package org.igdm.gateway.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.igdm.gateway.Json;

/**
 * Input that looks like what the doors take, some of it right and most of it wrong in one way or another: the
 * canonical request's fields with values of every JSON type and size, unknown fields, and JSON-RPC messages.
 */
final class Generated {

    private static final String[] FIELDS = {"recipient_id", "comment_id", "message", "sender_action", "payload", "tag",
            "account", "idempotency_key", "attachment_type", "attachment_url", "unknown"};

    private Generated() {
    }

    /** A JSON value of any type: short and long strings (non-ASCII included), numbers, booleans, null, objects, arrays. */
    static Arbitrary<String> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(Generated::quote),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(70).map(Generated::quote),
                Arbitraries.strings().ofMinLength(990).ofMaxLength(1100).map(Generated::quote),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "{}", "[]", "1.5e300", "{\"text\":\"hi\"}",
                        "{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"https://example.com/a.png\"}}}",
                        "\"HUMAN_AGENT\"", "\"typing_on\"", "\"react\""));
    }

    /** An object with some of the request's fields (a few of them right), in any order, sometimes repeated. */
    static Arbitrary<String> requests() {
        Arbitrary<String> field = Combinators.combine(Arbitraries.of(FIELDS), scalars())
                .as((name, value) -> quote(name) + ":" + value);
        Arbitrary<String> valid = Combinators.combine(Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(200))
                .as((id, text) -> "{\"recipient_id\":" + quote(id) + ",\"message\":" + quote(text) + "}");
        return Arbitraries.oneOf(valid, field.list().ofMaxSize(6).map(fields -> "{" + String.join(",", fields) + "}"));
    }

    /** JSON-RPC messages for the MCP door: right and wrong methods, ids, params and tool arguments. */
    static Arbitrary<String> jsonRpc() {
        Arbitrary<String> method = Arbitraries.of("initialize", "ping", "tools/list", "tools/call", "notifications/initialized",
                "resources/list", "");
        Arbitrary<String> id = Arbitraries.of("1", "\"a\"", "null", "1.5", "{}");
        return Combinators.combine(method, id, requests(), Arbitraries.of("ig_send_message", "other")).as((m, i, args, tool) ->
                "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":" + quote(m) + ",\"params\":{\"name\":" + quote(tool)
                        + ",\"arguments\":" + args + ",\"protocolVersion\":\"2025-06-18\"}}");
    }

    static String quote(String text) {
        try {
            return Json.MAPPER.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
