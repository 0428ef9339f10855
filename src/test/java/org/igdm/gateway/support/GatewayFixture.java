package org.igdm.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One running gateway and its Graph API stub for a whole test class, in a fresh folder; before each test the
 * stub answers success again and the sinks are empty. Register it as a static {@code @RegisterExtension} field.
 */
public final class GatewayFixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final Consumer<Map<String, String>> settingsChange;
    private Path home;
    private GraphStub meta;
    private RunningGateway gateway;
    private long logMark;

    private GatewayFixture(Consumer<Map<String, String>> settingsChange) {
        this.settingsChange = settingsChange;
    }

    /** A gateway with {@link RunningGateway#defaults}. */
    public static GatewayFixture withDefaults() {
        return withSettings(settings -> { });
    }

    /** A gateway with {@link RunningGateway#defaults}, changed as the test class needs. */
    public static GatewayFixture withSettings(Consumer<Map<String, String>> settingsChange) {
        return new GatewayFixture(settingsChange);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        home = Files.createTempDirectory("ig-dm-gateway-test");
        meta = new GraphStub();
        logMark = TestLog.mark();
        Map<String, String> settings = RunningGateway.defaults(home, meta.url());
        settingsChange.accept(settings);
        gateway = RunningGateway.start(home, settings);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        meta.reset();
        gateway.clearSinks();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        gateway.close();
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

    /** What was logged since this class's gateway began to start. */
    public String log() {
        return TestLog.since(logMark);
    }
}
