package org.igdm.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded store's file near the size of the keys it holds rather than of the commits it took: what H2's
 * background thread does for a database whose commits may wait, done for one whose commits may not. H2 writes every
 * commit as a new chunk of pages at a free place in the file, and a chunk's space is free again only when
 * <ul>
 * <li>none of its pages is live: the last version of a full table page or of a key index leaf stays behind in the
 * chunk of the commit that wrote it, so {@link #run} rewrites the live pages of sparse chunks together and moves
 * chunks towards the start of the file so that its end can be cut off. H2's background thread would do this, but it
 * is off when every commit must be in the file when it returns ({@code WRITE_DELAY=0}, the crash promise);</li>
 * <li>and the chunk is older than the retention time. H2's default (45 s) trusts the operating system to have
 * flushed a chunk to disk by then, so that a power cut never finds the chunk's space overwritten while the file on
 * disk still needs it; at a few hundred commits a second that held gigabytes. Here {@link #run} forces the file to
 * disk every {@link #EVERY} (waiting that long after each sync ends), so a chunk is on disk by the end of the
 * second sync after it was written; {@link #CHUNK_RETENTION} is ten intervals, enough even if both syncs take 900 ms
 * on a loaded disk.</li>
 * </ul>
 * A killed process loses nothing either way: a commit is in the file (the operating system's cache) when it returns.
 */
final class EmbeddedFileUpkeep implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFileUpkeep.class);
    /** How often the file is forced to disk, its sparse chunks rewritten and its chunks moved together. */
    static final Duration EVERY = Duration.ofMillis(200);
    /** How long H2 keeps a chunk after writing it before it may write over the chunk's space (see above). */
    static final Duration CHUNK_RETENTION = EVERY.multipliedBy(10);
    /** Below this share (%) of live data in the chunks, or of chunks in the file, the file is tidied. */
    private static final int TARGET_FILL_RATE = 80;
    /** At most this many bytes are rewritten, or moved, a run: the writer waits for the store's lock meanwhile. */
    private static final int REWRITE_PER_RUN = 4 << 20;

    private final DataSource dataSource;

    EmbeddedFileUpkeep(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void run() {
        try (Connection connection = dataSource.getConnection()) {
            tidy(((SessionLocal) connection.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not tidy the store's file and force it to disk (tried again in {} ms): {}", EVERY.toMillis(), e.getMessage());
        }
    }

    private static void tidy(MVStore file) {
        file.compact(TARGET_FILL_RATE, REWRITE_PER_RUN);
        if (file.getFileStore() instanceof RandomAccessStore chunks && chunks.getFillRate() < TARGET_FILL_RATE) {
            // chunks are moved to free space nearer the start (H2 forces the file to disk before it writes over any)
            chunks.compactMoveChunks(101, REWRITE_PER_RUN, file);
        }
        file.commit();
        file.sync();
    }
}
