package org.igdm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without the demo profile there is no sandbox, and without a token there is no gateway. */
class SandboxOutsideTheDemoTest {

    @TempDir
    Path home;

    @Test
    void withoutTheDemoProfileNothingAnswersOnTheSandboxPort() throws Exception {
        int sandboxPort = RunningGateway.freePort();
        // pointed at where the sandbox would listen: nothing may answer there, and nothing is sent
        Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:" + sandboxPort);
        settings.put("gateway.demo.sandbox-port", String.valueOf(sandboxPort));
        try (RunningGateway gateway = RunningGateway.start(home, settings)) {
            assertThat(gateway.context().getRegistry().lookupByName("graphSandbox")).isNull();
            assertThatThrownBy(() -> connect(sandboxPort)).isInstanceOf(ConnectException.class);

            gateway.producer().request("direct:deliver", e -> e.getMessage().setBody("{\"recipient_id\":\"1\",\"message\":\"m\"}"));
            assertThat(gateway.sent()).isEmpty();
            assertThat(gateway.failed()).singleElement()
                    .satisfies(r -> assertThat(r.path("error").path("category").asText()).isEqualTo("exhausted"));
            // no samples either (the file drop source may have made the inbox folder itself)
            assertThat(home.resolve("inbox/demo-batch.csv")).doesNotExist();
            assertThat(home.resolve("inbox/demo-batch.json")).doesNotExist();
        }
    }

    @Test
    void withoutTheDemoProfileAndWithoutATokenStartupRefuses() {
        Map<String, String> settings = RunningGateway.demoDefaults(home);

        assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                .hasMessageContaining("no sending account is configured")
                .hasMessageContaining("set ig.user-id and ig.access-token");
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }
}
