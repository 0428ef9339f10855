package org.igdm.gateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.support.GatewayProcess;
import org.igdm.gateway.support.RunningGateway;

/**
 * The gateway as users run it, {@code java -Xmx256m -jar target/ig-dm-gateway.jar}, with pacing out of the way,
 * Meta replaced by the stub, and its folders fresh under {@code home}.
 */
record BenchGateway(GatewayProcess process, Path home, int jmsPort, int httpPort) implements AutoCloseable {

    static final String USER_ID = "17841400000000001";
    static final String TOKEN = "bench-token-5d1c0e7f2a9b4e66";
    static final String JAR = "target/ig-dm-gateway.jar";

    static BenchGateway start(Path home, String graphUrl, int consumers, List<String> extraJvmArgs) throws Exception {
        Files.createDirectories(home);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ig.graph-url", graphUrl);
        settings.put("ig.user-id", USER_ID);
        settings.put("ig.access-token", TOKEN);
        // pacing out of the way: the benchmark measures the gateway, not Meta's allowance
        settings.put("ig.max-sends-per-second", "1000000");
        settings.put("gateway.jms.consumers", Integer.toString(consumers));
        return start(home, settings, extraJvmArgs);
    }

    /** The gateway with these settings (its ports and folders added), on the jar, with {@code -Xmx256m}. */
    static BenchGateway start(Path home, Map<String, String> given, List<String> extraJvmArgs) throws Exception {
        Files.createDirectories(home);
        Map<String, String> settings = new LinkedHashMap<>(given);
        settings.put("gateway.jms.port", Integer.toString(RunningGateway.freePort()));
        settings.put("gateway.http.port", Integer.toString(RunningGateway.freePort()));
        settings.put("gateway.data", home.resolve("data").toString());
        settings.put("gateway.outbox", home.resolve("outbox").toString());
        settings.put("gateway.inbox", home.resolve("inbox").toString());
        List<String> command = new ArrayList<>(List.of(GatewayProcess.java(), "-Xmx256m"));
        command.addAll(GatewayProcess.systemProperties(settings));
        command.addAll(extraJvmArgs);
        command.addAll(List.of("-jar", JAR));
        GatewayProcess process = GatewayProcess.start(new ProcessBuilder(command), home.resolve("gateway.log"), settings);
        return new BenchGateway(process, home, Integer.parseInt(settings.get("gateway.jms.port")),
                Integer.parseInt(settings.get("gateway.http.port")));
    }

    String messagesUrl() {
        return "http://127.0.0.1:" + httpPort + "/messages";
    }

    Path inbox() {
        return home.resolve("inbox");
    }

    /** Records in the sent sink. */
    long sentRecords() {
        return new RunningGateway.Sinks(home).sentCount();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
