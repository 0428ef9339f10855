package org.igdm.gateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.igdm.gateway.idempotency.FirstDelivery;
import org.apache.camel.support.service.ServiceSupport;
import org.igdm.gateway.idempotency.EmbeddedKeys;
import org.igdm.gateway.idempotency.IdempotencyKeys;
import org.igdm.gateway.idempotency.SharedKeys;
import org.igdm.gateway.store.GatewayStore;
import org.igdm.gateway.store.StoreSettings;

/**
 * The idempotency store alone: what a send costs it (a claim, the sent record, the mark that the record is in
 * the sink: the three writes of every keyed delivery, of which the embedded keys keep the claim in memory) and how
 * large it grows. {@code callers} virtual threads send concurrently, as the delivery's calls in flight do; on a shared
 * store their writes share the group commits.
 *
 * <p>Options: {@code --store-sends=N} (default 1,000,000), {@code --store-callers=N} (default 64),
 * {@code --store-url=jdbc:postgresql://...} with {@code --store-user=} and {@code --store-password=} (default:
 * the embedded keys, RocksDB, in a fresh folder), or {@code --store-postgres}: a PostgreSQL server of its own on
 * loopback ({@link BenchPostgres}), whose CPU and disk are then measured too. CPU is this process's, plus that
 * server's; for {@code --store-url} the server's is not in it.
 */
public final class StoreBenchmark {

    /** A sent record as the sink gets it, with Meta's usage headers: the pending record's size. */
    private static final String SENT_RECORD = "{\"status\":\"sent\",\"source\":\"file:orders-2026-11-29.csv#%d\",\"recipient_id\":\"%d\","
            + "\"idempotency_key\":\"%s\",\"message_id\":\"%s\",\"attempts\":1,\"sent_at\":\"%s\",\"rate_limit\":{\"app\":"
            + "{\"call_count\":28,\"total_time\":25,\"total_cputime\":25},\"business_use_case\":{\"17841400000000001\":[{\"type\":"
            + "\"instagram\",\"call_count\":12,\"total_cputime\":3,\"total_time\":4,\"estimated_time_to_regain_access\":0}]}}}";

    private StoreBenchmark() {
    }

    public static void main(String... args) throws Exception {
        int sends = intOption(args, "--store-sends=", 1_000_000);
        int callers = intOption(args, "--store-callers=", 64);
        Path data = Files.createTempDirectory("ig-dm-gateway-store-bench");
        BenchPostgres postgres = hasFlag(args, "--store-postgres") ? BenchPostgres.start(data.resolve("postgres")) : null;
        String url = postgres != null ? postgres.url() : option(args, "--store-url=", null);
        GatewayStore store = new GatewayStore(new StoreSettings(url, postgres != null ? BenchPostgres.USER : option(args, "--store-user=", null),
                option(args, "--store-password=", null), data.toString(), 10));
        store.start();
        EmbeddedKeys embedded = url == null ? new EmbeddedKeys(data.toString(), store.dataSource(), Duration.ofDays(7)) : null;
        SharedKeys shared = url == null ? null : new SharedKeys(store.dataSource(), "bench", Duration.ofDays(7));
        ServiceSupport service = url == null ? embedded : shared;
        service.start();
        IdempotencyKeys keys = (IdempotencyKeys) service;
        System.out.printf("Store benchmark: %,d sends, %d concurrent callers, %s%n", sends, callers,
                url == null ? "embedded keys under " + data : postgres != null ? "PostgreSQL " + postgres : GatewayStore.redacted(url));

        // on the server given by --store-url, the disk is not this benchmark's to look at
        DiskSize onDisk = url == null ? embedded::bytes : postgres != null ? postgres::diskBytes : null;
        double serverCpuBefore = postgres == null ? 0 : postgres.cpuSeconds();
        long emptyServerBytes = postgres == null ? 0 : postgres.diskBytes();
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong();
        AtomicLong largest = new AtomicLong();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> watch = onDisk == null ? null : threads.submit(() -> watchSize(onDisk, largest));
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                running.add(threads.submit(() -> {
                    for (long i = next.getAndIncrement(); i < sends; i = next.getAndIncrement()) {
                        send(keys, i);
                    }
                    return null;
                }));
            }
            for (Future<?> each : running) {
                each.get();
            }
            if (watch != null) {
                watch.cancel(true);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / sends;
        double serverCpuMicros = postgres == null ? 0 : (postgres.cpuSeconds() - serverCpuBefore) * 1e6 / sends;
        String writesPerCommit = shared == null ? "(no group commit)"
                : String.format(Locale.ROOT, "%.1f", (double) shared.writer().writes() / Math.max(1, shared.writer().commits()));
        String tableAndIndexes = postgres == null ? null : mib(postgres.keysBytes(store.dataSource()), sends);
        service.stop();
        store.stop();

        long bytes = onDisk == null ? -1 : onDisk.bytes();
        System.out.printf(Locale.ROOT, "| sends | callers | sends/s | writes per commit | CPU per send | largest while running | store size after |%n"
                + "|---|---|---|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| %,d | %d | %,.0f | %s | %s | %s | %s |%n", sends, callers, sends / seconds, writesPerCommit,
                postgres == null ? String.format(Locale.ROOT, "%,.0f µs", cpuMicros)
                        : String.format(Locale.ROOT, "%,.0f µs (%,.0f here, %,.0f the server's)", cpuMicros + serverCpuMicros, cpuMicros, serverCpuMicros),
                bytes < 0 ? "(on the server)" : mib(largest.get(), sends), bytes < 0 ? "(on the server)" : mib(bytes, sends));
        if (postgres != null) {
            System.out.printf("The server's data folder holds the write-ahead log too, and held %.1f MiB before the sends. The table"
                    + " idempotency_key and its indexes alone: %s%n", emptyServerBytes / 1048576.0, tableAndIndexes);
            postgres.close();
        }
    }

    private static String mib(long bytes, int keys) {
        return String.format(Locale.ROOT, "%.1f MiB (%.0f bytes a key)", bytes / 1048576.0, (double) bytes / keys);
    }

    /** What the store takes on disk now. */
    interface DiskSize {
        long bytes() throws IOException;
    }

    /** The store's largest size on disk while the sends run, looked at every 100 ms. */
    private static Void watchSize(DiskSize store, AtomicLong largest) throws IOException {
        try {
            while (true) {
                largest.accumulateAndGet(store.bytes(), Math::max);
                Thread.sleep(100);
            }
        } catch (InterruptedException stopped) {
            return null;
        }
    }

    /** One keyed delivery's writes: claim, Meta's confirmation, the record in the sink. */
    private static void send(IdempotencyKeys keys, long i) {
        String key = "file:3f9a1c0e7b2d4a6f8e1c5b9d0a2e4f6c8b1d3e5f7a9c0b2d4e6f8a1c3e5b7d9f#" + i;
        String messageId = messageId();
        Instant sentAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long recipient = 1_000_000_000L + i;
        byte[] fingerprint = sha256(key + "|" + messageId);
        if (!(keys.claim(key, fingerprint) instanceof IdempotencyKeys.Claim.Granted)) {
            throw new IllegalStateException("a fresh key was not granted: " + key);
        }
        keys.recordSent(key, new FirstDelivery("file:orders-2026-11-29.csv#" + i, String.valueOf(recipient), messageId, 1, sentAt),
                String.format(Locale.ROOT, SENT_RECORD, i, recipient, key, messageId, sentAt), fingerprint);
        keys.markRecorded(key);
    }

    /**
     * A message id as Meta's look: base64 of {@code ig_item:1:IGMessage:<account>:<45 digits>}. The account's part is
     * the same for every message, the digits (thread and message) are not: a store that compresses must not be
     * flattered by ids that differ only in a counter.
     */
    private static String messageId() {
        StringBuilder digits = new StringBuilder(45);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int d = 0; d < 45; d++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDE6"
                + Base64.getEncoder().encodeToString(digits.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** A request's fingerprint is a SHA-256, as the delivery's. */
    private static byte[] sha256(String request) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String option(String[] args, String prefix, String fallback) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return fallback;
    }

    private static boolean hasFlag(String[] args, String flag) {
        return List.of(args).contains(flag);
    }

    private static int intOption(String[] args, String prefix, int fallback) {
        String value = option(args, prefix, null);
        return value == null ? fallback : Integer.parseInt(value);
    }
}
