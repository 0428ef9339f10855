package org.igdm.gateway.http;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.support.GatewayFixture;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP port's connections: idle ones are closed, and past the cap new ones serve probes only, then are refused
 * without starving the open ones.
 */
class HttpConnectionLimitsTest {

    private static final String KEY = "k-7c41e09b5d2f8a36";

    @RegisterExtension
    final GatewayFixture app = GatewayFixture.startedByEachTest();
    private final List<Socket> sockets = new ArrayList<>();
    private int port;

    private GatewayHttp start(Map<String, String> overrides) throws Exception {
        GatewayHttp http = app.start(settings -> settings.putAll(overrides)).http();
        port = http.port();
        return http;
    }

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void aKeptAliveConnectionAndOneThatNeverSendsAreClosedOnceIdleForTheTimeout() throws Exception {
        start(Map.of("gateway.http.idle-timeout-s", "1"));
        Socket keptAlive = connect();
        assertThat(exchange(keptAlive, "/nothing-here")).startsWith("HTTP/1.1 404");
        Socket silent = connect();

        // the server closes both: the read ends (-1), well before the socket's own 15 s timeout
        assertThat(keptAlive.getInputStream().read()).isEqualTo(-1);
        assertThat(silent.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void aCallerWaitingForMetaLongerThanTheIdleTimeoutIsStillAnswered() throws Exception {
        GatewayHttp http = start(Map.of("gateway.http.idle-timeout-s", "1"));
        app.meta().server().stubFor(post(urlPathEqualTo(GraphStub.PATH)).willReturn(GraphStub.success().withFixedDelay(2_500)));

        assertThat(http.post("/messages", "{\"recipient_id\":\"42\",\"message\":\"worth the wait\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void pastTheCapAProbeIsStillServedAndAnyOtherRequestIsAnswered503AndClosed() throws Exception {
        start(Map.of("gateway.http.max-connections", "5"));
        List<Socket> open = openServed(5);

        Socket probe = connect();
        assertThat(exchange(probe, "/observe/health/live")).startsWith("HTTP/1.1 200").contains("UP");
        assertThat(exchange(probe, "/observe/health/live")).as("kept alive for the next probe").startsWith("HTTP/1.1 200");
        Socket caller = connect();
        String answer = exchange(caller, "/nothing-here");
        assertThat(answer).startsWith("HTTP/1.1 503").contains("Retry-After: 1").contains("application/problem+json")
                .contains("as many connections open as gateway.http.max-connections allows (5)");
        assertThat(caller.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
        assertThat(exchange(connect(), "/observe/../nothing-here")).as("the path as routed counts, not as written")
                .startsWith("HTTP/1.1 503");
        for (Socket socket : open) {
            assertThat(exchange(socket, "/nothing-here")).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void pastTheCapHealthAndMetricsAreServedWhereTheOperatorMovedThemAndMetricsStillNeedAKey() throws Exception {
        start(Map.of("gateway.http.max-connections", "5", "camel.management.health-path", "/ops/health",
                "camel.metrics.path", "/ops/metrics", "gateway.http.api-keys", KEY));
        openServed(5);

        Socket probe = connect();
        assertThat(exchange(probe, "/ops/health/ready")).startsWith("HTTP/1.1 200").contains("UP");
        assertThat(exchange(probe, "/ops/metrics")).as("the key check follows the metrics").startsWith("HTTP/1.1 401");
        assertThat(exchange(probe, "/ops/metrics", "Authorization: Bearer " + KEY)).startsWith("HTTP/1.1 200")
                .contains("camel_exchanges_total");
        assertThat(exchange(connect(), "/observe/health/live")).as("no longer a probe's path").startsWith("HTTP/1.1 503");
    }

    @Test
    void pastTheCapAndItsReserveForProbesANewConnectionIsClosedUnservedWhileTheOpenOnesKeepWorking() throws Exception {
        GatewayHttp http = start(Map.of("gateway.http.max-connections", "5"));
        List<Socket> open = openServed(5);
        List<Socket> probes = new ArrayList<>();
        for (int i = 0; i < ConnectionLimits.PROBE_RESERVE; i++) {
            Socket probe = connect();
            assertThat(exchange(probe, "/observe/health/live")).startsWith("HTTP/1.1 200");
            probes.add(probe);
        }

        Socket onceMore = connect();
        assertThat(exchangeOrNothing(onceMore)).as("the connection past the cap and the reserve gets no answer").isEmpty();
        for (Socket socket : open) {
            assertThat(exchange(socket, "/nothing-here")).startsWith("HTTP/1.1 404");
        }

        for (Socket socket : open) {
            socket.close();
        }
        for (Socket socket : probes) {
            socket.close();
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> http.get("/messages-not-here").statusCode() == 404);
    }

    /** {@code count} connections, each served once (a path nothing serves: 404) and kept open. */
    private List<Socket> openServed(int count) throws IOException {
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = connect();
            assertThat(exchange(socket, "/nothing-here")).startsWith("HTTP/1.1 404");
            open.add(socket);
        }
        return open;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(15_000);
        sockets.add(socket);
        return socket;
    }

    /** One keep-alive GET of {@code path} (answered with a length), with these header lines: the answer's head and body. */
    private static String exchange(Socket socket, String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        int length = head.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                .mapToInt(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).strip())).findFirst().orElseThrow();
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** What a connection the server closed at once answers: nothing, whether the close comes as an end or a reset. */
    private static String exchangeOrNothing(Socket socket) throws IOException {
        try {
            socket.getOutputStream().write("GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketException reset) {
            return "";
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the connection ended after " + head);
            }
            head.write(next);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
