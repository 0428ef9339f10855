package org.igdm.demo;

import java.util.Arrays;
import java.util.Optional;

/**
 * Recipients the sandbox refuses the way Meta does, chosen by the last digits of the id, which are the code Meta
 * answers with (or, for a dropped connection, 408 after a digit): so a demo batch shows every path of the gateway,
 * the same way every time.
 * Any other well-formed id is accepted. The README lists these ids.
 */
enum MagicRecipient {

    /** 10/2534022: the user last wrote more than 24 h ago (7 days with HUMAN_AGENT). Rejected, not retried. */
    WINDOW_CLOSED("2534022", 400, 10, 2534022, "IGApiException",
            "This message is sent outside of allowed window.", false, false, Throttle.NONE),
    /** 551/1545041: the person cannot receive messages now. Rejected, not retried. */
    USER_UNAVAILABLE("551", 400, 551, 1545041, "OAuthException",
            "(#551) This person isn't available right now.", false, false, Throttle.NONE),
    /** 613: the account's rate limit, on the first call only: retried after a backoff, then sent. */
    RATE_LIMITED_ONCE("613", 400, 613, null, "OAuthException",
            "(#613) Calls to this api have exceeded the rate limit.", false, true, Throttle.APP),
    /** 80002: the Instagram Business Use Case limit, on the first call only, with a minute to wait: then sent. */
    BUSINESS_LIMITED_ONCE("80002", 400, 80002, null, "OAuthException",
            "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.", false, true,
            Throttle.BUSINESS),
    /** HTTP 500, code 2: Meta is down for this one, every time: retried until the attempts run out. */
    SERVICE_DOWN("500", 500, 2, null, "OAuthException",
            "An unexpected error has occurred. Please retry your request later.", true, false, Throttle.NONE),
    /**
     * The message is delivered, then the connection drops before the answer, every time: the gateway finds it in the
     * conversation and records it as sent, without sending it again.
     */
    DELIVERED_THEN_DROPPED("1408", Drop.AFTER_DELIVERING, false),
    /**
     * The connection drops before the message is delivered, on the first call only: the gateway does not find it in
     * the conversation and sends it once more, which succeeds.
     */
    DROPPED_BEFORE_DELIVERING("2408", Drop.BEFORE_DELIVERING, true);

    /** Which usage header reports the account at 100%. */
    enum Throttle { NONE, APP, BUSINESS }

    /** A call whose connection drops instead of being answered: its outcome is unknown to the gateway. */
    enum Drop { NONE, AFTER_DELIVERING, BEFORE_DELIVERING }

    final String suffix;
    final int status;
    final int code;
    final Integer subcode;
    final String type;
    final String message;
    final boolean isTransient;
    /** Refused on the first call for this recipient (since the sandbox started), accepted after. */
    final boolean firstCallOnly;
    final Throttle throttle;
    final Drop drop;

    MagicRecipient(String suffix, int status, int code, Integer subcode, String type, String message, boolean isTransient,
            boolean firstCallOnly, Throttle throttle) {
        this(suffix, status, code, subcode, type, message, isTransient, firstCallOnly, throttle, Drop.NONE);
    }

    /** A recipient whose calls are not answered at all: the connection drops. */
    MagicRecipient(String suffix, Drop drop, boolean firstCallOnly) {
        this(suffix, 0, 0, null, null, null, false, firstCallOnly, Throttle.NONE, drop);
    }

    MagicRecipient(String suffix, int status, int code, Integer subcode, String type, String message, boolean isTransient,
            boolean firstCallOnly, Throttle throttle, Drop drop) {
        this.drop = drop;
        this.suffix = suffix;
        this.status = status;
        this.code = code;
        this.subcode = subcode;
        this.type = type;
        this.message = message;
        this.isTransient = isTransient;
        this.firstCallOnly = firstCallOnly;
        this.throttle = throttle;
    }

    static Optional<MagicRecipient> of(String recipientId) {
        return Arrays.stream(values()).filter(magic -> recipientId.endsWith(magic.suffix)).findFirst();
    }
}
