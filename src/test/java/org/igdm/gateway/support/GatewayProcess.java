package org.igdm.gateway.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.igdm.gateway.Application;

/**
 * The gateway as its own operating-system process, started like {@code java -jar} would start it, so that a
 * test can kill it the hard way (SIGKILL) or the polite way (SIGTERM) and start it again on the same folders.
 */
public final class GatewayProcess implements AutoCloseable {

    private final Process process;

    private GatewayProcess(Process process) {
        this.process = process;
    }

    /** Starts the gateway with these settings and waits until its broker accepts connections. */
    public static GatewayProcess start(Path home, Map<String, String> settings, String logName) throws IOException {
        return start(home, settings, logName, List.of("-Xmx512m"));
    }

    /** The same, with these JVM options (a tighter heap cap, say) instead of {@code -Xmx512m}. */
    public static GatewayProcess start(Path home, Map<String, String> settings, String logName, List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Application.class.getName());
        Process process = new ProcessBuilder(command)
                .directory(new File(".").getAbsoluteFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(logName).toFile())
                .start();
        GatewayProcess gateway = new GatewayProcess(process);
        int port = Integer.parseInt(settings.get("gateway.jms.port"));
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway process exited with " + process.exitValue() + "; see " + logName);
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return gateway;
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

    /** SIGTERM: the graceful shutdown an operator or a service manager asks for. Returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }
}
