package org.igdm.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@link GraphApiStub} running in its own JVM: its URL, its send count, its startup time and memory. */
final class StubProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening (\\d+)");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final JavaProcess process;
    private final Duration startup;
    private final int port;

    private StubProcess(JavaProcess process, Duration startup, int port) {
        this.process = process;
        this.startup = startup;
        this.port = port;
    }

    static StubProcess start(Path home, int threads, long delayMillis) throws Exception {
        return start(home, "stub.log", threads, delayMillis, 0);
    }

    /** {@code threads} 0: a virtual thread per request, so that the stub never limits the calls in flight. */
    static StubProcess start(Path home, String logName, int threads, long delayMillis, long jitterMillis) throws Exception {
        return start(home, logName, threads, delayMillis, jitterMillis, List.of());
    }

    /** The same, with Meta refusing the token of one account ({@code refusedUserId}): it answers 190 to its sends. */
    static StubProcess start(Path home, String logName, int threads, long delayMillis, long jitterMillis, String refusedUserId)
            throws Exception {
        return start(home, logName, threads, delayMillis, jitterMillis, List.of(refusedUserId));
    }

    private static StubProcess start(Path home, String logName, int threads, long delayMillis, long jitterMillis,
            List<String> refused) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                // the JDK server writes headers and body apart: without TCP_NODELAY each answer waits out a delayed ACK
                "-Dsun.net.httpserver.nodelay=true",
                // and it closes kept-alive connections past 200 idle ones; a thousand calls in flight keep a thousand
                // (Meta keeps them: a closed one would fail a send whose fate is unknown)
                "-Dsun.net.httpserver.maxIdleConnections=100000", "-cp", System.getProperty("java.class.path"),
                GraphApiStub.class.getName(), "0", Integer.toString(threads), Long.toString(delayMillis), Long.toString(jitterMillis)));
        command.addAll(refused);
        JavaProcess process = JavaProcess.start(command, home.resolve(logName));
        Duration startup = process.awaitReady(() -> LISTENING.matcher(process.logText()).find(), Duration.ofSeconds(30));
        Matcher port = LISTENING.matcher(process.logText());
        port.find();
        return new StubProcess(process, startup, Integer.parseInt(port.group(1)));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Duration startup() {
        return startup;
    }

    JavaProcess process() {
        return process;
    }

    /** How many sends the stub has answered. */
    long count() {
        return Long.parseLong(get("/count").strip());
    }

    /** Per account (user id): the most sends that arrived within one second. */
    Map<String, Integer> peakPerSecond() {
        Map<String, Integer> peaks = new TreeMap<>();
        get("/peak").lines().filter(line -> !line.isBlank()).map(line -> line.split(" "))
                .forEach(fields -> peaks.put(fields[0], Integer.parseInt(fields[1])));
        return peaks;
    }

    private String get(String path) {
        try {
            HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.body();
        } catch (IOException e) {
            throw new IllegalStateException("the stub does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the stub has answered {@code total} sends in all; returns false if it took longer than {@code atMost}. */
    boolean awaitCount(long total, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (count() < total) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
