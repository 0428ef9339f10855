package org.igdm.gateway.idempotency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.camel.support.service.ServiceSupport;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys that were sent, each with its sent record, kept on disk under {@code gateway.data} so that a key is
 * never sent twice, also after a restart. H2's MVStore holds the map: pages load on demand into a bounded
 * cache, so millions of keys cost disk, not heap.
 *
 * <p>Two commits bracket the sent record: {@link #recordSent} the moment Meta confirms the send (before the
 * record is written), {@link #markRecorded} once the record is in the sink (before the source is
 * acknowledged). After a crash, a redelivered request finds out which of the two happened: if the record
 * was never written it is written then; if it was, nothing more is. A crash can therefore re-send only a
 * message whose call was under way at that instant.
 */
public final class IdempotencyStore extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final int CACHE_MIB = 16;
    /** Stored values start with one of these: the sent record is (not yet) in the sink. */
    private static final char PENDING = 'P';
    private static final char RECORDED = 'R';

    /** A key's first delivery: its sent record, and whether that record reached the sink. */
    public record Sent(String sentRecord, boolean recorded) {
    }

    private final Path file;
    private MVStore store;
    private MVMap<String, String> sent;

    public IdempotencyStore(Path file) {
        this.file = file;
    }

    @Override
    protected void doStart() throws IOException {
        Files.createDirectories(file.getParent());
        store = new MVStore.Builder().fileName(file.toString()).cacheSize(CACHE_MIB).open();
        sent = store.openMap("sent");
        LOG.info("Idempotency store {} holds {} sent keys", file, sent.sizeAsLong());
    }

    @Override
    protected void doStop() {
        if (store != null && !store.isClosed()) {
            store.close();
        }
    }

    /** The first delivery under this key, if there was one. */
    public Optional<Sent> find(String key) {
        String value = sent.get(key);
        return value == null ? Optional.empty() : Optional.of(new Sent(value.substring(1), value.charAt(0) == RECORDED));
    }

    /** Remembers a send that Meta confirmed; returns once it is committed to the file. */
    public void recordSent(String key, String sentRecord) {
        sent.put(key, PENDING + sentRecord);
        store.commit();
    }

    /** The sent record of this key is in the sink. */
    public void markRecorded(String key) {
        sent.computeIfPresent(key, (k, value) -> RECORDED + value.substring(1));
        store.commit();
    }
}
