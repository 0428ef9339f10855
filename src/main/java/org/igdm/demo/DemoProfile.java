package org.igdm.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.PropertiesComponent;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.graph.GraphEndpoints;
import org.igdm.gateway.webhook.WebhookSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo profile's configuration: starts the {@link GraphSandbox}, makes sure the gateway sends to it and nowhere
 * else, drops the sample batches into the inbox and says loudly that no real message is sent. Only
 * application-demo.properties names it ({@code camel.main.configuration-classes}); the gateway's own configuration is
 * named by {@code Application}: without the demo profile there is no sandbox, no port.
 * It runs after the gateway's configuration, whose checked settings it reads.
 */
public final class DemoProfile implements CamelConfiguration {

    public static final String PORT = "gateway.demo.sandbox-port";

    private static final Logger LOG = LoggerFactory.getLogger(DemoProfile.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        GatewaySettings settings = context.getRegistry().findSingleByType(GatewaySettings.class);
        if (settings == null) {
            throw new IllegalStateException("The demo profile runs on top of the gateway: "
                    + "camel.main.configuration-classes must name " + DemoProfile.class.getName()
                    + " only alongside the gateway's own configuration");
        }
        WebhookSettings webhooks = WebhookSettings.from(properties);
        // with the demo's webhook settings, the sandbox also plays users who write, through signed webhooks
        SandboxUsers users = webhooks.enabled()
                ? new SandboxUsers(Integer.parseInt(properties.resolveProperty("gateway.http.port").orElseThrow().strip()), webhooks.appSecret())
                : null;
        GraphSandbox sandbox = new GraphSandbox(port(properties), users);
        // the demo never reaches Meta: a real graph URL (an IG_GRAPH_URL left in the shell, say) stops it
        GraphEndpoints graph = settings.graph();
        if (!sandbox.url().equals(graph.facebookUrl()) || !sandbox.url().equals(graph.instagramUrl())) {
            throw new IllegalStateException("The demo profile sends only to its Graph API sandbox: ig.graph-url and"
                    + " ig.instagram-graph-url must be " + sandbox.url() + ", got " + graph.facebookUrl() + " and "
                    + graph.instagramUrl() + ". Unset IG_GRAPH_URL and IG_INSTAGRAM_GRAPH_URL, or run without the demo profile to go live.");
        }
        context.addService(sandbox, true, true);
        context.getRegistry().bind("graphSandbox", sandbox);
        // the inbox is the file drop source's setting; "inbox" is its default
        Path inbox = Path.of(properties.resolveProperty("gateway.inbox").map(String::strip).orElse("inbox"));
        List<String> dropped = SampleBatches.dropInto(inbox);
        String banner = banner(sandbox, inbox, dropped, users != null);
        LOG.warn(banner);
        // again once everything runs, so that it is the last thing on the screen
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // only once fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                LOG.warn(banner);
            }
        });
    }

    private static int port(PropertiesComponent properties) {
        String value = properties.resolveProperty(PORT).map(String::strip).orElse("");
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException("The gateway cannot start:\n  - " + PORT + " must be a TCP port, got '" + value + "'");
    }

    private static String banner(GraphSandbox sandbox, Path inbox, List<String> dropped, boolean usersWrite) {
        String rule = "=".repeat(100);
        List<String> lines = new ArrayList<>(List.of("", rule,
                "  DEMO PROFILE: NO REAL INSTAGRAM MESSAGE IS SENT. Nothing leaves this machine.",
                "  Meta's Graph API is played by a local sandbox at " + sandbox.url() + " (accounts " + GraphSandbox.USER_ID
                        + " on the Messenger Platform, " + GraphSandbox.INSTAGRAM_USER_ID + " on the Instagram API).",
                "  Sample batches " + (dropped.isEmpty() ? "were already dropped earlier" : "dropped into " + inbox.toAbsolutePath() + ": " + dropped) + ".",
                "  Refused on purpose, by the recipient id's last digits: ...2534022 window closed, ...551 user unavailable,",
                "  ...613 and ...80002 rate-limited once, ...500 Meta down (retried until exhausted); a second private reply",
                "  to one comment is refused by the gateway itself. See README.md and docs/message-kinds.md."));
        if (usersWrite) {
            lines.add("  A user writes to the account (a signed webhook into outbox/received/, and the window opens):");
            lines.add("    curl -X POST " + sandbox.url() + SandboxUsers.PATH + "17841400000000301/messages -d 'Where is my parcel?'");
        }
        lines.add("  To go live: run without the demo profile, with IG_USER_ID and IG_ACCESS_TOKEN set.");
        lines.add(rule);
        return String.join("\n", lines);
    }
}
