package org.igdm.gateway.webhook;

import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.igdm.gateway.window.MessagingWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the webhook source: the bean of its YAML route, which exists only with a verify token and an app secret. */
public final class WebhookSource {

    public static final String PATH = "/webhooks/instagram";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSource.class);

    private WebhookSource() {
    }

    public static void configure(CamelContext context, WebhookSettings settings, DataSource store, MessagingWindows windows,
            AccountNames accounts) {
        context.getRegistry().bind(WebhookIngress.BEAN,
                new WebhookIngress(settings, new KeptEvents(store), windows, accounts, context.createProducerTemplate()));
        if (settings.enabled()) {
            LOG.info("Meta's webhooks are taken at {} (events to {}); sends outside the messaging window are {}", PATH,
                    WebhookSettings.RECEIVED_SINK, settings.enforceWindow() ? "refused locally" : "left to Meta");
        } else {
            LOG.info("No webhook endpoint: set {} and {} to receive the users' messages", WebhookSettings.VERIFY_TOKEN, WebhookSettings.APP_SECRET);
        }
    }
}
