package org.igdm.gateway.pacing;

/**
 * Thrown to a message still waiting for its turn when the gateway stops: the message is not failed, its
 * source keeps it (the JMS transaction rolls back) and it is delivered after the next start.
 */
public class GatewayStoppingException extends RuntimeException {

    public GatewayStoppingException() {
        super("the gateway is stopping; the message stays on its queue for the next start");
    }
}
