package org.igdm.gateway.batch;

import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteBuilder;
import org.igdm.gateway.delivery.DeliveryRoutes;

/**
 * Feeds each batch row's outcome to its batch, and looks after the batches in the store: writes the result file of
 * each batch that finished (on whichever instance its last row ended, also after a restart), and logs the progress
 * of the batches under way.
 */
public class BatchRoutes extends RouteBuilder {

    @BeanInject
    private Batches batches;

    @Override
    public void configure() {
        // every delivered message passes here: a typed call, not a bean call by name
        from(DeliveryRoutes.RECORDED).routeId("batch-recorded")
                .process(exchange -> batches.recordWritten(exchange));

        from("timer:batch-results?delay={{gateway.batch.poll-ms}}&period={{gateway.batch.poll-ms}}")
                .routeId("batch-results")
                .process(exchange -> batches.writeResultFiles());

        from("timer:batch-progress?period={{gateway.file.progress-interval-s}}000")
                .routeId("batch-progress")
                .process(exchange -> batches.reportProgress());
    }
}
