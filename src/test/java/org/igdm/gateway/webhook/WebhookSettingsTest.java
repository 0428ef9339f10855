package org.igdm.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.igdm.gateway.support.MetaWebhooks;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook settings: both or neither, enforcement only with the webhooks, and no endpoint without them. */
class WebhookSettingsTest {

    @TempDir
    Path home;

    @Test
    void onlyOneOfTokenAndSecretStopsTheStartNamingBoth() {
        assertThatThrownBy(() -> WebhookSettings.from(properties(Map.of(WebhookSettings.APP_SECRET, "s3cret-value"))))
                .hasMessageContaining("set both gateway.webhook.verify-token and gateway.webhook.app-secret")
                .hasMessageContaining("only gateway.webhook.app-secret is set")
                .message().doesNotContain("s3cret-value");
    }

    @Test
    void enforcingTheWindowNeedsTheWebhooksAndABoolean() {
        assertThatThrownBy(() -> WebhookSettings.from(properties(Map.of(WebhookSettings.ENFORCE_WINDOW, "true"))))
                .hasMessageContaining("gateway.window.enforce=true needs the webhook endpoint");
        assertThatThrownBy(() -> WebhookSettings.from(properties(Map.of(WebhookSettings.ENFORCE_WINDOW, "yes"))))
                .hasMessageContaining("gateway.window.enforce must be true or false, got 'yes'");
    }

    @Test
    void theSettingsNeverShowTheSecrets() {
        WebhookSettings settings = WebhookSettings.from(properties(Map.of(WebhookSettings.VERIFY_TOKEN, "verify-value",
                WebhookSettings.APP_SECRET, "s3cret-value", WebhookSettings.ENFORCE_WINDOW, "true")));

        assertThat(settings.enabled()).isTrue();
        assertThat(settings.enforceWindow()).isTrue();
        assertThat(settings.toString()).doesNotContain("verify-value").doesNotContain("s3cret-value");
    }

    @Test
    void withoutTokenAndSecretThereIsNoWebhookEndpoint() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(home, RunningGateway.defaults(home, "http://127.0.0.1:9"))) {
            assertThat(gateway.context().getRoute("webhook-source")).isNull();
            assertThat(gateway.http().post(MetaWebhooks.PATH, MetaWebhooks.batch()).statusCode()).isEqualTo(404);
            assertThat(gateway.http().get(MetaWebhooks.PATH + "?hub.mode=subscribe&hub.challenge=1").statusCode()).isEqualTo(404);
        }
    }

    private static PropertiesComponent properties(Map<String, String> values) {
        Properties properties = new Properties();
        properties.put(WebhookSettings.RECEIVED_SINK, "file:outbox/received");
        properties.putAll(values);
        PropertiesComponent component = new DefaultCamelContext().getPropertiesComponent();
        component.setInitialProperties(properties);
        return component;
    }
}
