package org.igdm.gateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.igdm.gateway.Json;
import org.igdm.gateway.graph.ConversationMessage;

/**
 * Meta's Conversations API on a WireMock stand-in, as Meta answers it to one account's token: the account's
 * conversation with a user ({@code GET /{account}/conversations?user_id=…}, with {@code platform=instagram} on the
 * Messenger Platform) and its messages ({@code GET /{conversation}?fields=messages{…}}). A read with another token,
 * or another user, matches nothing and gets WireMock's 404, a failed read.
 */
public final class MetaConversations {

    private MetaConversations() {
    }

    /**
     * @param prefix   what comes before {@code /v25.0} on the account's API ("" or "/facebook", "/instagram")
     * @param facebook the account sends on the Messenger Platform (which asks for {@code platform=instagram})
     * @param messages the conversation's messages, newest first ({@link #message}); none: no conversation at all
     */
    public static void thread(WireMockServer meta, String prefix, boolean facebook, String accountId, String token, String userId,
            ObjectNode... messages) {
        String conversationId = "t_" + accountId + "_" + userId;
        ObjectNode found = Json.MAPPER.createObjectNode();
        ArrayNode data = found.putArray("data");
        if (messages.length > 0) {
            data.addObject().put("id", conversationId);
        }
        MappingBuilder search = get(urlPathEqualTo(prefix + "/v25.0/" + accountId + "/conversations"))
                .withQueryParam("user_id", equalTo(userId)).withHeader("Authorization", equalTo("Bearer " + token));
        if (facebook) {
            search.withQueryParam("platform", equalTo("instagram"));
        }
        meta.stubFor(search.willReturn(okJson(found.toString())));
        ObjectNode conversation = Json.MAPPER.createObjectNode().put("id", conversationId);
        conversation.putObject("messages").putArray("data").addAll(List.of(messages));
        meta.stubFor(get(urlPathEqualTo(prefix + "/v25.0/" + conversationId))
                .withQueryParam("fields", equalTo("messages{id,created_time,from,to,message,attachments}"))
                .withHeader("Authorization", equalTo("Bearer " + token)).willReturn(okJson(conversation.toString())));
    }

    /** A message of a conversation as Meta shows it. */
    public static ObjectNode message(String id, Instant created, String fromId, String toId, String text) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("id", id)
                .put("created_time", ConversationMessage.META_TIME.format(created.atOffset(ZoneOffset.UTC)))
                .put("message", text);
        message.putObject("from").put("id", fromId);
        message.putObject("to").putArray("data").addObject().put("id", toId);
        return message;
    }

    /**
     * Meta received exactly the two reads of one read-back, in order (the conversation with the user, then its
     * messages), each with the account's token as {@code Authorization: Bearer}; the parameters are {@link #thread}'s.
     */
    public static void assertReadBack(WireMockServer meta, String prefix, boolean facebook, String accountId, String token,
            String userId) {
        List<LoggedRequest> reads = reads(meta);
        assertThat(reads).extracting(LoggedRequest::getUrl).containsExactly(
                prefix + "/v25.0/" + accountId + "/conversations?" + (facebook ? "platform=instagram&" : "") + "user_id=" + userId,
                prefix + "/v25.0/t_" + accountId + "_" + userId
                        + "?fields=messages%7Bid%2Ccreated_time%2Cfrom%2Cto%2Cmessage%2Cattachments%7D");
        assertThat(reads).allSatisfy(read -> assertThat(read.getHeader("Authorization")).isEqualTo("Bearer " + token));
    }

    /** Every read (GET) Meta received, in the order they came. */
    public static List<LoggedRequest> reads(WireMockServer meta) {
        return meta.findAll(getRequestedFor(urlMatching(".*"))).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }
}
