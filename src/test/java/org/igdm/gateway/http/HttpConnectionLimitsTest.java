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

/** The HTTP port's connections: idle ones are closed, and past the cap new ones are refused without starving the open ones. */
class HttpConnectionLimitsTest {

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
        assertThat(exchange(keptAlive)).startsWith("HTTP/1.1 404");
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
    void pastTheCapANewConnectionIsClosedUnservedWhileTheOpenOnesKeepWorking() throws Exception {
        GatewayHttp http = start(Map.of("gateway.http.max-connections", "5"));
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket socket = connect();
            assertThat(exchange(socket)).startsWith("HTTP/1.1 404");
            open.add(socket);
        }

        Socket sixth = connect();
        assertThat(exchangeOrNothing(sixth)).as("the sixth connection gets no answer").isEmpty();
        for (Socket socket : open) {
            assertThat(exchange(socket)).startsWith("HTTP/1.1 404");
        }

        for (Socket socket : open) {
            socket.close();
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> http.get("/observe/health").statusCode() == 200);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(15_000);
        sockets.add(socket);
        return socket;
    }

    /** One keep-alive GET of a path nothing serves (Vert.x answers 404 with a length): the answer's head and body. */
    private static String exchange(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
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
