package org.igdm.gateway.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The ids of the webhook events already kept, in the store, so that an event Meta delivers again is kept once.
 * Claiming the ids and keeping the events is one transaction: a gateway that fails (or dies) while keeping them
 * keeps none of their ids, and Meta's redelivery brings them again; a redelivery racing the first delivery on
 * another connection waits for it and then finds the ids taken.
 */
public final class KeptEvents {

    /** Meta redelivers for up to 36 h; ids are kept well beyond that. */
    static final Duration HORIZON = Duration.ofDays(7);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final DataSource store;
    private final AtomicReference<Instant> nextPurge = new AtomicReference<>(Instant.EPOCH);

    public KeptEvents(DataSource store) {
        this.store = store;
    }

    /**
     * Hands the events not kept before to {@code keep} and stores their ids once it returned; if it throws, nothing
     * is stored. Returns the events handed over.
     */
    public List<ReceivedEvent> keepNew(List<ReceivedEvent> events, Instant now, Consumer<List<ReceivedEvent>> keep) {
        purgeIfDue(now);
        try (Connection connection = store.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<ReceivedEvent> fresh = claim(connection, events, now);
                keep.accept(fresh);
                connection.commit();
                return fresh;
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not keep the webhook events' ids: " + e.getMessage(), e);
        }
    }

    private static List<ReceivedEvent> claim(Connection connection, List<ReceivedEvent> events, Instant now) throws SQLException {
        List<ReceivedEvent> fresh = new ArrayList<>();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO webhook_events (event_id, kept_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (ReceivedEvent event : events) {
                insert.setString(1, event.eventId());
                insert.setObject(2, now.atOffset(ZoneOffset.UTC));
                if (insert.executeUpdate() == 1) {
                    fresh.add(event);
                }
            }
        }
        return fresh;
    }

    /** Forgets ids past the redelivery horizon, at most once per {@link #PURGE_EVERY}. */
    private void purgeIfDue(Instant now) {
        Instant due = nextPurge.get();
        if (now.isBefore(due) || !nextPurge.compareAndSet(due, now.plus(PURGE_EVERY))) {
            return;
        }
        try (Connection connection = store.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM webhook_events WHERE kept_at < ?")) {
            delete.setObject(1, OffsetDateTime.ofInstant(now.minus(HORIZON), ZoneOffset.UTC));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not purge old webhook event ids: " + e.getMessage(), e);
        }
    }
}
