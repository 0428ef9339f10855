package org.igdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
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
}
