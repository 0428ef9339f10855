package org.igdm.gateway;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;

/**
 * The gateway's beans, bound before any route is built. Settings are checked here, so a misconfigured
 * gateway stops at startup with one message listing everything to fix, not at the first send.
 */
public class GatewayConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        GatewaySettings settings = GatewaySettings.from(context.getPropertiesComponent());
        context.getRegistry().bind("gatewaySettings", settings);
    }
}
