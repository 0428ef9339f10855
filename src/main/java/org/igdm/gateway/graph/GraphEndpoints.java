package org.igdm.gateway.graph;

import java.net.URI;
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
        String base = switch (account.api()) {
            case FACEBOOK -> facebookUrl;
            case INSTAGRAM -> instagramUrl;
        };
        return URI.create(base + "/" + apiVersion + "/" + account.userId() + "/messages");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
