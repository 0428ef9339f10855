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
import com.fasterxml.jackson.databind.node.TextNode;
import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.account.Api;
import org.igdm.gateway.graph.GraphErrorClassifier;
import org.igdm.gateway.graph.GraphForm;
import org.igdm.gateway.graph.SendApiBody;
import org.igdm.gateway.request.RequestValidator;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.request.Violation;

/**
 * Meta's side of one Send API call, as the demo sandbox plays it, for its accounts on both of Meta's APIs: a form
 * body with {@code access_token} (Messenger Platform, graph.facebook.com) or a JSON body with
 * {@code Authorization: Bearer} (Instagram API with Instagram Login, graph.instagram.com). It checks what Meta
 * checks, in Meta's order (path, token, account, parameters) and answers the first problem with Meta's error
 * envelope (code 100, with subcode 2534015 for invalid message data); a token presented on the other API than its
 * own is refused as Meta refuses it (190). A well-formed call is refused if its recipient is a
 * {@link MagicRecipient}, or if it is a second private reply to one comment (code 10900), else accepted: a message
 * with a new message id, a sender action with the recipient's id alone; a {@link MagicRecipient.Drop} recipient's
 * connection drops instead. The messages taken can be read back as Meta's Conversations API shows them
 * ({@link SandboxConversations}). Every answer carries the usage headers,
 * counted per account. Stricter than Meta in one way: a token anywhere but the form body or the
 * {@code Authorization} header is not seen.
 */
final class SandboxGraphApi {

    /** An account the sandbox knows: its id, its API and its only valid token. */
    record Account(String userId, Api api, AccessToken token) {
    }

    private static final Pattern SEND_PATH = Pattern.compile("/v\\d+\\.\\d+/([^/]+)/messages/?");
    private static final Pattern CONVERSATIONS_PATH = Pattern.compile("/v\\d+\\.\\d+/([^/]+)/conversations/?");
    private static final Pattern CONVERSATION_PATH = Pattern.compile("/v\\d+\\.\\d+/([^/]+)/?");
    private static final String BEARER = "Bearer ";
    private static final Set<String> MESSAGING_TYPES = Set.of(SendApiBody.RESPONSE, "UPDATE", SendApiBody.MESSAGE_TAG);
    private static final Integer INVALID_MESSAGE_DATA = 2534015;
    private static final String ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Account> accounts;
    private final Map<String, SandboxUsage> usage = new ConcurrentHashMap<>();
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    private final SandboxConversations conversations = new SandboxConversations();
    /** Meta allows one private reply per comment. */
    private final Set<String> repliedComments = ConcurrentHashMap.newKeySet();

    SandboxGraphApi(List<Account> accounts) {
        this.accounts = List.copyOf(accounts);
        accounts.forEach(account -> usage.put(account.userId(), new SandboxUsage(account.userId())));
    }

    /**
     * @param query         the query string as it came (still encoded), or null
     * @param authorization the {@code Authorization} header, or null
     * @param body          the request body: a form, or JSON with a Bearer token
     */
    SandboxAnswer answer(String method, String path, String query, String authorization, String body) {
        if ("GET".equals(method) && !SEND_PATH.matcher(path).matches()) {
            return read(path, query, authorization);
        }
        Sent sent;
        try {
            sent = check(method, path, authorization, body);
        } catch (Refusal refusal) {
            return answer(refusal.status, null, MagicRecipient.Throttle.NONE, refusal.envelope);
        }
        SendRequest request = sent.request();
        if (request.isPrivateReply()) {
            if (!repliedComments.add(request.commentId())) {
                return answer(400, sent.account(), MagicRecipient.Throttle.NONE, error(GraphErrorClassifier.ALREADY_REPLIED, null,
                        "OAuthException", "(#10900) Activity already replied to", false));
            }
            // Meta answers with the commenter's id, which only Meta knows: the sandbox makes one up
            return answer(200, sent.account(), MagicRecipient.Throttle.NONE, sent("1784140" + digits(10), newMessageId()));
        }
        MagicRecipient magic = MagicRecipient.of(request.recipientId()).orElse(null);
        if (magic != null && (!magic.firstCallOnly || refusedOnce.add(sent.account().userId() + "/" + request.recipientId()))) {
            switch (magic.drop) {
                case BEFORE_DELIVERING -> {
                    return SandboxAnswer.DROPPED;
                }
                case AFTER_DELIVERING -> {
                    delivered(sent, newMessageId());
                    return SandboxAnswer.DROPPED;
                }
                case NONE -> {
                    return answer(magic.status, sent.account(), magic.throttle,
                            error(magic.code, magic.subcode, magic.type, magic.message, magic.isTransient));
                }
            }
        }
        String messageId = request.senderAction() == null ? newMessageId() : null;
        delivered(sent, messageId);
        return answer(200, sent.account(), MagicRecipient.Throttle.NONE, sent(request.recipientId(), messageId));
    }

    /** A message (not a sender action) the account sent to a user is in their conversation from now on. */
    private void delivered(Sent sent, String messageId) {
        if (sent.request().senderAction() == null) {
            conversations.delivered(sent.account().userId(), sent.request(), messageId);
        }
    }

    /**
     * The Conversations API: {@code GET /{account}/conversations?user_id=…} (a Page's Instagram conversations only
     * with {@code platform=instagram}), then {@code GET /{conversation}?fields=messages{…}}, with the account's token
     * as {@code Authorization: Bearer} on either API.
     */
    private SandboxAnswer read(String path, String query, String authorization) {
        // a query string is encoded as a form is
        Map<String, String> parameters = GraphForm.decode(query);
        Account account = authorization != null && authorization.startsWith(BEARER)
                ? accounts.stream().filter(known -> known.token().matches(authorization.substring(BEARER.length()))).findFirst().orElse(null)
                : null;
        if (account == null) {
            return answer(400, null, MagicRecipient.Throttle.NONE,
                    error(190, null, "OAuthException", "Invalid OAuth access token - Cannot parse access token", false));
        }
        Matcher list = CONVERSATIONS_PATH.matcher(path);
        if (list.matches() && account.userId().equals(list.group(1))) {
            // a Page lists its Messenger conversations unless asked for Instagram's: the sandbox has none of those
            boolean instagram = account.api() == Api.INSTAGRAM || "instagram".equals(parameters.get("platform"));
            return answer(200, account, MagicRecipient.Throttle.NONE, instagram
                    ? conversations.conversationsOf(account.userId(), parameters.get("user_id"))
                    : Json.MAPPER.createObjectNode().set("data", Json.MAPPER.createArrayNode()));
        }
        Matcher conversation = CONVERSATION_PATH.matcher(path);
        ObjectNode messages = conversation.matches() ? conversations.messagesOf(account.userId(), conversation.group(1)) : null;
        if (messages == null) {
            return answer(400, account, MagicRecipient.Throttle.NONE, error(100, 33, "GraphMethodException", "Unsupported get request."
                    + " Object with ID '" + path + "' does not exist, cannot be loaded due to missing permissions, or does not support"
                    + " this operation.", false));
        }
        return answer(200, account, MagicRecipient.Throttle.NONE, messages);
    }

    /** Meta's answer to a send: the recipient, and for a message (not a sender action, whose id is null) its new id. */
    private static ObjectNode sent(String recipientId, String messageId) {
        ObjectNode sent = Json.MAPPER.createObjectNode().put("recipient_id", recipientId);
        return messageId != null ? sent.put("message_id", messageId) : sent;
    }

    private static String newMessageId() {
        return "mid." + random(32);
    }

    private record Sent(Account account, SendRequest request) {
    }

    /** The account and the request the call describes, once path, token, account and parameters pass as they pass at Meta. */
    private Sent check(String method, String path, String authorization, String body) throws Refusal {
        Matcher send = SEND_PATH.matcher(path);
        if (!send.matches()) {
            throw new Refusal(404, 100, null, "OAuthException", "Unknown path components: " + path);
        }
        if (!"POST".equals(method)) {
            throw new Refusal(400, 100, null, "GraphMethodException", "Unsupported " + method.toLowerCase() + " request.");
        }
        boolean bearer = authorization != null && authorization.startsWith(BEARER);
        Api api = bearer ? Api.INSTAGRAM : Api.FACEBOOK;
        ObjectNode fields = bearer ? jsonBody(body) : formFields(body);
        String presented = bearer ? authorization.substring(BEARER.length()) : fields.path(GraphForm.ACCESS_TOKEN).asText(null);
        if (presented == null || presented.isBlank()) {
            throw new Refusal(400, 190, null, "OAuthException",
                    "An active access token must be used to query information about the current user.");
        }
        // a token of the other API is as unknown here as at Meta
        Account account = accounts.stream().filter(known -> known.api() == api && known.token().matches(presented)).findFirst()
                .orElseThrow(() -> new Refusal(400, 190, null, "OAuthException", "Invalid OAuth access token - Cannot parse access token"));
        if (!account.userId().equals(send.group(1))) {
            throw new Refusal(400, 100, 33, "GraphMethodException", "Unsupported post request. Object with ID '" + send.group(1)
                    + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation.");
        }
        return new Sent(account, parameters(fields));
    }

    /** The JSON body of an Instagram API call. */
    private static ObjectNode jsonBody(String body) throws Refusal {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return (ObjectNode) node;
            }
        } catch (Exception notJson) {
            // refused below
        }
        throw invalid(null, "the request body is not a JSON object");
    }

    /** The parameters of a Messenger Platform call, each JSON object parameter read as the object. */
    private static ObjectNode formFields(String body) throws Refusal {
        Map<String, String> form;
        try {
            form = GraphForm.decode(body);
        } catch (IllegalArgumentException malformed) {
            throw invalid(null, "the request body is not a URL-encoded form");
        }
        ObjectNode fields = Json.MAPPER.createObjectNode();
        form.forEach((name, value) -> fields.set(name, jsonObjectOrText(value)));
        return fields;
    }

    private static JsonNode jsonObjectOrText(String value) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (Exception notJson) {
            // a plain string parameter
        }
        return TextNode.valueOf(value);
    }

    /** The request in the parameters, or the 100 error Meta answers for the first bad one. */
    private static SendRequest parameters(ObjectNode fields) throws Refusal {
        JsonNode recipient = objectField(fields, SendApiBody.RECIPIENT, null);
        if (recipient == null || recipient.path("id").isValueNode() == recipient.path("comment_id").isValueNode()) {
            throw invalid(null, "param recipient must be a JSON object with an id or a comment_id, e.g. {\"id\":\"123\"}");
        }
        JsonNode message = objectField(fields, SendApiBody.MESSAGE, INVALID_MESSAGE_DATA);
        JsonNode payload = objectField(fields, SendApiBody.PAYLOAD, null);
        String action = fields.path(SendApiBody.SENDER_ACTION).asText(null);
        String type = fields.path(SendApiBody.MESSAGING_TYPE).asText(null);
        String tag = fields.path(SendApiBody.TAG).asText(null);
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
                tag, null, null);
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

    /** A field that holds a JSON object; null when absent; refused with the subcode when it is not one. */
    private static JsonNode objectField(ObjectNode fields, String name, Integer subcode) throws Refusal {
        JsonNode value = fields.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isObject()) {
            return value;
        }
        throw invalid(subcode, "param " + name + " must be a JSON object");
    }

    private static Refusal invalid(Integer subcode, String reason) {
        return new Refusal(400, 100, subcode, "OAuthException", "(#100) " + reason);
    }

    /** Meta reports usage on every answer; a call refused before its account is known counts on the first account. */
    private SandboxAnswer answer(int status, Account account, MagicRecipient.Throttle throttle, ObjectNode body) {
        SandboxUsage counted = usage.get(account == null ? accounts.get(0).userId() : account.userId());
        Map<String, String> headers = new LinkedHashMap<>(counted.count(System.currentTimeMillis(), throttle));
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
