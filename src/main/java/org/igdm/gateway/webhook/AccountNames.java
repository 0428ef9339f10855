package org.igdm.gateway.webhook;

/** The name of the configured account with an Instagram user id, for the received records; null if none is. */
@FunctionalInterface
public interface AccountNames {

    String nameOf(String accountId);
}
