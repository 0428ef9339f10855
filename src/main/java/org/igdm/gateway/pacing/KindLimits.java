package org.igdm.gateway.pacing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.igdm.gateway.request.MessageKind;
import org.igdm.gateway.request.SendRequest;

/**
 * Meta's per-kind limits, for each account: at most so many audio and video sends in any second, and so many
 * private replies in any hour; and (not a send) at most two reads of a conversation a second. A request of a
 * limited kind takes its place here before it waits for the account's {@link AccountGate}, so it counts against
 * both; the other kinds pass straight through.
 *
 * <p>As in the gate, a call holds its place from its start until a whole period after Meta must have received it
 * ({@link CallWindow}), so Meta never sees more than the limit in one period. Every {@link #awaitTurn} that returns
 * must be followed by one {@link #callEnded} with its places, and {@link #requestWritten} once the request is out.
 * A conversation read does not report its writing: it counts until a period after it ended.
 */
public final class KindLimits {

    /** The kinds Meta limits below the account's pace. */
    public enum Limited {
        AUDIO_VIDEO("audio and video sends", "second", Duration.ofSeconds(1)),
        PRIVATE_REPLY("private replies", "hour", Duration.ofHours(1)),
        /** Not a send: reading a conversation back (Meta's Conversations API), which Meta allows twice a second. */
        CONVERSATION_READS("reads of conversations", "second", Duration.ofSeconds(1));

        private final String what;
        private final String per;
        private final Duration period;

        Limited(String what, String per, Duration period) {
            this.what = what;
            this.per = per;
            this.period = period;
        }
    }

    /** Meta's limit on the Conversations API, per account. */
    private static final int CONVERSATION_READS_PER_SECOND = 2;
    /** How long a waiting caller sleeps at most before it looks again (the gateway may be stopping). */
    private static final long RECHECK_NANOS = 200_000_000L;

    private record Key(String account, Limited limited) {
    }

    private final KindLimitSettings settings;
    private final LongSupplier nanoClock;
    private final AccountGate.Sleeper sleeper;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public KindLimits(KindLimitSettings settings) {
        this(settings, System::nanoTime, nanos -> Thread.sleep(Duration.ofNanos(nanos)));
    }

    KindLimits(KindLimitSettings settings, LongSupplier nanoClock, AccountGate.Sleeper sleeper) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** The limits a request counts against, in the order it takes them: a private reply of a video counts against both. */
    public static List<Limited> of(SendRequest request) {
        List<Limited> limits = new ArrayList<>(2);
        // the hourly limit first: a video waiting for its hour must not hold one of the second's places meanwhile
        if (request.isPrivateReply()) {
            limits.add(Limited.PRIVATE_REPLY);
        }
        if (MessageKind.contentOf(request.message()) instanceof MessageKind content && content.isAudioOrVideo()) {
            limits.add(Limited.AUDIO_VIDEO);
        }
        return limits;
    }

    /** How long the request would wait for its kind's limit now; zero when it may go at once. */
    public Duration waitFor(String account, SendRequest request) {
        long wait = 0;
        for (Limited limited : of(request)) {
            wait = Math.max(wait, window(account, limited).waitNanos());
        }
        return Duration.ofNanos(wait);
    }

    /** The places a request holds in its kinds' windows: none for the kinds Meta does not limit. */
    public static final class Places {
        private final List<Place> held = new ArrayList<>(2);

        private Places() {
        }
    }

    private record Place(Window window, Turn turn) {
    }

    /** Blocks until the request's kind may be sent for the account; returns at once for the kinds Meta does not limit. */
    public Places awaitTurn(String account, SendRequest request) throws InterruptedException {
        Places places = new Places();
        for (Limited limited : of(request)) {
            Window window = window(account, limited);
            try {
                places.held.add(new Place(window, window.awaitTurn()));
            } catch (InterruptedException | RuntimeException e) {
                callEnded(places);
                throw e;
            }
        }
        return places;
    }

    /** The request that holds these places has been written to its connection to Meta. */
    public void requestWritten(Places places) {
        places.held.forEach(place -> place.window.written(place.turn));
    }

    /** The call that {@link #awaitTurn} let through has ended (answered or failed, or never made). */
    public void callEnded(Places places) {
        places.held.forEach(place -> place.window.ended(place.turn));
    }

    /** Blocks until the account may read a conversation; every return is followed by one {@link #readEnded}. */
    public void awaitRead(String account) throws InterruptedException {
        window(account, Limited.CONVERSATION_READS).awaitTurn(); // a read's writing is not reported
    }

    /** The read that {@link #awaitRead} let through has ended. */
    public void readEnded(String account) {
        window(account, Limited.CONVERSATION_READS).readEnded();
    }

    /** Waiting callers give up their turn: the gateway is shutting down and their messages stay queued. */
    public void stop() {
        stopping = true;
    }

    /** Says what the limit is, for a caller who cannot wait for it. */
    public String describe(SendRequest request) {
        return of(request).stream().map(limited -> limited.what + " at most " + limit(limited) + " per " + limited.per)
                .collect(Collectors.joining(", "));
    }

    private int limit(Limited limited) {
        return switch (limited) {
            case AUDIO_VIDEO -> settings.audioVideoPerSecond();
            case PRIVATE_REPLY -> settings.privateRepliesPerHour();
            case CONVERSATION_READS -> CONVERSATION_READS_PER_SECOND;
        };
    }

    private Window window(String account, Limited limited) {
        return windows.computeIfAbsent(new Key(account, limited),
                key -> new Window(limit(limited), new CallWindow(limited.period.toNanos(), settings.arrivalBound().toNanos())));
    }

    /** At most {@code limit} calls of one kind for one account that Meta may count in any period. */
    private final class Window {
        private final int limit;
        private final CallWindow calls;

        Window(int limit, CallWindow calls) {
            this.limit = limit;
            this.calls = calls;
        }

        Turn awaitTurn() throws InterruptedException {
            while (true) {
                long wait;
                synchronized (this) {
                    if (stopping) {
                        throw new GatewayStoppingException();
                    }
                    wait = waitNanos();
                    if (wait == 0) {
                        return calls.started();
                    }
                }
                sleeper.sleep(Math.min(wait, RECHECK_NANOS));
            }
        }

        /** Zero when a call may start now; otherwise how long at least until a place frees. */
        synchronized long waitNanos() {
            return calls.nanosUntilRoom(nanoClock.getAsLong(), limit);
        }

        synchronized void written(Turn turn) {
            calls.written(turn, nanoClock.getAsLong());
        }

        synchronized void ended(Turn turn) {
            calls.ended(turn, nanoClock.getAsLong());
        }

        synchronized void readEnded() {
            calls.ended(nanoClock.getAsLong());
        }
    }
}
