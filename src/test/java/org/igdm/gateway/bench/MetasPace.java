package org.igdm.gateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Delivery at Meta's pace: a stub that answers after 150 ms ± 50 ms (uniformly drawn, a virtual thread per call, so
 * it never limits the calls in flight), and a gateway on its default settings (pace 100 sends/s per account,
 * consumers sized by the gateway itself) with {@code accounts} accounts. The requests go through the JMS door,
 * spread evenly over the accounts, each to a recipient of its own. Measured: delivered messages/s as a share of
 * Meta's allowance (accounts × 100/s), the most sends any account made within one second by the stub's own clock
 * (it must never pass 100), the gateway's CPU time per message (and its part outside the JIT compiler's threads, which
 * a run of minutes still keeps busy), and its peak RSS. {@link #besideARefusedAccount}
 * measures one account while Meta refuses another's token and a backlog of that account's messages waits.
 */
final class MetasPace {

    static final long DELAY_MILLIS = 150;
    static final long JITTER_MILLIS = 50;
    /** Meta's allowance per account, and the gateway's default pace. */
    static final int PACE = 100;
    /** The refused account's messages queued ahead: more than the consumers of the whole gateway (100 for two accounts). */
    static final int REFUSED_BACKLOG = 1_000;
    /** Requests per account in a burst on an idle gateway ({@link #bursts}). */
    static final int BURST = 8;
    private static final int BURST_ROUNDS = 3;
    /** Long enough for the consumers a burst added to stop again: each stops after an empty receive of a second. */
    private static final long IDLE_MILLIS = 12_000;

    /** @param accounts the accounts sending, whose allowance the share is of (a refused one is not among them) */
    record Result(String scenario, int accounts, int messages, double perSecond, int busiestSecond, JavaProcess.CpuTime cpuPerMessage,
            double peakRssMib, String loadBefore, String loadAfter) {

        double shareOfAllowance() {
            return perSecond / (accounts * PACE);
        }
    }

    /**
     * Light load: the median time, over {@value #BURST_ROUNDS} rounds on an idle gateway, until Meta has answered one
     * request for each account (the baseline: about one call), and until it has answered {@value #BURST} for each.
     * A gateway that spreads a burst over enough calls at once takes about as long for both. Also the CPU the gateway
     * spends while idle between them, in percent of one core.
     */
    record Bursts(int accounts, double oneEachSeconds, double burstSeconds, double idleCorePercent) {
    }

    private MetasPace() {
    }

    /**
     * Warms the gateway up with {@code warmup} messages (the JIT compiles the hot paths, as in a gateway that has run
     * for a while), then measures {@code messages} more; {@code jvm} are the gateway's extra JVM options (a recording).
     */
    static Result run(Path home, int accounts, int warmup, int messages, List<String> jvm, List<Bursts> bursts) throws Exception {
        Path folder = home.resolve("pace-" + accounts);
        Files.createDirectories(folder);
        try (StubProcess stub = StubProcess.start(folder, "stub.log", 0, DELAY_MILLIS, JITTER_MILLIS);
                BenchGateway gateway = BenchGateway.start(folder.resolve("gateway"), settings(stub.baseUrl(), accounts), jvm)) {
            deliver(stub, gateway, accounts, 0, warmup);
            Result result = measure(accounts + (accounts == 1 ? " account, " : " accounts, ") + messages + " messages", stub,
                    gateway, accounts, warmup, messages);
            bursts.add(bursts(stub, gateway, accounts, warmup + messages));
            return result;
        }
    }

    /** Bursts of requests on the gateway once it has gone idle, messages {@code first} on ({@link Bursts}). */
    private static Bursts bursts(StubProcess stub, BenchGateway gateway, int accounts, int first) throws Exception {
        double[] oneEach = new double[BURST_ROUNDS];
        double[] burst = new double[BURST_ROUNDS];
        double idleCpuSeconds = 0;
        int next = first;
        for (int round = 0; round < BURST_ROUNDS; round++) {
            idleCpuSeconds += idleCpuSeconds(gateway);
            oneEach[round] = deliverTimed(stub, gateway, accounts, next, accounts);
            next += accounts;
            idleCpuSeconds += idleCpuSeconds(gateway);
            burst[round] = deliverTimed(stub, gateway, accounts, next, accounts * BURST);
            next += accounts * BURST;
        }
        return new Bursts(accounts, median(oneEach), median(burst), idleCpuSeconds * 100_000 / (2 * BURST_ROUNDS * IDLE_MILLIS));
    }

    /** Leaves the gateway idle for {@value #IDLE_MILLIS} ms; returns the CPU time it spent meanwhile, in seconds. */
    private static double idleCpuSeconds(BenchGateway gateway) throws InterruptedException {
        JavaProcess.CpuTime before = JavaProcess.CpuTime.of(gateway.process().pid());
        Thread.sleep(IDLE_MILLIS);
        return JavaProcess.CpuTime.of(gateway.process().pid()).total() - before.total();
    }

    /** Seconds from queueing {@code count} requests until Meta has answered them all and the sink holds them. */
    private static double deliverTimed(StubProcess stub, BenchGateway gateway, int accounts, int first, int count) throws Exception {
        long start = System.nanoTime();
        deliver(stub, gateway, accounts, first, count);
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * Two accounts: Meta refuses the second's token (it answers 190), and {@value #REFUSED_BACKLOG} of its messages
     * are queued first, more than all of the gateway's consumers. The first account's messages must still go out at
     * its pace: its share of its own allowance is measured.
     */
    static Result besideARefusedAccount(Path home, int warmup, int messages, List<String> jvm) throws Exception {
        Path folder = home.resolve("pace-beside-refused");
        Files.createDirectories(folder);
        try (StubProcess stub = StubProcess.start(folder, "stub.log", 0, DELAY_MILLIS, JITTER_MILLIS, userId(1));
                BenchGateway gateway = BenchGateway.start(folder.resolve("gateway"), settings(stub.baseUrl(), 2), jvm)) {
            deliver(stub, gateway, 1, 0, warmup);
            JmsProducer.send(gateway.jmsPort(), REFUSED_BACKLOG, i -> request(1, warmup + messages + i));
            return measure("1 account beside one whose token Meta refuses, with " + REFUSED_BACKLOG + " of that one's messages"
                    + " queued first, " + messages + " messages", stub, gateway, 1, warmup, messages);
        }
    }

    /** Delivers messages {@code first} on, over the first {@code accounts} accounts, and measures their delivery. */
    private static Result measure(String scenario, StubProcess stub, BenchGateway gateway, int accounts, int first, int messages)
            throws Exception {
        String loadBefore = loadAverage();
        JavaProcess.CpuTime cpuBefore = JavaProcess.CpuTime.of(gateway.process().pid());
        long start = System.nanoTime();
        deliver(stub, gateway, accounts, first, messages);
        double seconds = (System.nanoTime() - start) / 1e9;
        JavaProcess.CpuTime cpu = JavaProcess.CpuTime.of(gateway.process().pid()).microsPerMessageSince(cpuBefore, messages);
        int busiest = stub.peakPerSecond().values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new Result(scenario, accounts, messages, messages / seconds, busiest, cpu,
                JavaProcess.peakRssMib(gateway.process().pid()), loadBefore, loadAverage());
    }

    /**
     * Queues messages {@code first} to {@code first + count - 1}, spread over the first {@code accounts} accounts, and
     * waits until Meta answered them and the sink holds them.
     */
    private static void deliver(StubProcess stub, BenchGateway gateway, int accounts, int first, int count) throws Exception {
        JmsProducer.send(gateway.jmsPort(), count, i -> request((first + i) % accounts, first + i));
        if (!stub.awaitCount(first + count, Duration.ofMinutes(30))) {
            throw new IllegalStateException("Meta saw " + stub.count() + " of " + (first + count) + " sends; see " + gateway.process().log());
        }
        while (gateway.sentRecords() < first + count) {
            Thread.sleep(10);
        }
    }

    /** The account {@code default} and {@code accounts - 1} more, each with its own user id and token; nothing else set. */
    private static Map<String, String> settings(String graphUrl, int accounts) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ig.graph-url", graphUrl);
        settings.put("ig.user-id", userId(0));
        settings.put("ig.access-token", BenchGateway.TOKEN);
        for (int a = 1; a < accounts; a++) {
            settings.put("ig.accounts." + accountName(a) + ".user-id", userId(a));
            settings.put("ig.accounts." + accountName(a) + ".access-token", BenchGateway.TOKEN + a);
        }
        return settings;
    }

    private static String userId(int account) {
        return Long.toString(17841400000000001L + account);
    }

    private static String accountName(int account) {
        return "acct" + account;
    }

    private static String request(int account, int i) {
        String field = account == 0 ? "" : "\"account\":\"" + accountName(account) + "\",";
        return "{" + field + "\"recipient_id\":\"" + (9_000_000_000L + i) + "\",\"message\":\"At Meta's pace " + i + "\"}";
    }

    /** The machine's 1-minute load average, which says how much the neighbours took. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException unreadable) {
            return "?";
        }
    }

    static List<String> burstRows(List<Bursts> bursts) {
        List<String> rows = new ArrayList<>();
        for (Bursts b : bursts) {
            rows.add(String.format(Locale.ROOT, "| %d %s, idle: %d requests for each account at once vs 1 for each | %.2f s | %.2f s | %.2f× | %.1f %% |",
                    b.accounts(), b.accounts() == 1 ? "account" : "accounts", BURST, b.oneEachSeconds(), b.burstSeconds(),
                    b.burstSeconds() / b.oneEachSeconds(), b.idleCorePercent()));
        }
        return rows;
    }

    static List<String> rows(List<Result> results) {
        List<String> rows = new ArrayList<>();
        for (Result r : results) {
            String what = r.scenario() + ", Meta answering in 150 ± 50 ms (load average " + r.loadBefore() + " → " + r.loadAfter() + ")";
            rows.add(String.format(Locale.ROOT, "| %s | %,.0f msgs/s | %.2f of %d/s | %d | %,.0f µs (%,.0f outside the JIT compiler) | %,.0f MiB |",
                    what, r.perSecond(), r.shareOfAllowance(), r.accounts() * PACE, r.busiestSecond(), r.cpuPerMessage().total(),
                    r.cpuPerMessage().outsideCompiler(), r.peakRssMib()));
        }
        return rows;
    }
}
