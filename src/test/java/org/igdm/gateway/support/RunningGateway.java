package org.igdm.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.main.Main;
import org.igdm.gateway.Application;
import org.igdm.gateway.Json;
import org.igdm.gateway.broker.ConsumerTrim;
import org.igdm.gateway.broker.DeliveryConsumers;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

/**
 * The real gateway in this JVM, started as {@code java -jar} would start it (same Main, same application.properties,
 * same YAML routes) or by camel-test-main-junit5, with its folders in a fresh temporary directory and Meta replaced
 * by a stub on loopback.
 */
public final class RunningGateway implements AutoCloseable {

    /**
     * Test ports come from here: below the system's ephemeral ports (see {@link #freePort()}), in one of four ranges, a
     * range of its own for each of Surefire's test JVMs (up to four at once) so that two never hand out the same port.
     */
    private static final int LOWEST_PORT = 20_000;
    private static final int PORT_RANGES = 4;
    private static final int PORTS_PER_RANGE = 3_000;
    private static final int FIRST_PORT = LOWEST_PORT + PORTS_PER_RANGE * ((TestJvm.number() - 1) % PORT_RANGES);
    private static final int BELOW_OWN_PORTS = FIRST_PORT + PORTS_PER_RANGE;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    public static final String TOKEN = "test-token-7fbe2c1e9a4d4c0b8e1f";
    public static final String USER_ID = "17841400000000001";

    private final CamelContext context;
    private final Path home;
    private final AutoCloseable stop;

    private RunningGateway(CamelContext context, Path home, AutoCloseable stop) {
        this.context = context;
        this.home = home;
        this.stop = stop;
    }

    /** A gateway that camel-test-main-junit5 started and stops ({@code @CamelMainTest}), with its folders under {@code home}. */
    static RunningGateway startedByCamelMainTest(CamelContext context, Path home) {
        return new RunningGateway(context, home, () -> { });
    }

    /** Settings every test gateway shares: fast retries, folders under {@code home}, Meta at {@code graphUrl}. */
    public static Map<String, String> defaults(Path home, String graphUrl) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ig.graph-url", graphUrl);
        settings.put("ig.user-id", USER_ID);
        settings.put("ig.access-token", TOKEN);
        settings.putAll(foldersAndPorts(home));
        settings.put("gateway.retry.initial-delay-ms", "10");
        settings.put("gateway.retry.max-delay-ms", "50");
        settings.put("gateway.breaker.open-ms", "1000");
        return settings;
    }

    /**
     * Settings of a demo gateway: only its folders under {@code home} and free ports (the sandbox's included);
     * everything else comes from the demo profile, as when a newcomer runs it.
     */
    public static Map<String, String> demoDefaults(Path home) {
        Map<String, String> settings = foldersAndPorts(home);
        settings.put("gateway.demo.sandbox-port", String.valueOf(freePort()));
        return settings;
    }

    private static Map<String, String> foldersAndPorts(Path home) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("gateway.outbox", home.resolve("outbox").toString());
        settings.put("gateway.inbox", home.resolve("inbox").toString());
        settings.put("gateway.data", home.resolve("data").toString());
        settings.put("gateway.jms.port", String.valueOf(freePort()));
        settings.put("gateway.http.port", String.valueOf(freePort()));
        return settings;
    }

    /**
     * A port nobody listens on now, so that test gateways never collide with each other or a running one. Taken below
     * Linux's ephemeral range (32768 and up): a port the system hands out for port 0 may be the local port of the next
     * outgoing connection (a pooled HTTP client's, a database driver's) by the time the gateway binds it. Never the same
     * port twice in one test run, and never one that another test JVM of the run may hand out.
     */
    public static int freePort() {
        while (true) {
            int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, BELOW_OWN_PORTS);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // someone listens there: another one
            }
        }
    }

    public static RunningGateway start(Path home, Map<String, String> settings) throws Exception {
        Main main = Application.create();
        settings.forEach(main::addOverrideProperty);
        main.start();
        return new RunningGateway(main.getCamelContext(), home, main::stop);
    }

    /**
     * Starts the gateway in the demo profile the way {@code -Dcamel.main.profile=demo} does: Camel Main picks the
     * profile up from a system property or the environment, not from an override property.
     */
    public static RunningGateway startDemo(Path home, Map<String, String> settings) throws Exception {
        System.setProperty("camel.main.profile", "demo");
        try {
            return start(home, settings);
        } finally {
            System.clearProperty("camel.main.profile");
        }
    }

    public CamelContext context() {
        return context;
    }

    public ProducerTemplate producer() {
        return context().createProducerTemplate();
    }

    /** Stops every delivery consumer (one route per delivery queue); the messages in flight end first. */
    public void stopDeliveryConsumers() throws Exception {
        for (Route route : deliveryConsumers()) {
            context.getRouteController().stopRoute(route.getRouteId());
        }
    }

    public void startDeliveryConsumers() throws Exception {
        for (Route route : deliveryConsumers()) {
            context.getRouteController().startRoute(route.getRouteId());
        }
    }

    /**
     * Stops the timer that trims the delivery consumers on the machine's CPU load, so that the test sets the load
     * itself through the returned trim ({@link ConsumerTrim#resize(double)}).
     */
    public ConsumerTrim consumerTrimByHand() throws Exception {
        context.getRouteController().stopRoute(DeliveryConsumers.TRIM_ROUTE);
        return context.getRegistry().lookupByNameAndType(ConsumerTrim.BEAN, ConsumerTrim.class);
    }

    /** The listener container of an account's delivery consumers. */
    public DefaultMessageListenerContainer listenerContainer(String account) throws Exception {
        return (DefaultMessageListenerContainer) ((JmsConsumer) context.getRoute(DeliveryConsumers.TEMPLATE + "-" + account)
                .getConsumer()).getListenerContainer();
    }

    private List<Route> deliveryConsumers() {
        List<Route> routes = context.getRoutes().stream().filter(route -> DeliveryConsumers.TEMPLATE.equals(route.getGroup())).toList();
        assertThat(routes).as("delivery consumer routes").isNotEmpty();
        return routes;
    }

    /** Real HTTP calls to this gateway's HTTP source and /observe endpoints. */
    public GatewayHttp http() {
        return new GatewayHttp(Integer.parseInt(context().getPropertiesComponent().resolveProperty("gateway.http.port").orElseThrow()));
    }

    public Path home() {
        return home;
    }

    public List<JsonNode> sent() {
        return new Sinks(home).sent();
    }

    public List<JsonNode> failed() {
        return new Sinks(home).failed();
    }

    public List<JsonNode> received() {
        return new Sinks(home).received();
    }

    /** Empties both sinks, so that a test sees only its own records. */
    public void clearSinks() {
        deleteRecursively(home.resolve("outbox"));
    }

    public static void deleteRecursively(Path path) {
        // a running gateway may write a file meanwhile (a batch's result file, a record): a folder that is not empty
        // when its turn comes is walked again
        for (int attempt = 1; Files.exists(path); attempt++) {
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path each : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    // a file the gateway renames meanwhile (a batch's result file, from .part) is gone already
                    Files.deleteIfExists(each);
                }
            } catch (IOException | UncheckedIOException e) {
                IOException cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
                boolean writtenMeanwhile = cause instanceof java.nio.file.DirectoryNotEmptyException
                        || cause instanceof java.nio.file.NoSuchFileException;
                if (!writtenMeanwhile || attempt == 20) {
                    throw new UncheckedIOException(cause);
                }
            }
        }
    }

    /**
     * The answer to a repeat of a sent key: the first sent record, less {@code rate_limit} and
     * {@code window_remaining_s} (the usage Meta reported and the window of that moment, which the idempotency
     * store does not keep).
     */
    public static JsonNode repeatAnswer(JsonNode sentRecord) {
        com.fasterxml.jackson.databind.node.ObjectNode answer = sentRecord.deepCopy();
        answer.remove("rate_limit");
        answer.remove("window_remaining_s");
        return answer;
    }

    /** Waits until the two sinks together hold {@code count} records. */
    public void awaitOutcomes(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> new Sinks(home).count() >= count);
    }

    /** The default file sinks under {@code home/outbox}, as an operator reads them. */
    public record Sinks(Path home) {

        public List<JsonNode> sent() {
            return records("sent");
        }

        public List<JsonNode> failed() {
            return records("failed");
        }

        /** The webhook events in the received sink. */
        public List<JsonNode> received() {
            return records("received");
        }

        /** Records in both sinks, counted without parsing them. */
        public long count() {
            return lineCount("sent") + lineCount("failed");
        }

        /** Records in the sent sink, counted without reading them into memory (a benchmark's million included). */
        public long sentCount() {
            return lineCount("sent");
        }

        private List<JsonNode> records(String sink) {
            List<JsonNode> records = new ArrayList<>();
            try {
                for (String line : lines(sink)) {
                    records.add(Json.MAPPER.readTree(line));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return records;
        }

        private long lineCount(String sink) {
            long count = 0;
            byte[] buffer = new byte[1 << 16];
            for (Path file : files(sink)) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                        for (int i = 0; i < read; i++) {
                            count += buffer[i] == '\n' ? 1 : 0;
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return count;
        }

        private List<Path> files(String sink) {
            Path folder = home.resolve("outbox").resolve(sink);
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(folder)) {
                return files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * The complete lines: a gateway still running may be appending one, and a reader can see its first bytes
         * before its line break (a record is a whole line; the part seen so far is not yet one).
         */
        private List<String> lines(String sink) {
            List<String> lines = new ArrayList<>();
            try {
                for (Path file : files(sink)) {
                    byte[] bytes = Files.readAllBytes(file);
                    int complete = bytes.length;
                    while (complete > 0 && bytes[complete - 1] != '\n') {
                        complete--;
                    }
                    new String(bytes, 0, complete, StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).forEach(lines::add);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return lines;
        }
    }

    @Override
    public void close() throws Exception {
        stop.close();
    }
}
