package org.igdm.gateway.graph;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.igdm.gateway.account.Account;

/**
 * Where and how long the Graph client calls Meta.
 *
 * @param facebookUrl    {@code ig.graph-url}, for accounts with {@code api=facebook}
 * @param instagramUrl   {@code ig.instagram-graph-url}, for accounts with {@code api=instagram}
 * @param apiVersion     {@code ig.api-version}
 * @param connectTimeout how long a new connection may take
 * @param callTimeout    how long a whole call may take, the answer's body included: past it the outcome is unknown
 */
public record GraphEndpoints(String facebookUrl, String instagramUrl, String apiVersion, Duration connectTimeout, Duration callTimeout) {

    public GraphEndpoints {
        facebookUrl = stripSlash(facebookUrl);
        instagramUrl = stripSlash(instagramUrl);
    }

    /** The Send API endpoint of the account, on its API's host; the token is never in it. */
    public URI messagesUri(Account account) {
        return URI.create(versioned(account) + "/" + account.userId() + "/messages");
    }

    /**
     * The Conversations API's search for the account's conversation with one user; a Page (Messenger Platform)
     * holds Messenger conversations too, so it is asked for the Instagram ones.
     */
    public URI conversationsUri(Account account, String userId) {
        String platform = switch (account.api()) {
            case FACEBOOK -> "platform=instagram&";
            case INSTAGRAM -> "";
        };
        return URI.create(versioned(account) + "/" + account.userId() + "/conversations?" + platform + "user_id=" + encoded(userId));
    }

    /** One conversation's latest messages, with what tells them apart: who, when, the text and what is attached. */
    public URI conversationMessagesUri(Account account, String conversationId) {
        return URI.create(versioned(account) + "/" + encoded(conversationId) + "?fields="
                + encoded("messages{id,created_time,from,to,message,attachments}"));
    }

    private String versioned(Account account) {
        String base = switch (account.api()) {
            case FACEBOOK -> facebookUrl;
            case INSTAGRAM -> instagramUrl;
        };
        return base + "/" + apiVersion;
    }

    /** Ids come from callers and from Meta: percent-encoded, so that none can reach another path. */
    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
