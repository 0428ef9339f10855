package org.igdm.gateway.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.support.PostgresServer;
import org.igdm.gateway.support.StoreKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The messaging windows and the answered comments, on the embedded store and on a real PostgreSQL server. */
class WindowStoreTest {

    private static final String ACCOUNT = "17841400000000001";
    private static final Instant T = Instant.parse("2026-11-20T10:15:30.123Z");

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void theLatestMessageCountsAndALateRedeliveryNeverMovesItBack(StoreKind kind) {
        GatewayStore store = kind.start(data);
        MessagingWindows windows = new MessagingWindows(store.dataSource());

        assertThat(windows.window(ACCOUNT, "1")).isEqualTo(Window.UNKNOWN);
        windows.userWrote(ACCOUNT, "1", T);
        windows.userWrote(ACCOUNT, "1", T.plusSeconds(60));
        windows.userWrote(ACCOUNT, "1", T.minusSeconds(3600));

        assertThat(windows.window(ACCOUNT, "1")).isEqualTo(new Window(T.plusSeconds(60), null, false));
        assertThat(windows.window("another account", "1")).isEqualTo(Window.UNKNOWN);
        store.stop();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void metasRefusalClosesTheWindowAndAHumanAgentRefusalStaysUntilTheUserWrites(StoreKind kind) {
        GatewayStore store = kind.start(data);
        MessagingWindows windows = new MessagingWindows(store.dataSource());

        windows.closedByMeta(ACCOUNT, "unknown", T, false);
        assertThat(windows.window(ACCOUNT, "unknown")).isEqualTo(new Window(null, T, false));

        windows.userWrote(ACCOUNT, "2", T);
        windows.closedByMeta(ACCOUNT, "2", T.plus(2, ChronoUnit.DAYS), true);
        windows.closedByMeta(ACCOUNT, "2", T.plus(3, ChronoUnit.DAYS), false);
        assertThat(windows.window(ACCOUNT, "2")).isEqualTo(new Window(T, T.plus(3, ChronoUnit.DAYS), true));

        // the user writes again: a later plain refusal no longer closes the 7-day window
        windows.userWrote(ACCOUNT, "2", T.plus(4, ChronoUnit.DAYS));
        windows.closedByMeta(ACCOUNT, "2", T.plus(6, ChronoUnit.DAYS), false);
        assertThat(windows.window(ACCOUNT, "2")).isEqualTo(new Window(T.plus(4, ChronoUnit.DAYS), T.plus(6, ChronoUnit.DAYS), false));
        store.stop();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aCommentIsAnsweredOnceAndTheFirstAnswerIsRemembered(StoreKind kind) {
        GatewayStore store = kind.start(data);
        AnsweredComments comments = new AnsweredComments(store.dataSource());

        assertThat(comments.answeredAt(ACCOUNT, "17890001")).isEmpty();
        comments.answered(ACCOUNT, "17890001", "mid.first", T);
        comments.answered(ACCOUNT, "17890001", "mid.second", T.plusSeconds(5));

        assertThat(comments.answeredAt(ACCOUNT, "17890001")).contains(T);
        assertThat(comments.answeredAt("another account", "17890001")).isEmpty();
        store.stop();
    }
}
