package org.igdm.gateway.idempotency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.igdm.gateway.store.StoreException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.NativeLibraryLoader;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lone instance's idempotency keys (the embedded store), in RocksDB under {@code gateway.data/keys}: a log of key
 * states that compaction keeps to the keys themselves, so that its size follows the keys kept and not the rate they
 * came at (a million sends: 156 MiB, where the embedded database's copy-on-write file took 779).
 *
 * <p>With no other instance on it, a claim needs no write: the keys under way are this process's, kept in memory,
 * and a crash ends them all (a key under way at a crash was never sent, or its record is pending). A send writes
 * twice: the pending record, then the mark that it is in the sink. Each write is in RocksDB's log when it returns,
 * so a killed process loses none; the log is forced to disk every {@link #SYNC_EVERY}, as the embedded database's
 * file is. Pending keys are also listed in their own column family, so that {@link #recoverPending} reads only them.
 *
 * <p>RocksDB's native library is unpacked from the jar into {@code gateway.data/native} at each start.
 *
 * <p>Keys that an earlier version kept in the embedded database's {@code idempotency_key} table are moved here at the
 * first start.
 */
public final class EmbeddedKeys extends RetainedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKeys.class);
    static final String FOLDER = "keys";
    /** RocksDB's native library, unpacked from the jar at each start. */
    static final String NATIVE_FOLDER = "native";
    private static final Duration SYNC_EVERY = Duration.ofMillis(200);
    /** Retention and the move from the database write at most this many keys at once. */
    private static final int CHUNK = 10_000;
    private static final byte[] NOTHING = new byte[0];
    private static final byte[] PENDING_FAMILY = "pending".getBytes(StandardCharsets.UTF_8);

    private final Path folder;
    private final Path nativeFolder;
    private final DataSource earlierStore;
    /** The keys under way in this process (hex of their hashes). */
    private final Set<String> underWay = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private RocksDB db;
    private ColumnFamilyHandle states;
    private ColumnFamilyHandle pending;
    private WriteOptions writes;

    /**
     * @param dataDir      {@code gateway.data}: the keys go into its folder {@value #FOLDER}
     * @param earlierStore the embedded database, whose {@code idempotency_key} rows (an earlier version's) are moved here
     */
    public EmbeddedKeys(String dataDir, DataSource earlierStore, Duration retention) {
        this(dataDir, earlierStore, retention, System::currentTimeMillis);
    }

    EmbeddedKeys(String dataDir, DataSource earlierStore, Duration retention, LongSupplier clock) {
        super(retention, clock);
        this.folder = Path.of(dataDir, FOLDER);
        this.nativeFolder = Path.of(dataDir, NATIVE_FOLDER);
        this.earlierStore = earlierStore;
    }

    @Override
    protected void doStart() throws Exception {
        Files.createDirectories(folder);
        // into a folder of this gateway's, under one name: RocksDB's default, java.io.tmpdir under a new name at each
        // start, kept a copy (15 MB) of every killed process's; and a temporary folder may forbid executables
        NativeLibraryLoader.getInstance().loadLibrary(Files.createDirectories(nativeFolder).toString());
        // a small memtable and block cache: the keys are looked up rarely (a Bloom filter answers for new ones)
        LRUCache cache = keep(new LRUCache(16L << 20));
        BloomFilter filter = keep(new BloomFilter(10));
        ColumnFamilyOptions family = keep(new ColumnFamilyOptions()
                .setWriteBufferSize(16L << 20)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter)));
        // the pending keys' family changes little: past 32 MiB of log it is flushed, so that it does not hold old logs
        // on disk; RocksDB's own log of what it does says only warnings, in at most three files
        DBOptions options = keep(new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true).setMaxBackgroundJobs(2)
                .setMaxTotalWalSize(32L << 20).setInfoLogLevel(InfoLogLevel.WARN_LEVEL).setKeepLogFileNum(3));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        db = keep(RocksDB.open(options, folder.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, family),
                new ColumnFamilyDescriptor(PENDING_FAMILY, family)), handles));
        handles.forEach(this::keep);
        states = handles.get(0);
        pending = handles.get(1);
        writes = keep(new WriteOptions());
        int moved = moveEarlierKeys();
        startHousekeeping(this::syncQuietly, SYNC_EVERY);
        LOG.info("Idempotency keys: under {}, kept {} days{}", folder, retention().toDays(),
                moved == 0 ? "" : "; " + moved + " moved there from the embedded database");
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    protected void doStop() throws Exception {
        stopHousekeeping();
        if (db != null) {
            db.syncWal();
        }
        // handles before the database, the database before its options
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
        db = null;
    }

    @Override
    public Claim claim(String key, byte[] fingerprint) {
        byte[] hash = IdempotencyKeys.hash(key);
        String id = HexFormat.of().formatHex(hash);
        if (!underWay.add(id)) {
            return new Claim.InFlight();
        }
        KeyState state = read(hash);
        Claim sent = state == null ? null : state.sentFor(fingerprint);
        if (sent != null) {
            underWay.remove(id);
            return sent;
        }
        return state != null && state.isPending() ? new Claim.Unrecorded(state.fullRecord()) : new Claim.Granted();
    }

    @Override
    public void recordSent(String key, FirstDelivery sent, String sentRecord, byte[] fingerprint) {
        byte[] hash = IdempotencyKeys.hash(key);
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(states, hash, encode(KeyState.pending(clock.getAsLong(), sent, sentRecord, fingerprint)));
            batch.put(pending, hash, NOTHING);
            write(batch);
        } catch (RocksDBException e) {
            throw new StoreException("could not keep a sent record in the idempotency keys", e);
        }
    }

    @Override
    public void markRecorded(String key) {
        byte[] hash = IdempotencyKeys.hash(key);
        try {
            markRecorded(hash, read(hash));
        } finally {
            underWay.remove(HexFormat.of().formatHex(hash));
        }
    }

    private void markRecorded(byte[] hash, KeyState sent) {
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(states, hash, encode(sent.recorded()));
            batch.delete(pending, hash);
            write(batch);
        } catch (RocksDBException e) {
            throw new StoreException("could not mark an idempotency key recorded", e);
        }
    }

    @Override
    public void release(String key) {
        underWay.remove(HexFormat.of().formatHex(IdempotencyKeys.hash(key)));
    }

    /** The pending record stays where it is: the next request with the key, or the next start, finds it. */
    @Override
    public void abandonPending(String key) {
        release(key);
    }

    @Override
    public int recoverPending(Consumer<String> sink) {
        List<byte[]> hashes = new ArrayList<>();
        try (RocksIterator keys = db.newIterator(pending)) {
            for (keys.seekToFirst(); keys.isValid(); keys.next()) {
                hashes.add(keys.key());
            }
        }
        int recovered = 0;
        for (byte[] hash : hashes) {
            String id = HexFormat.of().formatHex(hash);
            if (!underWay.add(id)) {
                continue; // a request with the key is writing the record now
            }
            try {
                KeyState state = read(hash);
                if (state != null && state.isPending()) {
                    sink.accept(state.fullRecord());
                    markRecorded(hash, state);
                    recovered++;
                }
            } finally {
                underWay.remove(id);
            }
        }
        return recovered(recovered);
    }

    @Override
    public int deleteExpired() {
        long cutoff = expiredBefore();
        int deleted = 0;
        try (RocksIterator keys = db.newIterator(states); WriteBatch batch = new WriteBatch()) {
            for (keys.seekToFirst(); keys.isValid(); keys.next()) {
                KeyState state = decode(keys.value());
                if (!state.isPending() && state.claimedAt() < cutoff) {
                    batch.delete(states, keys.key());
                    deleted++;
                }
                if (batch.count() == CHUNK) {
                    write(batch);
                    batch.clear();
                }
            }
            write(batch);
        } catch (RocksDBException e) {
            throw new StoreException("could not delete expired idempotency keys", e);
        }
        return deleted(deleted, retention());
    }

    private void syncQuietly() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            LOG.warn("Could not force the idempotency keys' log to disk: {}", e.getMessage());
        }
    }

    private KeyState read(byte[] hash) {
        try {
            byte[] value = db.get(states, hash);
            return value == null ? null : decode(value);
        } catch (RocksDBException e) {
            throw new StoreException("could not read an idempotency key", e);
        }
    }

    private void write(WriteBatch batch) throws RocksDBException {
        if (batch.count() > 0) {
            db.write(writes, batch);
        }
    }

    /**
     * The rows an earlier version kept in the embedded database, moved here; a row whose key is here already (a
     * move that a crash interrupted) leaves it as it is. Claims are dropped: their calls were never confirmed.
     */
    private int moveEarlierKeys() throws SQLException, RocksDBException {
        int moved = 0;
        try (Connection connection = earlierStore.getConnection()) {
            try (PreparedStatement select = connection.prepareStatement(SharedKeys.SELECT + " WHERE status <> '" + KeyState.CLAIMED + "'");
                    WriteBatch batch = new WriteBatch()) {
                select.setFetchSize(CHUNK);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        SharedKeys.Row row = SharedKeys.Row.of(rows);
                        if (db.get(states, row.hash()) == null) {
                            batch.put(states, row.hash(), encode(row.state()));
                            if (row.state().isPending()) {
                                batch.put(pending, row.hash(), NOTHING);
                            }
                            moved++;
                        }
                        if (batch.count() >= CHUNK) {
                            write(batch);
                            batch.clear();
                        }
                    }
                }
                write(batch);
            }
            // on disk here before they leave the database
            db.syncWal();
            try (Statement delete = connection.createStatement()) {
                while (delete.executeUpdate("DELETE FROM idempotency_key WHERE id IN (SELECT id FROM idempotency_key ORDER BY id LIMIT "
                        + CHUNK + ")") > 0) {
                    // chunk by chunk, so that no transaction grows huge
                }
            }
        }
        return moved;
    }

    /** A key's state as RocksDB keeps it: its fields one after the other, text as UTF-8 with its length (-1: none). */
    static byte[] encode(KeyState state) {
        byte[][] texts = {bytes(state.messageId()), bytes(state.source()), bytes(state.recipientId()), bytes(state.fullRecord()),
            state.fingerprint()};
        int size = 2 + 8 + 8 + 4;
        for (byte[] text : texts) {
            size += 4 + (text == null ? 0 : text.length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putChar(state.status()).putLong(state.claimedAt()).putLong(state.sentAt())
                .putInt(state.attempts());
        for (byte[] text : texts) {
            buffer.putInt(text == null ? -1 : text.length);
            if (text != null) {
                buffer.put(text);
            }
        }
        return buffer.array();
    }

    static KeyState decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        char status = buffer.getChar();
        long claimedAt = buffer.getLong();
        long sentAt = buffer.getLong();
        int attempts = buffer.getInt();
        return new KeyState(status, claimedAt, sentAt, text(buffer), text(buffer), text(buffer), attempts, text(buffer), field(buffer));
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = field(buffer);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] field(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** The size of the keys' folder, for the store benchmark. */
    public long bytes() {
        try (var files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
