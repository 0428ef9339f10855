package org.igdm.gateway.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.SendRequest;
import org.junit.jupiter.api.Test;

/** The per-kind limits on a clock that only moves when a caller sleeps: every wait is exact and the test is instant. */
class KindLimitsTest {

    private static final SendRequest VIDEO = RequestJson.parse("{\"recipient_id\":\"1\",\"message\":{\"attachment\":"
            + "{\"type\":\"video\",\"payload\":{\"url\":\"https://e.com/v.mp4\"}}}}");
    private static final SendRequest AUDIO = RequestJson.parse("{\"recipient_id\":\"1\",\"message\":{\"attachment\":"
            + "{\"type\":\"audio\",\"payload\":{\"attachment_id\":\"42\"}}}}");
    private static final SendRequest TEXT = SendRequest.text("1", "hi");
    private static final SendRequest REPLY = RequestJson.parse("{\"comment_id\":\"7\",\"message\":\"thanks\"}");
    private static final SendRequest VIDEO_REPLY = RequestJson.parse("{\"comment_id\":\"8\",\"message\":{\"attachment\":"
            + "{\"type\":\"video\",\"payload\":{\"url\":\"https://e.com/v.mp4\"}}}}");

    private long now = 0;
    private final List<Long> turns = new ArrayList<>();
    private final KindLimits limits = new KindLimits(new KindLimitSettings(10, 3, Duration.ofMillis(50)), () -> now, nanos -> now += nanos);

    private void take(String account, SendRequest request, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            KindLimits.Places places = limits.awaitTurn(account, request);
            turns.add(now);
            limits.requestWritten(places);
            limits.callEnded(places);
        }
    }

    private List<KindLimits.Places> tenVideosStarted() throws InterruptedException {
        List<KindLimits.Places> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(limits.awaitTurn("a", VIDEO));
        }
        return held;
    }

    @Test
    void audioAndVideoShareTenPerSecond() throws Exception {
        take("a", VIDEO, 5);
        take("a", AUDIO, 5);
        assertThat(turns).containsOnly(0L);
        take("a", VIDEO, 1);
        assertThat(turns.get(10)).isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void otherKindsAndOtherAccountsAreNotHeldBack() throws Exception {
        take("a", VIDEO, 10);
        assertThat(limits.waitFor("a", VIDEO)).isEqualTo(Duration.ofSeconds(1));
        assertThat(limits.waitFor("a", TEXT)).isZero();
        assertThat(limits.waitFor("b", VIDEO)).isZero();
        assertThat(limits.waitFor("a", REPLY)).isZero();
        take("a", TEXT, 100);
        assertThat(now).isZero();
    }

    @Test
    void aCallWhoseRequestIsNotWrittenYetHoldsItsPlaceUntilAPeriodAfterItEnded() throws Exception {
        List<KindLimits.Places> held = tenVideosStarted();
        // ten waiting for the account's pace or a connection, none ended: the eleventh waits however long they take
        now += Duration.ofSeconds(5).toNanos();
        assertThat(limits.waitFor("a", VIDEO)).isPositive();
        limits.callEnded(held.get(0));
        assertThat(limits.waitFor("a", VIDEO)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aWrittenCallHoldsItsPlaceUntilAPeriodAfterMetaMustHaveReceivedIt() throws Exception {
        List<KindLimits.Places> held = tenVideosStarted();
        // written 200 ms later (after the account's pace), still in flight at 700 ms: counted until 1.25 s
        now += Duration.ofMillis(200).toNanos();
        held.forEach(limits::requestWritten);
        now += Duration.ofMillis(500).toNanos();
        assertThat(limits.waitFor("a", VIDEO)).isEqualTo(Duration.ofMillis(550));
        now += Duration.ofMillis(550).toNanos();
        assertThat(limits.waitFor("a", VIDEO)).isZero();
    }

    @Test
    void privateRepliesAreCappedPerHour() throws Exception {
        take("a", REPLY, 3);
        assertThat(limits.waitFor("a", REPLY)).isEqualTo(Duration.ofHours(1));
        assertThat(limits.describe(REPLY)).isEqualTo("private replies at most 3 per hour");
        take("a", REPLY, 1);
        assertThat(turns.get(3)).isEqualTo(Duration.ofHours(1).toNanos());
    }

    @Test
    void aPrivateReplyOfAVideoCountsAgainstBothLimits() throws Exception {
        assertThat(KindLimits.of(VIDEO_REPLY)).containsExactly(KindLimits.Limited.PRIVATE_REPLY, KindLimits.Limited.AUDIO_VIDEO);
        assertThat(KindLimits.of(TEXT)).isEmpty();
        take("a", VIDEO_REPLY, 3);
        assertThat(limits.waitFor("a", REPLY)).isEqualTo(Duration.ofHours(1));
        assertThat(limits.describe(VIDEO_REPLY)).isEqualTo("private replies at most 3 per hour, audio and video sends at most 10 per second");
    }

    @Test
    void waitingCallersGiveUpWhenTheGatewayStops() throws Exception {
        take("a", REPLY, 3);
        limits.stop();
        assertThatThrownBy(() -> limits.awaitTurn("a", REPLY)).isInstanceOf(GatewayStoppingException.class);
    }
}
