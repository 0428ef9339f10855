package org.igdm.gateway.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
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

    /** Requests every door must take and send: a recipient's id and a short text, nothing else. */
    static Arbitrary<String> validRequests() {
        return Combinators.combine(Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20), words())
                .as((id, text) -> "{\"recipient_id\":" + quote(id) + ",\"message\":" + quote(text) + "}");
    }

    /** A short text of letters and spaces, never blank. */
    static Arbitrary<String> words() {
        return Arbitraries.strings().alpha().withChars(' ').ofMinLength(1).ofMaxLength(60).map(text -> "w" + text);
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

    /**
     * Text a client could send as a request: requests right and wrong, the same cut short (broken JSON), bare JSON
     * values of the wrong type, arrays and objects nested up to a few thousand deep, control characters and
     * unpaired surrogates, and bodies beyond the 64 KiB a JMS request may have.
     */
    static Arbitrary<String> texts() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, requests()),
                Tuple.of(2, Combinators.combine(requests(), Arbitraries.doubles().between(0, 1))
                        .as((request, cut) -> request.substring(0, (int) (request.length() * cut)))),
                Tuple.of(2, scalars()),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(200)),
                Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(50)),
                Tuple.of(2, depths().map(depth -> nested(depth, "[", "]"))),
                Tuple.of(2, depths().map(depth ->
                        "{\"recipient_id\":\"1\",\"message\":\"deep\",\"payload\":" + nested(depth, "{\"a\":", "}") + "}")),
                Tuple.of(1, Arbitraries.strings().ofMinLength(60_000).ofMaxLength(70_000)
                        .map(text -> "{\"recipient_id\":\"1\",\"message\":" + quote(text) + "}")));
    }

    /** Nesting depths on both sides of Jackson's limit (1000), evenly: not biased to the shallow. */
    static Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1, 3000).withDistribution(RandomDistribution.uniform());
    }

    /** {@code depth} openings around a 1, closed again: JSON as deep as a parser may refuse. */
    static String nested(int depth, String open, String close) {
        return open.repeat(depth) + "1" + close.repeat(depth);
    }

    static String quote(String text) {
        try {
            return Json.MAPPER.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
