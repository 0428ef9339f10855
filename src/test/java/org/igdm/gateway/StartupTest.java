package org.igdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.Processor;
import org.apache.camel.processor.ConcurrentRequestsThrottler;
import org.igdm.gateway.support.GatewayHttp;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupTest {

    @TempDir
    Path home;

    @Test
    void refusesToStartWithoutAccountAndToken() {
        Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:9");
        settings.put("ig.user-id", "");
        settings.put("ig.access-token", " ");

        assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The gateway cannot start")
                .hasMessageContaining("no sending account is configured")
                .hasMessageContaining("set ig.user-id and ig.access-token")
                .hasMessageContaining("IG_ACCESS_TOKEN");
    }

    @Test
    void explainsAMalformedSetting() {
        Map<String, String> settings = RunningGateway.defaults(home, "graph.facebook.com");
        settings.put("gateway.retry.max-attempts", "zero");

        assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ig.graph-url must start with https://")
                .hasMessageContaining("gateway.retry.max-attempts must be a whole number of at least 1, got 'zero'")
                .message().doesNotContain(RunningGateway.TOKEN);
    }

    @Test
    void systemPropertiesOverrideTheSettingsFile() throws Exception {
        try (GraphStub meta = new GraphStub()) {
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            settings.remove("ig.user-id");
            System.setProperty("ig.user-id", RunningGateway.USER_ID);
            try (RunningGateway gateway = RunningGateway.start(home, settings)) {
                gateway.producer().request("direct:deliver", e -> e.getMessage().setBody("{\"recipient_id\":\"1\",\"message\":\"m\"}"));
                assertThat(meta.sends()).hasSize(1);
            } finally {
                System.clearProperty("ig.user-id");
            }
        }
    }

    @Test
    void anEmptySystemPropertyForTheCallersCapsMeansSizedFromThePacesAsInTheSettingsFile() throws Exception {
        try (GraphStub meta = new GraphStub()) {
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            // -Dgateway.http.max-concurrent-sends= (or an empty GATEWAY_HTTP_MAX_CONCURRENT_SENDS): "derive it"
            System.setProperty("gateway.http.max-concurrent-sends", "");
            System.setProperty("gateway.mcp.max-concurrent-calls", "");
            try (RunningGateway gateway = RunningGateway.start(home, settings)) {
                HttpResponse<String> sent = gateway.http().post("/messages", "{\"recipient_id\":\"1\",\"message\":\"m\"}");
                HttpResponse<String> called = gateway.http().send(gateway.http().jsonPost("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,"
                        + "\"method\":\"tools/call\",\"params\":{\"name\":\"ig_send_message\",\"arguments\":"
                        + "{\"recipient_id\":\"2\",\"message\":\"m\"}}}").header("Accept", "application/json, text/event-stream"));

                assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
                assertThat(called.statusCode()).as(called.body()).isEqualTo(200);
                assertThat(GatewayHttp.json(called).path("result").path("isError").asBoolean()).as(called.body()).isFalse();
                assertThat(meta.sends()).hasSize(2);
                // one account at 100 sends/s: what it sends in 5 s
                assertThat(callersCap(gateway, "http-send")).isEqualTo(500);
                assertThat(callersCap(gateway, "mcp")).isEqualTo(500);
            } finally {
                System.clearProperty("gateway.http.max-concurrent-sends");
                System.clearProperty("gateway.mcp.max-concurrent-calls");
            }
        }
    }

    /** The most callers the route's throttle lets wait at once, as it last worked it out. */
    private static int callersCap(RunningGateway gateway, String routeId) {
        List<Processor> throttles = gateway.context().getRoute(routeId).filter("throttle*");
        assertThat(throttles).as("the throttle of " + routeId).hasSize(1);
        return ((ConcurrentRequestsThrottler) throttles.getFirst()).getCurrentMaximumRequests();
    }
}
