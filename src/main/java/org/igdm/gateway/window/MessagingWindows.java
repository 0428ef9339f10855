package org.igdm.gateway.window;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * The messaging windows in the store: per account (its Instagram user id) and user, when the user last wrote and
 * whether Meta has since refused a send as outside the window. Shared by every gateway on the same store.
 * Each change is an insert that does nothing on conflict, then an update: the SQL both H2 and PostgreSQL run.
 */
public final class MessagingWindows {

    private final DataSource store;

    public MessagingWindows(DataSource store) {
        this.store = store;
    }

    /** The user wrote at {@code at}; an older message (a late redelivery) never moves the time back. */
    public void userWrote(String accountId, String userId, Instant at) {
        OffsetDateTime time = utc(at);
        try (Connection connection = store.getConnection()) {
            if (insert(connection, "INSERT INTO messaging_windows (account_id, user_id, last_message_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    accountId, userId, time)) {
                return;
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE messaging_windows SET last_message_at = ? "
                    + "WHERE account_id = ? AND user_id = ? AND (last_message_at IS NULL OR last_message_at < ?)")) {
                update.setObject(1, time);
                update.setString(2, accountId);
                update.setString(3, userId);
                update.setObject(4, time);
                update.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not record a user's message: " + e.getMessage(), e);
        }
    }

    /**
     * Meta refused a send to the user as outside the window at {@code at}. A HUMAN_AGENT refusal also closes the
     * 7-day window, and stays so while the user has not written since the earlier refusal.
     */
    public void closedByMeta(String accountId, String userId, Instant at, boolean humanAgent) {
        OffsetDateTime time = utc(at);
        try (Connection connection = store.getConnection()) {
            if (insert(connection, "INSERT INTO messaging_windows (account_id, user_id, closed_at, closed_for_human_agent) "
                    + "VALUES (?, ?, ?, " + humanAgent + ") ON CONFLICT DO NOTHING", accountId, userId, time)) {
                return;
            }
            // the right-hand sides read the row as it was: a HUMAN_AGENT closing not yet reopened by a message is kept
            try (PreparedStatement update = connection.prepareStatement("UPDATE messaging_windows SET closed_at = ?, "
                    + "closed_for_human_agent = (? OR (closed_for_human_agent AND closed_at IS NOT NULL "
                    + "AND (last_message_at IS NULL OR last_message_at < closed_at))) "
                    + "WHERE account_id = ? AND user_id = ?")) {
                update.setObject(1, time);
                update.setBoolean(2, humanAgent);
                update.setString(3, accountId);
                update.setString(4, userId);
                update.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not record a closed window: " + e.getMessage(), e);
        }
    }

    /** What is known of the user's window with the account; {@link Window#UNKNOWN} if nothing. */
    public Window window(String accountId, String userId) {
        try (Connection connection = store.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT last_message_at, closed_at, closed_for_human_agent "
                        + "FROM messaging_windows WHERE account_id = ? AND user_id = ?")) {
            select.setString(1, accountId);
            select.setString(2, userId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Window.UNKNOWN;
                }
                return new Window(instant(row.getObject(1, OffsetDateTime.class)), instant(row.getObject(2, OffsetDateTime.class)),
                        row.getBoolean(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not read a messaging window: " + e.getMessage(), e);
        }
    }

    /** Runs an {@code INSERT ... ON CONFLICT DO NOTHING} of (account, user, time): true if the row is new. */
    private static boolean insert(Connection connection, String sql, String accountId, String userId, OffsetDateTime time)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, accountId);
            insert.setString(2, userId);
            insert.setObject(3, time);
            return insert.executeUpdate() == 1;
        }
    }

    static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
