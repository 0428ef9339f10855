package org.igdm.gateway.observe;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Part of /observe/health: names this instance ({@code gateway.instance}), so that a probe behind a load
 * balancer says which gateway of a cluster answered; and DOWN when the store does not answer.
 */
public final class InstanceHealthCheck extends AbstractHealthCheck {

    public static final String BEAN = "instanceHealthCheck";
    private final String instance;
    private final DataSource store;

    public InstanceHealthCheck(String instance, DataSource store) {
        super("gateway", "instance");
        this.instance = instance;
        this.store = store;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("instance", instance);
        try (Connection connection = store.getConnection()) {
            if (connection.isValid(2)) {
                builder.message("instance " + instance).up();
                return;
            }
            builder.message("instance " + instance + ": the store does not answer").down();
        } catch (SQLException e) {
            builder.message("instance " + instance + ": the store does not answer: " + e.getMessage()).down();
        }
    }
}
