package org.igdm.gateway.broker;

import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.SendRequest;

/** The queues the gateway owns on its broker, and the marks its own messages carry. */
public final class Queues {

    /**
     * The public queue: legacy JMS applications put their requests here, over any protocol. One intake consumer
     * in the whole cluster reads it (an exclusive queue), so it keeps the order in which producers sent.
     */
    public static final String SEND = "ig.send";
    /**
     * The internal queues the delivery consumers read are this name and one per account below it
     * ({@link #deliveryQueue}): what the intake forwards from {@link #SEND}, and what the gateway's own sources
     * (file rows, HTTP bulk) queue directly. Only the gateway's connections may use them.
     */
    public static final String DELIVER = "ig.deliver";
    /** Where the broker parks a message that could not be processed after its redeliveries. */
    public static final String DEAD_LETTERS = "ig.send.DLQ";
    /** Where the broker moves a message whose JMS expiration passed before it was consumed. */
    public static final String EXPIRED = "ig.expired";
    /** Mark on {@link #DELIVER}: where a queued request came from ({@code file:<name>#<row>}, {@code http}). */
    public static final String SOURCE_PROPERTY = "IgSource";
    /** Message property set to {@link #group}: Artemis delivers one group in order to one consumer at a time. */
    public static final String GROUP_PROPERTY = "JMSXGroupID";
    /**
     * Mark on {@link #DELIVER}, true on a request that its source hands over again after an interruption (a file
     * read anew after a crash): if its key was sent, it ends with that first record instead of a duplicate one.
     */
    public static final String REPLAY_PROPERTY = "IgReplay";
    /** Message property on a row of a dropped file: the id of its batch (the file's batch of outcomes). */
    public static final String BATCH_PROPERTY = "IgBatch";
    /** Message property on a row of a dropped file: its row number in the file (a long). */
    public static final String BATCH_ROW_PROPERTY = "IgBatchRow";

    private Queues() {
    }

    /**
     * The queue a request waits on: its account's own, {@code ig.deliver.<account>}, so that an account whose
     * messages must wait (Meta paused it, or refused its token) holds only its own consumers and never another
     * account's. A request whose account cannot be resolved waits on {@link #DELIVER}, where the delivery answers
     * it as invalid, naming the configured accounts; so do messages queued by a gateway before the queues per account.
     */
    public static String deliveryQueue(Accounts accounts, SendRequest request) {
        try {
            return deliveryQueue(accounts.resolve(request.account()).name());
        } catch (InvalidRequestException unknownAccount) {
            return DELIVER;
        }
    }

    /** The queue of one account's requests ({@link #deliveryQueue(Accounts, SendRequest)}). */
    public static String deliveryQueue(String account) {
        return DELIVER + "." + account;
    }

    /**
     * The JMS group of a request: its account as the request names it and its conversation (the recipient, or the
     * comment a private reply answers), so that one account's messages to one person keep their order while other
     * accounts' messages to the same id do not wait on them. Without an account, the conversation alone, as
     * producers that group by recipient already do.
     */
    public static String group(SendRequest request) {
        return request.account() == null ? request.conversation() : request.account() + "/" + request.conversation();
    }
}
