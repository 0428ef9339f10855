package org.igdm.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.support.PostgresServer;
import org.igdm.gateway.support.StoreKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ids of kept webhook events, on the embedded store and on a real PostgreSQL server. */
class KeptEventsTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path data;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anEventIsKeptOnceAlsoWhenItComesAgainOrTwiceInOneBatch(StoreKind kind) {
        GatewayStore store = kind.start(data);
        KeptEvents kept = new KeptEvents(store.dataSource());
        List<ReceivedEvent> written = new ArrayList<>();

        List<ReceivedEvent> first = kept.keepNew(events("mid.1", "mid.2", "mid.1"), NOW, written::addAll);
        List<ReceivedEvent> again = kept.keepNew(events("mid.2", "mid.3"), NOW, written::addAll);

        assertThat(first).extracting(this::mid).containsExactly("mid.1", "mid.2");
        assertThat(again).extracting(this::mid).containsExactly("mid.3");
        assertThat(written).extracting(this::mid).containsExactly("mid.1", "mid.2", "mid.3");
        store.stop();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void eventsWhoseKeepingFailedAreNotMarkedKept(StoreKind kind) {
        GatewayStore store = kind.start(data);
        KeptEvents kept = new KeptEvents(store.dataSource());

        assertThatThrownBy(() -> kept.keepNew(events("mid.4"), NOW, fresh -> {
            throw new IllegalStateException("the sink is down");
        })).hasMessage("the sink is down");

        assertThat(kept.keepNew(events("mid.4"), NOW, fresh -> { })).extracting(this::mid).containsExactly("mid.4");
        store.stop();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aRedeliveryRacingTheFirstDeliveryWaitsForItAndKeepsNothing(StoreKind kind) throws Exception {
        GatewayStore store = kind.start(data);
        KeptEvents kept = new KeptEvents(store.dataSource());
        CountDownLatch firstIsKeeping = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        CompletableFuture<List<ReceivedEvent>> first = CompletableFuture.supplyAsync(() -> kept.keepNew(events("mid.5"), NOW, fresh -> {
            firstIsKeeping.countDown();
            await(release);
        }));
        assertThat(firstIsKeeping.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<List<ReceivedEvent>> racing = CompletableFuture.supplyAsync(() -> kept.keepNew(events("mid.5"), NOW, fresh -> { }));
        Thread.sleep(200);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(1);
        assertThat(racing.get(10, TimeUnit.SECONDS)).isEmpty();
        store.stop();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void idsPastTheRedeliveryHorizonAreForgotten(StoreKind kind) {
        GatewayStore store = kind.start(data);
        KeptEvents kept = new KeptEvents(store.dataSource());
        kept.keepNew(events("mid.6"), NOW, fresh -> { });

        // a fresh instance purges at its first keep: eight days on, the id is gone
        Instant later = NOW.plus(KeptEvents.HORIZON).plusSeconds(86_400);
        assertThat(new KeptEvents(store.dataSource()).keepNew(events("mid.6"), later, fresh -> { })).hasSize(1);
        store.stop();
    }

    private static List<ReceivedEvent> events(String... mids) {
        List<ReceivedEvent> events = new ArrayList<>();
        for (String mid : mids) {
            String batch = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"42\",\"messaging\":[{\"sender\":{\"id\":\"7\"},"
                    + "\"recipient\":{\"id\":\"42\"},\"timestamp\":1764417600000,\"message\":{\"mid\":\"" + mid + "\",\"text\":\"hi\"}}]}]}";
            events.addAll(WebhookEvents.read(batch.getBytes(StandardCharsets.UTF_8), id -> null, NOW));
        }
        return events;
    }

    private String mid(ReceivedEvent event) {
        return event.event().path("message").path("mid").asText();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
