package org.igdm.gateway.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.igdm.gateway.Json;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.delivery.OutcomeRecord;
import org.igdm.gateway.observe.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of dropped files: the file source opens one per file, every row's outcome is fed to it once its
 * record is in the sent or the failed sink (a refused row's at once, a delivered one's when the delivery wrote it),
 * and once every row has its outcome the result file is written ({@link ResultFile}), once. {@link BatchRoutes}
 * feeds the outcomes and drives the result files, the progress lines and the pending-rows metric.
 */
public final class Batches {

    public static final String BEAN = "batches";
    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);
    /**
     * An instance that claimed a result file and did not record it within this long is taken to have died while
     * writing it: another instance (or it, restarted) writes it then. Far longer than writing a million rows takes.
     */
    static final Duration RESULT_CLAIM_TIMEOUT = Duration.ofMinutes(5);

    private final BatchStore store;
    private final Path results;
    private final Duration listed;
    private final GatewayMetrics metrics;
    /** The counts of the last progress line of each batch, so that a batch that did not move is not logged again. */
    private final Map<String, String> lastProgress = new HashMap<>();

    public Batches(BatchStore store, Path results, Duration listed, GatewayMetrics metrics) {
        this.store = store;
        this.results = results;
        this.listed = listed;
        this.metrics = metrics;
    }

    /** Binds the batches on the store: result files under {@code gateway.outbox}/results. */
    public static void wire(CamelContext context, DataSource store, GatewayMetrics metrics) {
        var properties = context.getPropertiesComponent();
        Path results = Path.of(properties.resolveProperty("gateway.outbox").orElseThrow(), "results");
        Duration listed = Duration.ofDays(Integer.parseInt(properties.resolveProperty("gateway.batch.list-days").orElseThrow()));
        context.getRegistry().bind(BEAN, new Batches(new BatchStore(store), results, listed, metrics));
    }

    public static Batches of(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(BEAN, Batches.class);
    }

    /**
     * A new batch for a file taken now: named by the file's content and the time it was taken, so that the same
     * file dropped again is a batch of its own.
     */
    public static String newId(String fingerprint, Instant taken) {
        return fingerprint + "-" + ID_TIME.format(taken);
    }

    /** Opens a file's batch (again, for a file taken anew after a crash: what was recorded stays). */
    public void open(String id, String fileName, String fingerprint, long rows) throws Exception {
        store.open(id, fileName, fingerprint, rows, Instant.now());
        LOG.info("batch {} ({}): {} rows", id, fileName, rows);
    }

    public void queued(String id, long queued) throws Exception {
        store.queued(id, queued);
    }

    private void record(BatchRow at, OutcomeRecord record) throws Exception {
        BatchStore.Recorded recorded = store.record(at.batchId(), BatchOutcome.of(at.row(), record), Instant.now());
        if (recorded == BatchStore.Recorded.UNKNOWN) {
            LOG.warn("an outcome names row {} of batch {}, which the store does not know: not counted", at.row(), at.batchId());
        } else if (recorded == BatchStore.Recorded.FINISHED) {
            LOG.info("batch {}: every row has its outcome", at.batchId());
        }
    }

    /**
     * Feeds the outcome of a batch row to its batch once its record is in a sink (the delivery hands every record
     * to {@link BatchRoutes}; the file source its refused rows'). The record is the one the exchange wrote, or, for a
     * replay that writes the first sent record again, that one (the body). Other requests are no batch's.
     */
    public void recordWritten(Exchange exchange) throws Exception {
        BatchRow at = exchange.getProperty(BatchRow.PROPERTY, BatchRow.class);
        if (at == null) {
            return;
        }
        OutcomeRecord record = exchange.getProperty(DeliveryKeys.RECORD, OutcomeRecord.class);
        record(at, record != null ? record : firstRecord(exchange.getMessage().getBody(String.class)));
    }

    private static OutcomeRecord firstRecord(String body) throws Exception {
        JsonNode record = Json.MAPPER.readTree(body);
        Class<? extends OutcomeRecord> kind = "sent".equals(record.path("status").asText())
                ? OutcomeRecord.Sent.class : OutcomeRecord.Failed.class;
        return Json.MAPPER.treeToValue(record, kind);
    }

    public Optional<Batch> find(String id) throws Exception {
        return store.find(id);
    }

    /** The batches of the last {@code gateway.batch.list-days}, the latest first. */
    public List<Batch> recent() throws Exception {
        return store.startedSince(Instant.now().minus(listed));
    }

    /** Writes the result file of every finished batch that has none yet (and that no other instance is writing). */
    public void writeResultFiles() throws Exception {
        for (Batch batch : store.awaitingResultFile()) {
            Instant now = Instant.now();
            if (store.claimResultFile(batch.id(), now, now.minus(RESULT_CLAIM_TIMEOUT))) {
                Path file = ResultFile.write(results, batch, store);
                store.resultFileWritten(batch.id(), file.toString());
                LOG.info("batch {} ({}) finished: {} rows, {} sent, {} failed; results in {}", batch.id(), batch.fileName(),
                        batch.rows(), batch.sent(), batch.failed(), file);
            }
        }
    }

    /** A progress line for each batch that moved since the last one, and the rows pending per batch as a metric. */
    public void reportProgress() throws Exception {
        List<Batch> unfinished = store.unfinished();
        Map<String, Long> pending = new HashMap<>();
        Map<String, String> progress = new HashMap<>();
        for (Batch batch : unfinished) {
            pending.put(batch.id(), batch.pending());
            progress.put(batch.id(), batch.progress());
            if (!batch.progress().equals(lastProgress.get(batch.id()))) {
                LOG.info("{}", batch.progress());
            }
        }
        lastProgress.clear();
        lastProgress.putAll(progress);
        metrics.pendingBatchRows(pending);
    }
}
