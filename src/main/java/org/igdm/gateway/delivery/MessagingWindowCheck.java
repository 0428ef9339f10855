package org.igdm.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.graph.GraphApiException;
import org.igdm.gateway.graph.GraphErrorClassifier;
import org.igdm.gateway.graph.GraphSendResult;
import org.igdm.gateway.observe.GatewayMetrics;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.window.AnsweredComments;
import org.igdm.gateway.window.MessagingWindows;
import org.igdm.gateway.window.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery route's steps around the Graph call for what Meta allows to whom and when.
 * <ul>
 *   <li>The recipient's messaging window, as the window store knows it. With {@code gateway.window.enforce}, a send
 *       Meta would refuse as outside the window ends {@code rejected} without a call, and a HUMAN_AGENT reply inside
 *       the 24 h window goes out as a plain RESPONSE, as Meta advises. Either way the sent record says how much of the
 *       window was left, and a refusal by Meta as outside the window closes it in the store. Without the webhook
 *       endpoint the gateway never hears users write, and this part does nothing.</li>
 *   <li>One private reply per comment: the gateway remembers the comments each account answered, and a second
 *       reply ends {@code rejected} without a call, whatever the settings (Meta would refuse it).</li>
 * </ul>
 */
public final class MessagingWindowCheck {

    public static final String BEAN = "messagingWindowCheck";
    private static final Logger LOG = LoggerFactory.getLogger(MessagingWindowCheck.class);

    private final MessagingWindows windows;
    private final AnsweredComments answered;
    private final boolean heard;
    private final boolean enforce;

    /** @param heard whether the webhook endpoint runs, so that the store learns when users write */
    public MessagingWindowCheck(MessagingWindows windows, AnsweredComments answered, boolean heard, boolean enforce) {
        this.windows = windows;
        this.answered = answered;
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
        if (request.commentId() != null) {
            answered.answeredAt(accountId(exchange), request.commentId()).ifPresent(at -> {
                throw new AlreadyAnsweredException("this comment already has its private reply: Meta allows one per comment;"
                        + " this account answered comment " + request.commentId() + " at " + at + "; not sent to Meta");
            });
        }
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

    /** After Meta accepted the send: a private reply's comment is answered. */
    public void afterSend(Exchange exchange) {
        SendRequest request = exchange.getProperty(DeliveryKeys.REQUEST, SendRequest.class);
        if (request.commentId() != null) {
            String messageId = exchange.getProperty(DeliveryKeys.RESULT, GraphSendResult.class).messageId();
            try {
                answered.answered(accountId(exchange), request.commentId(), messageId, Instant.now());
            } catch (RuntimeException e) {
                // the reply went out: failing here would send it again; Meta refuses a second reply anyway
                LOG.warn("Private reply {} to comment {} sent, but the store could not remember it: {}", messageId,
                        request.commentId(), e.getMessage());
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
