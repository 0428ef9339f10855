package org.igdm.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.LegacyJmsClient;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerStartupTest {

    @TempDir
    Path home;

    @Test
    void startupFailsLoudlyWhenTheBrokerPortIsTaken() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = RunningGateway.defaults(home, "http://127.0.0.1:9");
            settings.put("gateway.jms.port", String.valueOf(squatter.getLocalPort()));

            assertThatThrownBy(() -> RunningGateway.start(home, settings).close())
                    .hasStackTraceContaining("The embedded JMS broker could not start on 127.0.0.1:" + squatter.getLocalPort())
                    .hasStackTraceContaining("gateway.jms.port");
        }
    }

    @Test
    void withABrokerUrlTheGatewayUsesThatBrokerAndRunsNoneOfItsOwn() throws Exception {
        int externalPort = RunningGateway.freePort();
        EmbeddedBroker external = new EmbeddedBroker(home.resolve("external-broker"),
                new BrokerSettings(null, null, null, "127.0.0.1", externalPort, Map.of(), null, null));
        external.start();
        try (GraphStub meta = new GraphStub()) {
            Map<String, String> settings = RunningGateway.defaults(home, meta.url());
            settings.put("gateway.jms.broker-url", "tcp://127.0.0.1:" + externalPort);
            try (RunningGateway gateway = RunningGateway.start(home, settings);
                 LegacyJmsClient legacy = new LegacyJmsClient(externalPort)) {
                assertThat(gateway.context().getRegistry().lookupByName("embeddedBroker")).isNull();
                legacy.send(Queues.SEND, "{\"recipient_id\":\"31\",\"message\":\"via the external broker\"}");
                gateway.awaitOutcomes(1);
                assertThat(gateway.sent()).hasSize(1);
                assertThat(meta.sends()).hasSize(1);
                // the embedded broker's port stays free: nothing listens there
                try (ServerSocket free = new ServerSocket(Integer.parseInt(settings.get("gateway.jms.port")), 1,
                        InetAddress.getLoopbackAddress())) {
                    assertThat(free.isBound()).isTrue();
                }
            }
        } finally {
            external.stop();
        }
    }
}
