package org.igdm.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.graph.GraphApiException;
import org.igdm.gateway.graph.GraphErrorClassifier;
import org.igdm.gateway.observe.GatewayMetrics;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.window.MessagingWindows;
import org.igdm.gateway.window.Window;

/**
 * The delivery route's step before the Graph call: what the window store knows of the recipient's messaging
 * window. With {@code gateway.window.enforce}, a send Meta would refuse as outside the window ends {@code rejected}
 * without a call, and a HUMAN_AGENT reply inside the 24 h window goes out as a plain RESPONSE, as Meta advises.
 * Either way the sent record says how much of the window was left, and a refusal by Meta as outside the window
 * closes it in the store. Without the webhook endpoint the gateway never hears users write, and the step does nothing.
 */
public final class MessagingWindowCheck {

    public static final String BEAN = "messagingWindowCheck";

    private final MessagingWindows windows;
    private final boolean heard;
    private final boolean enforce;

    /** @param heard whether the webhook endpoint runs, so that the store learns when users write */
    public MessagingWindowCheck(MessagingWindows windows, boolean heard, boolean enforce) {
        this.windows = windows;
        this.heard = heard;
        this.enforce = enforce;
    }

    /** The sending account's Instagram user id: windows are per account. */
    private static String accountId(Exchange exchange) {
        return exchange.getProperty(DeliveryKeys.ACCOUNT, Account.class).userId();
    }

    /** Before the Graph call: throws {@link OutsideWindowException} for a send the window rules out. */
    public void beforeSend(Exchange exchange) {
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        if (!heard || request.recipientId() == null) {
            // a private reply addresses a comment, not a user: it has no messaging window
            return;
        }
        Window window = windows.window(accountId(exchange), request.recipientId());
        switch (window.verdict(Instant.now(), request.humanAgent())) {
            case Window.Verdict.Unknown unknown -> {
                // the gateway never heard from this user: Meta decides
            }
            case Window.Verdict.Open open -> {
                exchange.setProperty(DeliveryKeys.WINDOW_REMAINING, open.remaining());
                if (enforce && request.humanAgent() && open.withinStandard()) {
                    exchange.setProperty(DeliveryKeys.REQUEST, request.withTag(null));
                }
            }
            case Window.Verdict.Closed closed -> {
                if (enforce) {
                    GatewayMetrics.of(exchange).refusedByWindow();
                    throw new OutsideWindowException("outside the messaging window: " + closed.why()
                            + "; not sent to Meta (gateway.window.enforce)");
                }
                exchange.setProperty(DeliveryKeys.WINDOW_REMAINING, Duration.ZERO);
            }
        }
    }

    /** After a refusal: when Meta refused the send as outside the window, the store learns that it is closed. */
    public void afterRefusal(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        if (heard && request.recipientId() != null
                && caught instanceof GraphApiException graph && GraphErrorClassifier.outsideWindow(graph.error())) {
            windows.closedByMeta(accountId(exchange), request.recipientId(), Instant.now(), request.humanAgent());
        }
    }
}
