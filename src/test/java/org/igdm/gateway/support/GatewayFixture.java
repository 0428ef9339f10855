package org.igdm.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.main.MainConfigurationProperties;
import org.igdm.testconfig.ContextCapture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one lifecycle of a test gateway: a fresh folder, WireMock playing Meta on loopback, free ports, and the
 * gateway on them.
 * <ul>
 * <li>As a static {@code @RegisterExtension} field, one gateway serves the whole class; before each test the stub
 * answers success again and the sinks are empty.</li>
 * <li>As an instance field, each test has its own gateway, started before it (or by the test, with
 * {@link #startedByEachTest()}, when its settings differ per test) and stopped after it.</li>
 * <li>With {@link #forCamelMainTest}, camel-test-main-junit5 starts the gateway ({@code @CamelMainTest}, with
 * {@code @TestInstance(PER_CLASS)}): the class passes its {@code @Configure} method's argument to
 * {@link #configure}. The settings are system properties for the class's run, as {@code -D} options are for
 * {@code java -jar}: Camel Main reads some of them (the HTTP port) before any configuration class runs. The
 * folder and the stub outlive the Camel context, which the test framework closes after the class.</li>
 * </ul>
 */
public final class GatewayFixture implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private enum Start { BEFORE, BY_THE_TEST, BY_CAMEL_MAIN_TEST }

    private final Consumer<Map<String, String>> classSettings;
    private final Start start;
    private boolean perClass;
    private Path home;
    private GraphStub meta;
    private Map<String, String> settings;
    private RunningGateway gateway;
    private long logMark;

    private GatewayFixture(Consumer<Map<String, String>> classSettings, Start start) {
        this.classSettings = classSettings;
        this.start = start;
    }

    /** A gateway with {@link RunningGateway#defaults}. */
    public static GatewayFixture withDefaults() {
        return withSettings(settings -> { });
    }

    /** A gateway with {@link RunningGateway#defaults}, changed as the test class needs. */
    public static GatewayFixture withSettings(Consumer<Map<String, String>> settingsChange) {
        return new GatewayFixture(settingsChange, Start.BEFORE);
    }

    /** The folder and the stub only: each test starts its gateway with {@link #start(Consumer)}. */
    public static GatewayFixture startedByEachTest() {
        return new GatewayFixture(settings -> { }, Start.BY_THE_TEST);
    }

    /** The folder, the stub and the settings for a gateway that {@code @CamelMainTest} starts. */
    public static GatewayFixture forCamelMainTest(Consumer<Map<String, String>> settingsChange) {
        return new GatewayFixture(settingsChange, Start.BY_CAMEL_MAIN_TEST);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        open();
        if (start == Start.BY_CAMEL_MAIN_TEST) {
            settings.forEach(System::setProperty);
            // closed after the Camel context, which camel-test-main-junit5 keeps in the same store, added later
            context.getStore(ExtensionContext.Namespace.create(GatewayFixture.class)).put("folder-and-stub",
                    (ExtensionContext.Store.CloseableResource) this::close);
        } else {
            startGateway();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (perClass) {
            meta.reset();
            RunningGateway.deleteRecursively(home.resolve("outbox"));
        } else {
            open();
            if (start == Start.BEFORE) {
                startGateway();
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (start != Start.BY_CAMEL_MAIN_TEST) {
            close();
        }
    }

    /** Starts this test's gateway with the settings changed as it needs ({@link #startedByEachTest()}). */
    public RunningGateway start(Consumer<Map<String, String>> settingsChange) throws Exception {
        settingsChange.accept(settings);
        startGateway();
        return gateway;
    }

    /** Starts the gateway again on the same folders and settings, once the test has stopped it. */
    public RunningGateway startAgain() throws Exception {
        startGateway();
        return gateway;
    }

    /** For {@code @CamelMainTest}: learns the gateway's context as it is configured. */
    public void configure(MainConfigurationProperties main) {
        main.addConfiguration(new ContextCapture(context -> gateway = RunningGateway.startedByCamelMainTest(context, home)));
    }

    private void open() throws Exception {
        logMark = TestLog.mark();
        home = Files.createTempDirectory("ig-dm-gateway-test");
        meta = new GraphStub();
        settings = RunningGateway.defaults(home, meta.url());
        classSettings.accept(settings);
    }

    private void startGateway() throws Exception {
        gateway = RunningGateway.start(home, settings);
    }

    private void close() throws Exception {
        if (start == Start.BY_CAMEL_MAIN_TEST) {
            settings.keySet().forEach(System::clearProperty);
        }
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        meta.close();
        RunningGateway.deleteRecursively(home);
    }

    public GraphStub meta() {
        return meta;
    }

    public RunningGateway gateway() {
        return gateway;
    }

    public GatewayHttp http() {
        return gateway.http();
    }

    public Path home() {
        return home;
    }

    /** The settings the gateway runs with (its ports included). */
    public Map<String, String> settings() {
        return settings;
    }

    public int jmsPort() {
        return Integer.parseInt(settings.get("gateway.jms.port"));
    }

    /** What was logged since this fixture's gateway began to start. */
    public String log() {
        return TestLog.since(logMark);
    }

    /** The records in the gateway's default file sinks. */
    public RunningGateway.Sinks sinks() {
        return new RunningGateway.Sinks(home);
    }
}
