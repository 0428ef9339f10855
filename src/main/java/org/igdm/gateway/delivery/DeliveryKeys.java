package org.igdm.gateway.delivery;

/** Names of the exchange properties and headers that the sources and the delivery core share. */
public final class DeliveryKeys {

    /** Property: the validated {@link org.igdm.gateway.request.SendRequest}. */
    public static final String REQUEST = "igRequest";
    /** Property: the sending {@link org.igdm.gateway.account.Account}, once the request's {@code account} is resolved. */
    public static final String ACCOUNT = "igAccount";
    /** Property: where the request came from, {@code file:<name>#<row>}, {@code http} or {@code jms}; set by each source. */
    public static final String SOURCE = "igSource";
    /** Property: the key a source derives for a request that brings none (a JMS message id, say). */
    public static final String DEFAULT_KEY = "igDefaultKey";
    /**
     * Property, true for queued messages: wait out a rate-limit pause or a Meta outage without spending
     * attempts, and wait for the outcome of another request with the same key that is under way. A caller
     * that waits for the answer itself (HTTP) leaves it unset and gets a prompt failure (a 409 for the key).
     */
    public static final String WAITS_FOR_ACCOUNT = "igWaitsForAccount";
    /**
     * Property, true when the source hands over a request again that it may have handed over before a crash
     * (a JMS redelivery). If its key was sent, the request ends with its first record, not a duplicate one.
     */
    public static final String REPLAY = "igReplay";
    /** Property: how many times the Graph API was called for this request. */
    public static final String ATTEMPTS = "igAttempts";
    /** Property: the {@link java.time.Duration} left of the recipient's messaging window, when the gateway knows it. */
    public static final String WINDOW_REMAINING = "igWindowRemaining";
    /** Property: the {@link org.igdm.gateway.graph.GraphSendResult} of the successful call. */
    public static final String RESULT = "igResult";
    /**
     * Header on the outcome: {@code sent}, {@code failed}, or {@code duplicate} when the key was sent before:
     * the body is then that first sent record (the duplicate record went to the failed sink).
     */
    public static final String OUTCOME = "IgOutcome";
    /**
     * Property: the {@link OutcomeRecord} this exchange wrote to a sink. Unlike the body, it stays the duplicate
     * record when the body becomes the first sent record; a replay that writes nothing leaves it unset.
     */
    public static final String RECORD = "igRecord";
    /** Header on a failed outcome: its {@link FailureCategory}. */
    public static final String FAILURE_CATEGORY = "IgFailureCategory";

    private DeliveryKeys() {
    }
}
