package org.igdm.gateway.file;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsComponent;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.batch.BatchRow;
import org.igdm.gateway.batch.Batches;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.delivery.FailureCategory;
import org.igdm.gateway.delivery.OutcomeRecorder;

/**
 * The Java side of {@code routes/file-source.camel.yaml}: the route hands it each complete file from the inbox, and
 * moves the file on when it returns. Rows go to their accounts' queues ({@code ig.deliver.<account>}) through the
 * {@code jms} component's connection factory (the broker the rest of the gateway uses); failed records go to the
 * failed sink. Each file is a batch ({@link Batches}); a refused row's outcome is fed to it once its record is written.
 */
public final class FileSource {

    private final BatchIngest ingest;
    private final InterruptedFiles interrupted;

    public FileSource(int chunkSize, int progressIntervalSeconds, String dataFolder) {
        this.ingest = new BatchIngest(chunkSize, Duration.ofSeconds(progressIntervalSeconds));
        this.interrupted = InterruptedFiles.under(dataFolder);
    }

    /**
     * Queues every valid row of the file and records every invalid one.
     *
     * @throws UnreadableFileException when the file cannot be read as a batch at all; nothing of it was queued
     */
    public void queue(Exchange exchange) throws Exception {
        Path path = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        CamelContext context = exchange.getContext();
        boolean resumed = interrupted.begin(path);
        Batches batches = Batches.of(context);
        Accounts accounts = settings(context).accounts();
        try (ProducerTemplate records = context.createProducerTemplate();
                RowQueue queue = new JmsRowQueue(context.getComponent("jms", JmsComponent.class).getConnectionFactory(), accounts, resumed)) {
            ingest.run(path, name(exchange), ledger(path, batches), queue, (at, source, row) ->
                    batches.recordWritten(writeFailed(records, source, record -> {
                        record.setProperty(BatchRow.PROPERTY, at);
                        record.getMessage().setBody(row.input());
                        OutcomeRecorder.invalid(record, row.request(), row.invalid());
                    })), request -> accounts.resolve(request.account()));
        } catch (UnreadableFileException unreadable) {
            interrupted.end(path);
            throw unreadable;
        }
        interrupted.end(path);
    }

    /** The file's batch: a new one, or the one an interrupted run of the same file opened. */
    private BatchIngest.Ledger ledger(Path path, Batches batches) {
        return new BatchIngest.Ledger() {
            @Override
            public String open(BatchFile file) throws Exception {
                String batch = interrupted.batchOf(path);
                if (batch == null) {
                    batch = Batches.newId(file.fingerprint(), Instant.now());
                    interrupted.remember(path, batch);
                }
                batches.open(batch, file.name(), file.fingerprint(), file.rows());
                return batch;
            }

            @Override
            public void queued(String batch, long queued) throws Exception {
                batches.queued(batch, queued);
            }
        };
    }

    /** Writes the failed record of a file that {@link #queue} found unreadable, saying why. */
    public void recordUnreadable(Exchange exchange) throws Exception {
        Exception why = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        try (ProducerTemplate records = exchange.getContext().createProducerTemplate()) {
            writeFailed(records, "file:" + name(exchange), record -> {
                record.setProperty(Exchange.EXCEPTION_CAUGHT, why);
                OutcomeRecorder.failed(record, FailureCategory.INVALID);
            });
        }
    }

    /** One failed record, in an exchange of its own (not the file's: its file headers must not reach the sink). */
    private static Exchange writeFailed(ProducerTemplate records, String source, Processor recorder) throws Exception {
        CamelContext context = records.getCamelContext();
        String sink = settings(context).failedSink();
        Exchange written = records.send(sink, ExchangePattern.InOnly, record -> {
            record.setProperty(DeliveryKeys.SOURCE, source);
            recorder.process(record);
        });
        if (written.getException() != null) {
            throw written.getException();
        }
        return written;
    }

    private static GatewaySettings settings(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("gatewaySettings", GatewaySettings.class);
    }

    private static String name(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
    }
}
