package org.igdm.gateway.support;

import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.igdm.gateway.Application;

/**
 * The gateway as its own operating-system process: started from the test classes, with {@code java -jar}, or with
 * the distribution's start script, so that a test can kill it the hard way (SIGKILL) or the polite way (SIGTERM) and
 * start it again on the same folders, and the benchmark can read its startup time, memory and CPU. Ready means the
 * broker accepts connections and {@code /observe/health} says UP.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** A boot takes seconds on a quiet machine and above a minute on two cores shared by a dozen builds. */
    private static final Duration READY_WITHIN = Duration.ofMinutes(3);

    private final Process process;
    private final Path log;
    private final Duration startup;

    private GatewayProcess(Process process, Path log, Duration startup) {
        this.process = process;
        this.log = log;
        this.startup = startup;
    }

    /**
     * Starts the gateway from the test classes in the current folder, with these settings, and waits until it is
     * ready (its embedded broker's port, if it runs one, and its health).
     */
    public static GatewayProcess start(Path home, Map<String, String> settings, String logName) throws IOException, InterruptedException {
        return start(home, settings, logName, List.of("-Xmx512m"));
    }

    /** The same, with these JVM options (a tighter heap cap, say) instead of {@code -Xmx512m}. */
    public static GatewayProcess start(Path home, Map<String, String> settings, String logName, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.addAll(systemProperties(settings));
        // as the jar's manifest does for java -jar: RocksDB loads its native library without a warning
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Application.class.getName()));
        return start(new ProcessBuilder(command), home.resolve(logName), settings);
    }

    /**
     * Starts the gateway with any command ({@code java -jar}, the start script) whose settings are {@code settings}
     * (their ports tell when it is ready); its output goes to {@code log}.
     */
    public static GatewayProcess start(ProcessBuilder command, Path log, Map<String, String> settings) throws IOException, InterruptedException {
        // with an external broker there is no embedded one to wait for: health then says when the routes run
        boolean embeddedBroker = !settings.containsKey("gateway.jms.broker-url");
        int jmsPort = embeddedBroker ? Integer.parseInt(settings.get("gateway.jms.port")) : 0;
        int httpPort = Integer.parseInt(settings.get("gateway.http.port"));
        long startedAt = System.nanoTime();
        Process process = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayProcess gateway = new GatewayProcess(process, log, Duration.ZERO);
        long deadline = startedAt + READY_WITHIN.toNanos();
        while (!((!embeddedBroker || accepts(jmsPort)) && healthUp(httpPort))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway process exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                gateway.kill();
                throw new IllegalStateException("the gateway was not ready within " + READY_WITHIN + "; see " + log);
            }
            Thread.sleep(5);
        }
        return new GatewayProcess(process, log, Duration.ofNanos(System.nanoTime() - startedAt));
    }

    /** The JDK the tests run on: the project's. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Settings as {@code -Dkey=value} options, which win over every settings file. */
    public static List<String> systemProperties(Map<String, String> settings) {
        return settings.entrySet().stream().map(setting -> "-D" + setting.getKey() + "=" + setting.getValue()).toList();
    }

    /** From the start of the process until it was ready. */
    public Duration startup() {
        return startup;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    /** False once the process has ended (an OutOfMemoryError with -XX:+ExitOnOutOfMemoryError, say). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed by the gateway. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGTERM: the graceful shutdown an operator or a service manager asks for. Returns the exit code, which the JVM
     * gives as 143 (128 + 15) even when its shutdown hooks completed.
     */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            kill();
            throw new IllegalStateException("the gateway did not stop within 90 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
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
            HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("UP");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
