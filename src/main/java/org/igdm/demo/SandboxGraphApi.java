package org.igdm.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.igdm.gateway.Json;
import org.igdm.gateway.graph.AccessToken;
import org.igdm.gateway.graph.GraphErrorClassifier;
import org.igdm.gateway.graph.GraphForm;
import org.igdm.gateway.graph.SendApiBody;
import org.igdm.gateway.request.RequestValidator;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.request.Violation;

/**
 * Meta's side of one Send API call, as the demo sandbox plays it. It checks what Meta checks, in Meta's order
 * (path, token, account, parameters) and answers the first problem with Meta's error envelope (code 100, with
 * subcode 2534015 for invalid message data); a well-formed call is refused if its recipient is a
 * {@link MagicRecipient}, or if it is a second private reply to one comment (code 10900), else accepted: a message
 * with a new message id, a sender action with the recipient's id alone. Every answer carries the usage headers.
 * Stricter than Meta in one way: a token anywhere but the form body is not seen.
 */
final class SandboxGraphApi {

    private static final Pattern SEND_PATH = Pattern.compile("/v\\d+\\.\\d+/([^/]+)/messages/?");
    private static final Set<String> MESSAGING_TYPES = Set.of(SendApiBody.RESPONSE, "UPDATE", SendApiBody.MESSAGE_TAG);
    private static final Integer INVALID_MESSAGE_DATA = 2534015;
    private static final String ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String userId;
    private final AccessToken token;
    private final SandboxUsage usage;
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    /** Meta allows one private reply per comment. */
    private final Set<String> repliedComments = ConcurrentHashMap.newKeySet();

    SandboxGraphApi(String userId, AccessToken token) {
        this.userId = userId;
        this.token = token;
        this.usage = new SandboxUsage(userId);
    }

    SandboxAnswer answer(String method, String path, String formBody) {
        SendRequest request;
        try {
            request = check(method, path, formBody);
        } catch (Refusal refusal) {
            return answer(refusal.status, MagicRecipient.Throttle.NONE, refusal.envelope);
        }
        if (request.isPrivateReply()) {
            if (!repliedComments.add(request.commentId())) {
                return answer(400, MagicRecipient.Throttle.NONE, error(GraphErrorClassifier.ALREADY_REPLIED, null, "OAuthException",
                        "(#10900) Activity already replied to", false));
            }
            // Meta answers with the commenter's id, which only Meta knows: the sandbox makes one up
            return answer(200, MagicRecipient.Throttle.NONE, sent("1784140" + digits(10), true));
        }
        MagicRecipient magic = MagicRecipient.of(request.recipientId()).orElse(null);
        if (magic != null && (!magic.firstCallOnly || refusedOnce.add(request.recipientId()))) {
            return answer(magic.status, magic.throttle, error(magic.code, magic.subcode, magic.type, magic.message, magic.isTransient));
        }
        return answer(200, MagicRecipient.Throttle.NONE, sent(request.recipientId(), request.senderAction() == null));
    }

    /** Meta's answer to a send: the recipient, and for a message (not a sender action) its new id. */
    private static ObjectNode sent(String recipientId, boolean message) {
        ObjectNode sent = Json.MAPPER.createObjectNode().put("recipient_id", recipientId);
        return message ? sent.put("message_id", "mid." + random(32)) : sent;
    }

    /** The request the call describes, once path, token, account and parameters pass as they pass at Meta. */
    private SendRequest check(String method, String path, String formBody) throws Refusal {
        Matcher send = SEND_PATH.matcher(path);
        if (!send.matches()) {
            throw new Refusal(404, 100, null, "OAuthException", "Unknown path components: " + path);
        }
        if (!"POST".equals(method)) {
            throw new Refusal(400, 100, null, "GraphMethodException", "Unsupported " + method.toLowerCase() + " request.");
        }
        Map<String, String> form;
        try {
            form = GraphForm.decode(formBody);
        } catch (IllegalArgumentException malformed) {
            throw invalid(null, "the request body is not a URL-encoded form");
        }
        String presented = form.get(GraphForm.ACCESS_TOKEN);
        if (presented == null || presented.isBlank()) {
            throw new Refusal(400, 190, null, "OAuthException",
                    "An active access token must be used to query information about the current user.");
        }
        if (!token.matches(presented)) {
            throw new Refusal(400, 190, null, "OAuthException", "Invalid OAuth access token - Cannot parse access token");
        }
        if (!userId.equals(send.group(1))) {
            throw new Refusal(400, 100, 33, "GraphMethodException", "Unsupported post request. Object with ID '" + send.group(1)
                    + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation.");
        }
        return parameters(form);
    }

    /** The request in the parameters, or the 100 error Meta answers for the first bad one. */
    private static SendRequest parameters(Map<String, String> form) throws Refusal {
        JsonNode recipient = jsonParameter(form, SendApiBody.RECIPIENT, null);
        if (recipient == null || recipient.path("id").isValueNode() == recipient.path("comment_id").isValueNode()) {
            throw invalid(null, "param recipient must be a JSON object with an id or a comment_id, e.g. {\"id\":\"123\"}");
        }
        JsonNode message = jsonParameter(form, SendApiBody.MESSAGE, INVALID_MESSAGE_DATA);
        JsonNode payload = jsonParameter(form, SendApiBody.PAYLOAD, null);
        String action = form.get(SendApiBody.SENDER_ACTION);
        String type = form.get(SendApiBody.MESSAGING_TYPE);
        String tag = form.get(SendApiBody.TAG);
        if (message == null && action == null) {
            throw invalid(null, "param message or sender_action must be non-empty");
        }
        // Meta asks a message for its messaging type; a sender action needs none
        if ((message != null || type != null) && (type == null || !MESSAGING_TYPES.contains(type))) {
            throw invalid(null, "param messaging_type must be one of " + MESSAGING_TYPES);
        }
        if (SendApiBody.MESSAGE_TAG.equals(type) != (tag != null)) {
            throw invalid(null, "param tag is required with messaging_type MESSAGE_TAG, and allowed only with it");
        }
        SendRequest request = new SendRequest(text(recipient.get("id")), text(recipient.get("comment_id")), message, action, payload,
                tag, null);
        // Meta's limits on each kind of message are the ones the gateway checks at its door
        List<Violation> violations = RequestValidator.violations(request);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            throw invalid(first.field().startsWith("message") ? INVALID_MESSAGE_DATA : null, first.reason());
        }
        return request;
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A parameter that holds a JSON object as text; null when absent; refused with the subcode when it is not one. */
    private static JsonNode jsonParameter(Map<String, String> form, String name, Integer subcode) throws Refusal {
        String value = form.get(name);
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception notJson) {
            // refused below
        }
        throw invalid(subcode, "param " + name + " must be a JSON object");
    }

    private static Refusal invalid(Integer subcode, String reason) {
        return new Refusal(400, 100, subcode, "OAuthException", "(#100) " + reason);
    }

    private SandboxAnswer answer(int status, MagicRecipient.Throttle throttle, ObjectNode body) {
        Map<String, String> headers = new LinkedHashMap<>(usage.count(System.currentTimeMillis(), throttle));
        headers.put("Content-Type", "application/json; charset=UTF-8");
        return new SandboxAnswer(status, headers, body.toString());
    }

    private static ObjectNode error(int code, Integer subcode, String type, String message, boolean isTransient) {
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        ObjectNode error = envelope.putObject("error").put("message", message).put("type", type).put("code", code);
        if (subcode != null) {
            error.put("error_subcode", subcode);
        }
        if (isTransient) {
            error.put("is_transient", true);
        }
        error.put("fbtrace_id", random(11));
        return envelope;
    }

    private static String digits(int length) {
        StringBuilder digits = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            digits.append(RANDOM.nextInt(10));
        }
        return digits.toString();
    }

    private static String random(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ID_CHARACTERS.charAt(RANDOM.nextInt(ID_CHARACTERS.length())));
        }
        return id.toString();
    }

    /** A call Meta would refuse before looking at the recipient: the answer travels in the exception. */
    private static final class Refusal extends Exception {
        private final int status;
        private final transient ObjectNode envelope;

        Refusal(int status, int code, Integer subcode, String type, String message) {
            super(message, null, false, false);
            this.status = status;
            this.envelope = error(code, subcode, type, message, false);
        }
    }
}
