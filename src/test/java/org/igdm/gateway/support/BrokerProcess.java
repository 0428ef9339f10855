package org.igdm.gateway.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.igdm.gateway.broker.BrokerSettings;
import org.igdm.gateway.broker.EmbeddedBroker;

/**
 * A standalone ActiveMQ Artemis broker in its own process, for gateways that use it as their external broker
 * ({@code gateway.jms.broker-url}): the same broker configuration as the embedded one, in a JVM of its own.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private BrokerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the broker with its journal under {@code directory} and waits until it accepts connections. */
    public static BrokerProcess start(Path directory, String logName) throws IOException {
        int port = RunningGateway.freePort();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(), directory.toString(), String.valueOf(port));
        Process process = new ProcessBuilder(command).directory(new File(".").getAbsoluteFile()).redirectErrorStream(true)
                .redirectOutput(directory.resolveSibling(logName).toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker process exited with " + process.exitValue() + "; see " + logName);
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return new BrokerProcess(process, port);
    }

    /** The URL that gateways and clients connect to. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** The broker process: {@code <journal directory> <port>}; runs until it is stopped. */
    public static void main(String[] args) throws Exception {
        // no users: on loopback, as a test's broker; the gateways connect without credentials
        EmbeddedBroker broker = new EmbeddedBroker(Path.of(args[0]),
                new BrokerSettings(null, null, null, "127.0.0.1", Integer.parseInt(args[1]), Map.of(), null, null));
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop));
        Thread.currentThread().join();
    }
}
