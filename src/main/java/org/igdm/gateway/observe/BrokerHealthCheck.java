package org.igdm.gateway.observe;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.igdm.gateway.broker.EmbeddedBroker;

/**
 * Part of /observe/health: DOWN when the durable queue cannot take requests, because the embedded broker is
 * not running or the broker (embedded or external) does not accept a connection.
 */
public final class BrokerHealthCheck extends AbstractHealthCheck {

    public static final String BEAN = "brokerHealthCheck";

    public BrokerHealthCheck() {
        super("gateway", "broker");
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        EmbeddedBroker embedded = getCamelContext().getRegistry().findSingleByType(EmbeddedBroker.class);
        if (embedded != null && !embedded.isActive()) {
            builder.down().message("the embedded broker is not running");
            return;
        }
        ConnectionFactory connections = getCamelContext().getComponent("jms", JmsComponent.class)
                .getConfiguration().getConnectionFactory();
        // the gateway's connection factory shares one connection: this opens one only when none is open
        try (Connection connection = connections.createConnection()) {
            builder.up();
        } catch (Exception e) {
            builder.down().message("the broker does not accept a connection: " + e.getMessage()).error(e);
        }
    }
}
