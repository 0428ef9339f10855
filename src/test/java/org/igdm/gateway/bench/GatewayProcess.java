package org.igdm.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.igdm.gateway.support.RunningGateway;

/**
 * The gateway as users run it, {@code java -Xmx256m -jar target/ig-dm-gateway.jar} from the project root, with
 * pacing out of the way, Meta replaced by the stub, and its folders fresh under {@code home}. Ready means the
 * embedded broker accepts connections and {@code /observe/health} says UP.
 */
final class GatewayProcess implements AutoCloseable {

    static final String USER_ID = "17841400000000001";
    static final String TOKEN = "bench-token-5d1c0e7f2a9b4e66";
    static final String JAR = "target/ig-dm-gateway.jar";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final JavaProcess process;
    private final Path home;
    private final int jmsPort;
    private final int httpPort;
    private final Duration startup;

    private GatewayProcess(JavaProcess process, Path home, int jmsPort, int httpPort, Duration startup) {
        this.process = process;
        this.home = home;
        this.jmsPort = jmsPort;
        this.httpPort = httpPort;
        this.startup = startup;
    }

    static GatewayProcess start(Path home, String graphUrl, int consumers, List<String> extraJvmArgs) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ig.graph-url", graphUrl);
        settings.put("ig.user-id", USER_ID);
        settings.put("ig.access-token", TOKEN);
        // pacing out of the way: the benchmark measures the gateway, not Meta's allowance
        settings.put("ig.max-sends-per-second", "1000000");
        settings.put("gateway.jms.consumers", Integer.toString(consumers));
        return start(home, settings, extraJvmArgs);
    }

    /** With {@code settings} (accounts, Meta's URL) on top of the defaults, fresh folders and free ports. */
    static GatewayProcess start(Path home, Map<String, String> settings, List<String> extraJvmArgs) throws Exception {
        Files.createDirectories(home);
        int jmsPort = RunningGateway.freePort();
        int httpPort = RunningGateway.freePort();
        List<String> args = new ArrayList<>(List.of("-Xmx256m",
                "-Dgateway.jms.port=" + jmsPort,
                "-Dgateway.http.port=" + httpPort,
                "-Dgateway.data=" + home.resolve("data"),
                "-Dgateway.outbox=" + home.resolve("outbox"),
                "-Dgateway.inbox=" + home.resolve("inbox")));
        settings.forEach((key, value) -> args.add("-D" + key + "=" + value));
        args.addAll(extraJvmArgs);
        args.addAll(List.of("-jar", JAR));
        JavaProcess process = JavaProcess.start(args, home.resolve("gateway.log"));
        Duration startup = process.awaitReady(() -> accepts(jmsPort) && healthUp(httpPort), Duration.ofSeconds(180));
        return new GatewayProcess(process, home, jmsPort, httpPort, startup);
    }

    Duration startup() {
        return startup;
    }

    JavaProcess process() {
        return process;
    }

    int jmsPort() {
        return jmsPort;
    }

    String messagesUrl() {
        return "http://127.0.0.1:" + httpPort + "/messages";
    }

    Path inbox() {
        return home.resolve("inbox");
    }

    /** Lines in the sent sink's files, counted without parsing them. */
    long sentRecords() {
        Path folder = home.resolve("outbox").resolve("sent");
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        long lines = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                lines += newlines(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static long newlines(Path file) throws IOException {
        long count = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static boolean healthUp(int port) {
        try {
            HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("UP");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
