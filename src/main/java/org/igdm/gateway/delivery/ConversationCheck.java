package org.igdm.gateway.delivery;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.graph.ConversationMessage;
import org.igdm.gateway.graph.GraphApiException;
import org.igdm.gateway.graph.GraphClient;
import org.igdm.gateway.graph.GraphSendResult;
import org.igdm.gateway.graph.OutcomeUnknownException;
import org.igdm.gateway.pacing.GatewayStoppingException;
import org.igdm.gateway.pacing.KindLimits;
import org.igdm.gateway.request.MessageKind;
import org.igdm.gateway.request.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a call whose outcome is unknown by reading the conversation back (Meta's Conversations API) instead of
 * sending again blindly: Meta's message to the recipient, as sent and no older than the call, means it was
 * delivered (the result carries Meta's message id); none means it was not ({@link NotDeliveredException}: sent
 * again as the retry rules allow); a request that the conversation cannot show, a read that fails, or a message like
 * it whose time cannot be read leaves the outcome unknown, with the reason ({@link OutcomeUnknownException#notVerified}).
 *
 * <p>It runs on the delivery's own thread while the request's key stays claimed, so the recipient's next message
 * waits for it. Reads are paced at Meta's limit for the account ({@link KindLimits}). The message ids of this
 * gateway's own latest sends in each conversation ({@link #sent}) are never taken for the call's: the same text sent
 * to the same user a moment before would otherwise pass for a message that never arrived.
 */
public final class ConversationCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationCheck.class);
    /**
     * Meta's {@code created_time} has whole seconds, and Meta's clock is not ours: a message this much older than
     * the call still counts as the call's. A message to the same user with the same text sent within it from
     * elsewhere (another instance, a person) could be taken for this one; this gateway's own are skipped.
     */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(1);

    /** How long after its latest send, and how many, a conversation's sends are remembered: well past the skew margin. */
    private static final Duration RECENT = Duration.ofMinutes(1);
    private static final int RECENT_PER_CONVERSATION = 8;

    private final Accounts accounts;
    private final KindLimits limits;
    private final GraphClient client;
    private final Duration settle;
    /** By account and recipient: the message ids Meta gave this gateway's latest sends to the recipient, newest first. */
    private final Cache<String, Deque<String>> recentSends = CacheBuilder.newBuilder()
            .expireAfterAccess(RECENT).maximumSize(100_000).build();

    /** @param settle how long Meta is given to show a message in the conversation before it is read */
    public ConversationCheck(Accounts accounts, KindLimits limits, GraphClient client, Duration settle) {
        this.accounts = accounts;
        this.limits = limits;
        this.client = client;
        this.settle = settle;
    }

    /** Meta's message for the request, if the conversation shows it; else one of the exceptions above. */
    public GraphSendResult delivered(Account sender, SendRequest request, OutcomeUnknownException unknown) {
        String unverifiable = unverifiable(request);
        if (unverifiable != null) {
            throw unknown.notVerified(unverifiable);
        }
        List<ConversationMessage> thread;
        try {
            Thread.sleep(settle);
            thread = read(accounts.current(sender.name()), request.recipientId());
        } catch (InterruptedException | GatewayStoppingException stopping) {
            // the outcome is still unknown: released to its source, the message would be sent again blindly
            throw unknown.notVerified("the gateway stopped before it could read the conversation back");
        } catch (OutcomeUnknownException noAnswer) {
            throw unknown.notVerified("reading the conversation back got no answer either (" + noAnswer.what() + ")");
        } catch (GraphApiException refused) {
            throw unknown.notVerified("reading the conversation back failed: " + refused.getMessage());
        }
        Instant since = unknown.sentAt().truncatedTo(ChronoUnit.SECONDS).minus(CLOCK_SKEW);
        List<ConversationMessage> alike = thread.stream()
                .filter(message -> sameContent(message, request) && !sentBefore(sender, request, message.id())).toList();
        Optional<ConversationMessage> found = alike.stream()
                .filter(message -> message.createdTime() != null && !message.createdTime().isBefore(since)).findFirst();
        if (found.isEmpty() && alike.stream().anyMatch(message -> message.createdTime() == null)) {
            // it may be the call's message: sending again could deliver it twice
            throw unknown.notVerified("the conversation holds a message like it whose time (created_time) the gateway cannot read");
        }
        if (found.isEmpty()) {
            LOG.warn("the call for account {} to {} broke off and the conversation does not hold the message: sending it again",
                    sender.name(), request.recipientId());
            throw new NotDeliveredException(unknown);
        }
        LOG.info("the call for account {} to {} broke off, but the conversation holds the message as {}: recorded as sent, not sent again",
                sender.name(), request.recipientId(), found.get().id());
        return GraphSendResult.found(found.get(), request.recipientId());
    }

    /** Meta took the request as {@code result}: a later read-back in the conversation must not take it for another. */
    public void sent(Account sender, SendRequest request, GraphSendResult result) {
        if (request.recipientId() == null || result.messageId() == null) {
            return;
        }
        Deque<String> latest = recentSends.asMap().computeIfAbsent(conversation(sender, request), any -> new ArrayDeque<>());
        synchronized (latest) {
            latest.addFirst(result.messageId());
            if (latest.size() > RECENT_PER_CONVERSATION) {
                latest.removeLast();
            }
        }
    }

    private boolean sentBefore(Account sender, SendRequest request, String messageId) {
        Deque<String> latest = recentSends.getIfPresent(conversation(sender, request));
        if (latest == null) {
            return false;
        }
        synchronized (latest) {
            return latest.contains(messageId);
        }
    }

    private static String conversation(Account sender, SendRequest request) {
        return sender.name() + '\n' + request.recipientId();
    }

    /** Why the conversation cannot show whether the request arrived; null when it can. */
    static String unverifiable(SendRequest request) {
        MessageKind kind = MessageKind.of(request);
        if (request.isPrivateReply()) {
            return "a private reply goes to a comment's author, whose conversation the gateway cannot look up";
        }
        return switch (kind) {
            case TEXT, QUICK_REPLIES, IMAGE, VIDEO, AUDIO, FILE -> null;
            case null -> "its kind is unknown";
            default -> "the conversation does not show a " + kind.label().replace('_', ' ') + " as it was sent";
        };
    }

    /** The conversation's messages, in two reads (the conversation, then its messages), each paced. */
    private List<ConversationMessage> read(Account account, String recipientId) throws InterruptedException {
        Optional<String> conversation = paced(account, () -> client.conversationWith(account, recipientId));
        return conversation.isEmpty() ? List.of() : paced(account, () -> client.messagesOf(account, conversation.get()));
    }

    private <T> T paced(Account account, Supplier<T> read) throws InterruptedException {
        limits.awaitRead(account.name());
        try {
            return read.get();
        } finally {
            limits.readEnded(account.name());
        }
    }

    /** From the account to the recipient, with the request's content as far as Meta shows it. */
    private static boolean sameContent(ConversationMessage message, SendRequest request) {
        if (!message.toIds().contains(request.recipientId()) || request.recipientId().equals(message.fromId())) {
            return false;
        }
        return switch (MessageKind.of(request)) {
            case TEXT, QUICK_REPLIES -> message.text().equals(request.messageObject().path("text").asText());
            case IMAGE -> message.text().isEmpty() && message.attachments().contains("image_data");
            case VIDEO -> message.text().isEmpty() && message.attachments().contains("video_data");
            // Meta shows audio and files as a file's address
            case AUDIO, FILE -> message.text().isEmpty() && !message.attachments().isEmpty();
            default -> false;
        };
    }
}
