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
 * <p>A key is written (and committed) the moment Meta confirms the send, before the sent record is written
 * and before the source is acknowledged. A crash can therefore re-send only a message whose call was under
 * way at that instant, never one that Meta had confirmed and the store had committed.
 */
public final class IdempotencyStore extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final int CACHE_MIB = 16;

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

    /** The sent record of the first delivery under this key, if there was one. */
    public Optional<String> firstOutcome(String key) {
        return Optional.ofNullable(sent.get(key));
    }

    /** Remembers a confirmed send; returns once it is committed to the file. */
    public void recordSent(String key, String sentRecord) {
        sent.put(key, sentRecord);
        store.commit();
    }
}
