package org.igdm.gateway.window;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The comments an account answered with a private reply, in the store: Meta allows one private reply per comment,
 * so a second is refused by the gateway instead of by Meta.
 */
public final class AnsweredComments {

    private final DataSource store;

    public AnsweredComments(DataSource store) {
        this.store = store;
    }

    /** When the account answered the comment, if it did. */
    public Optional<Instant> answeredAt(String accountId, String commentId) {
        try (Connection connection = store.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT answered_at FROM answered_comments WHERE account_id = ? AND comment_id = ?")) {
            select.setString(1, accountId);
            select.setString(2, commentId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(MessagingWindows.instant(row.getObject(1, OffsetDateTime.class))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not read the answered comments: " + e.getMessage(), e);
        }
    }

    /** Meta accepted a private reply to the comment; the first answer is the one remembered. */
    public void answered(String accountId, String commentId, String messageId, Instant at) {
        try (Connection connection = store.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO answered_comments "
                        + "(account_id, comment_id, message_id, answered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, accountId);
            insert.setString(2, commentId);
            insert.setString(3, messageId);
            insert.setObject(4, MessagingWindows.utc(at));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not record an answered comment: " + e.getMessage(), e);
        }
    }
}
