package org.igdm.gateway.account;

import java.nio.file.Path;

/**
 * One Instagram professional account the gateway sends for. Immutable: a new token (read from
 * {@code tokenFile}) makes a new {@code Account} in {@link Accounts}, so a call always uses one token throughout.
 *
 * @param name              {@code default} for the single-account keys {@code ig.*}, else {@code <name>} of {@code ig.accounts.<name>.*}
 * @param userId            the Instagram account id in the Send API path
 * @param api               which of Meta's APIs it sends through
 * @param token             its token, never printed
 * @param maxSendsPerSecond its pace
 * @param tokenFile         a file the token is re-read from when it changes, or null
 */
public record Account(String name, String userId, Api api, AccessToken token, double maxSendsPerSecond, Path tokenFile) {

    public Account withToken(AccessToken newToken) {
        return new Account(name, userId, api, newToken, maxSendsPerSecond, tokenFile);
    }

    @Override
    public String toString() {
        return "account " + name + " (" + userId + ", " + api.label() + ")";
    }
}
