package org.igdm.gateway.http;

import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * Where Camel serves health ({@code camel.management.health-path}, with its {@code /live} and {@code /ready}) and
 * metrics ({@code camel.metrics.path}) on the HTTP port, as configured: an operator who moves them keeps their probes
 * past the connection cap and the key check on metrics. Null where the endpoint is not served.
 */
record ObservePaths(String health, String metrics) {

    /** The paths of the context's management server and metrics service; call once the context has started. */
    static ObservePaths of(CamelContext context) {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        MicrometerPrometheus prometheus = context.hasService(MicrometerPrometheus.class);
        return new ObservePaths(management == null || !management.isHealthCheckEnabled() ? null : management.getHealthPath(),
                prometheus == null ? null : prometheus.getPath());
    }

    /** Whether a path, as routed, is a health probe's or a metrics scrape's. */
    boolean covers(String path) {
        return health != null && (path.equals(health) || path.startsWith(health + "/")) || path.equals(metrics);
    }
}
