package org.igdm.gateway.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.igdm.gateway.Json;
import org.igdm.gateway.batch.Batch;
import org.igdm.gateway.batch.Batches;

/**
 * The progress of dropped files, behind the same API keys as {@code POST /messages} (see openapi.yaml):
 * {@code GET /batches} lists the batches of the last {@code gateway.batch.list-days}, {@code GET /batches/{id}}
 * shows one.
 */
public class BatchEndpoints extends RouteBuilder {

    /** The answer of {@code GET /batches}. */
    record BatchList(@JsonProperty("batches") List<Batch> batches) {
    }

    @Override
    public void configure() {
        onException(Exception.class)
                .handled(true)
                .bean(HttpIngress.BEAN, "problem");

        from("platform-http:/batches?httpMethodRestrict=GET").routeId("http-batches")
                .bean(HttpIngress.BEAN, "admit")
                .process(exchange -> answer(exchange, new BatchList(Batches.of(exchange.getContext()).recent())));

        from("platform-http:/batches/{id}?httpMethodRestrict=GET").routeId("http-batch")
                .process(BatchEndpoints::show);
    }

    private static void show(Exchange exchange) throws Exception {
        String id = exchange.getMessage().getHeader("id", String.class);
        exchange.getContext().getRegistry().lookupByNameAndType(HttpIngress.BEAN, HttpIngress.class).admit(exchange);
        Batch batch = Batches.of(exchange.getContext()).find(id).orElseThrow(() -> new HttpProblemException(
                new Problem("Not Found", 404, "no batch has the id '" + id + "'; GET /batches lists them", null)));
        answer(exchange, batch);
    }

    private static void answer(Exchange exchange, Object body) throws Exception {
        HttpIngress.respond(exchange, 200, HttpIngress.JSON, Json.MAPPER.writeValueAsString(body));
    }
}
