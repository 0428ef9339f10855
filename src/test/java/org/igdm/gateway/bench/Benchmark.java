package org.igdm.gateway.bench;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.graph.GraphForm;
import org.igdm.gateway.graph.SendApiBody;
import org.igdm.gateway.request.SendRequest;

/**
 * Runs every benchmark and prints one table: each figure of the gateway next to a baseline measured in the same run
 * on the same machine, and their ratio. Run it with {@code bench/run.sh} (see docs/benchmarks.md).
 *
 * <p>Options: {@code --quick} (a smoke check: small counts), {@code --messages=N} (measured sends per figure),
 * {@code --warmup=N}, {@code --concurrency=N} (the gateway's JMS consumers and the clients' threads),
 * {@code --file-rows=N}, {@code --file-deliver-seconds=N} (stop measuring the file's delivery N seconds after the drop, once every
 * row is queued; 0, the default, waits for every row), {@code --stub-delay-ms=N} (Meta's latency, 0 by default), {@code --jfr[=settings.jfc]}
 * (record the gateway of the JMS and HTTP runs with Java Flight Recorder, into the run's folder),
 * {@code --paced-accounts=1,20} (the accounts of each run at Meta's pace, {@link MetasPace}, each run then timing bursts on
 * its gateway once idle, {@link MetasPace.Bursts}; followed by one account
 * beside one whose token Meta refuses; empty for none),
 * {@code --paced-messages=N} (20,000 by default), {@code --only-paced} (only those runs), {@code --gateway-jvm="-XX:… -XX:…"}
 * (more JVM options for every gateway the benchmark starts, separated by spaces: to compare collectors or compilers).
 */
public final class Benchmark {

    private static final Pattern FILE_DONE = Pattern.compile("file \\S+ done: (\\d+) rows, (\\d+) queued.* in (\\d+) ms");
    private static final String JSON = "application/json";

    private final Options options;
    private final Path home;
    private final List<String> rows = new ArrayList<>();
    /** The baselines the file drop compares with: a client's send rate and a JMS producer's queueing rate. */
    private double rawRate;
    private double producerRate;
    /** CPU time the raw client's process spent per message, in microseconds, and its JIT compiler's part. */
    private JavaProcess.CpuTime rawCpu;
    private final List<MetasPace.Result> pacedResults = new ArrayList<>();
    private final List<MetasPace.Bursts> bursts = new ArrayList<>();

    private Benchmark(Options options, Path home) {
        this.options = options;
        this.home = home;
    }

    record Options(int messages, int warmup, int concurrency, int fileRows, int fileDeliverSeconds, long stubDelayMillis, String jfr,
            List<Integer> pacedAccounts, int pacedMessages, boolean onlyPaced, List<String> gatewayJvm) {

        private static final Set<String> NAMES = Set.of("quick", "messages", "warmup", "concurrency", "file-rows", "file-deliver-seconds",
                "stub-delay-ms", "jfr", "paced-accounts", "paced-messages", "only-paced", "gateway-jvm");

        static Options parse(String... args) {
            Map<String, String> given = new HashMap<>();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                String name = arg.substring(2, eq < 0 ? arg.length() : eq);
                if (!arg.startsWith("--") || !NAMES.contains(name)) {
                    throw new IllegalArgumentException("unknown option " + arg + " (see the Benchmark class comment)");
                }
                given.put(name, eq < 0 ? "" : arg.substring(eq + 1));
            }
            boolean quick = given.containsKey("quick");
            return new Options(number(given, "messages", quick ? 2_000 : 20_000), number(given, "warmup", quick ? 500 : 3_000),
                    number(given, "concurrency", 4), number(given, "file-rows", quick ? 20_000 : 1_000_000),
                    number(given, "file-deliver-seconds", 0),
                    number(given, "stub-delay-ms", 0), jfrSettings(given.get("jfr")),
                    given.getOrDefault("paced-accounts", "1,20").isEmpty() ? List.of()
                            : Arrays.stream(given.getOrDefault("paced-accounts", "1,20").split(",")).map(Integer::valueOf).toList(),
                    number(given, "paced-messages", quick ? 2_000 : 20_000), given.containsKey("only-paced"),
                    Arrays.stream(given.getOrDefault("gateway-jvm", "").split(" ")).filter(option -> !option.isBlank()).toList());
        }

        /** No recording when absent; JFR's "profile" settings for a bare --jfr; else the settings file given. */
        private static String jfrSettings(String given) {
            return given == null ? null : given.isEmpty() ? "profile" : given;
        }

        private static int number(Map<String, String> given, String name, int otherwise) {
            return given.containsKey(name) ? Integer.parseInt(given.get(name)) : otherwise;
        }
    }

    public static void main(String... args) throws Exception {
        Options options = Options.parse(args);
        Path home = Files.createTempDirectory("ig-bench-");
        System.out.println("Benchmark " + options + ", folders and logs under " + home);
        new Benchmark(options, home).run();
    }

    private void run() throws Exception {
        if (!options.onlyPaced) {
            try (StubProcess stub = StubProcess.start(home, 4 * options.concurrency, options.stubDelayMillis)) {
                Thread.sleep(2000);
                double stubIdleRss = stub.process().rssMib();
                HttpLoad.Result raw = rawClient(stub);
                rawRate = raw.perSecond();
                jmsAndHttp(stub, raw, stubIdleRss);
                fileDrop(stub);
            }
        }
        for (int accounts : options.pacedAccounts) {
            pacedResults.add(MetasPace.run(home, accounts, options.warmup, options.pacedMessages, gatewayJvm("pace-" + accounts),
                    bursts));
        }
        if (!options.pacedAccounts.isEmpty()) {
            pacedResults.add(MetasPace.besideARefusedAccount(home, options.warmup, options.pacedMessages / 2,
                    gatewayJvm("pace-beside-refused")));
        }
        print();
    }

    /**
     * The gateway's extra JVM options: those of --gateway-jvm, and a Flight Recorder recording into {@code <name>.jfr}
     * when --jfr asks for it.
     */
    private List<String> gatewayJvm(String name) {
        List<String> jvm = new ArrayList<>(options.gatewayJvm);
        if (options.jfr != null) {
            jvm.add("-XX:StartFlightRecording=dumponexit=true,settings=" + options.jfr + ",filename=" + home.resolve(name + ".jfr"));
        }
        return jvm;
    }

    /** The baseline: the same form bodies straight to the stub from a plain client at the same concurrency. */
    private HttpLoad.Result rawClient(StubProcess stub) throws Exception {
        HttpLoad load = new HttpLoad(options.concurrency);
        rawPosts(stub, load, 1, options.warmup);
        long self = ProcessHandle.current().pid();
        JavaProcess.CpuTime before = JavaProcess.CpuTime.of(self);
        HttpLoad.Result result = rawPosts(stub, load, 2, options.messages);
        rawCpu = JavaProcess.CpuTime.of(self).microsPerMessageSince(before, options.messages);
        return result;
    }

    /** Meta's form bodies of one scenario straight to the stub, as the gateway would send them. */
    private static HttpLoad.Result rawPosts(StubProcess stub, HttpLoad load, int scenario, int count) throws Exception {
        AccessToken token = new AccessToken(BenchGateway.TOKEN);
        String url = stub.baseUrl() + "/v25.0/" + BenchGateway.USER_ID + "/messages";
        return load.post(url, GraphForm.CONTENT_TYPE, count, i -> GraphForm.encode(SendApiBody.of(request(scenario, i)), token));
    }

    /** Startup, idle memory, the JMS source and POST /messages, on one gateway. */
    private void jmsAndHttp(StubProcess stub, HttpLoad.Result raw, double stubIdleRss) throws Exception {
        List<String> jvm = gatewayJvm("gateway");
        try (BenchGateway gateway = BenchGateway.start(home.resolve("gateway"), stub.baseUrl(), options.concurrency, jvm)) {
            Thread.sleep(2000);
            double idleRss = JavaProcess.rssMib(gateway.process().pid());
            row("startup to ready, s (bare JVM + HTTP server vs gateway)", stub.startup().toMillis() / 1000.0,
                    gateway.process().startup().toMillis() / 1000.0, "≤ 3 s");
            row("idle RSS, MiB (stub JVM vs gateway)", stubIdleRss, idleRss, "");

            queueAndDeliver(stub, gateway, 3, options.warmup);
            JavaProcess.CpuTime cpuBefore = JavaProcess.CpuTime.of(gateway.process().pid());
            long start = System.nanoTime();
            producerRate = queueAndDeliver(stub, gateway, 4, options.messages);
            row("delivery, messages/s (raw client vs JMS source)", rawRate,
                    options.messages * 1e9 / (System.nanoTime() - start), "≥ 0.7×");
            // CPU time is what a shared machine cannot blur: the cost of each message, whatever the neighbours do
            cpuRows("message", "JMS source", JavaProcess.CpuTime.of(gateway.process().pid()).microsPerMessageSince(cpuBefore, options.messages));

            httpSource(stub, gateway, raw);
        }
    }

    /**
     * Puts {@code count} requests on ig.send and waits until the sent sink holds them all; returns the producer's
     * own rate, the baseline of how fast a program queues requests itself.
     */
    private double queueAndDeliver(StubProcess stub, BenchGateway gateway, int scenario, int count) throws Exception {
        Delivered before = Delivered.now(stub, gateway);
        long start = System.nanoTime();
        JmsProducer.send(gateway.jmsPort(), count, i -> requestJson(scenario, i));
        double produced = count * 1e9 / (System.nanoTime() - start);
        before.await(count, Duration.ofMinutes(30));
        return produced;
    }

    private void httpSource(StubProcess stub, BenchGateway gateway, HttpLoad.Result raw) throws Exception {
        HttpLoad load = new HttpLoad(options.concurrency);
        load.post(gateway.messagesUrl(), JSON, options.warmup, i -> requestJson(5, i));
        JavaProcess.CpuTime cpuBefore = JavaProcess.CpuTime.of(gateway.process().pid());
        HttpLoad.Result http = load.post(gateway.messagesUrl(), JSON, options.messages, i -> requestJson(6, i));
        JavaProcess.CpuTime cpu = JavaProcess.CpuTime.of(gateway.process().pid()).microsPerMessageSince(cpuBefore, options.messages);
        row("POST /messages, requests/s (raw client vs gateway)", raw.perSecond(), http.perSecond(), "");
        cpuRows("request", "POST /messages", cpu);
        latencyRow("POST /messages p50, ms (stub alone vs gateway)", raw.percentileMillis(50), http.percentileMillis(50), "overhead ≤ 1 ms");
        latencyRow("POST /messages p99, ms (stub alone vs gateway)", raw.percentileMillis(99), http.percentileMillis(99), "");

        // one caller at a time: the time the gateway adds to a request when no other request competes for the CPU
        int alone = Math.max(200, options.messages / 10);
        HttpLoad single = new HttpLoad(1);
        rawPosts(stub, single, 7, alone / 4);
        HttpLoad.Result rawAlone = rawPosts(stub, single, 7, alone);
        single.post(gateway.messagesUrl(), JSON, alone / 4, i -> requestJson(8, i));
        HttpLoad.Result httpAlone = single.post(gateway.messagesUrl(), JSON, alone, i -> requestJson(9, i));
        latencyRow("POST /messages p50, ms, one caller at a time (stub alone vs gateway)", rawAlone.percentileMillis(50),
                httpAlone.percentileMillis(50), "overhead ≤ 1 ms");
        latencyRow("POST /messages p99, ms, one caller at a time (stub alone vs gateway)", rawAlone.percentileMillis(99),
                httpAlone.percentileMillis(99), "");
    }

    /** One million rows (or --file-rows) dropped in the inbox of a fresh gateway, until every row is sent (or --file-deliver-seconds). */
    private void fileDrop(StubProcess stub) throws Exception {
        Path csv = home.resolve("bench-" + options.fileRows + ".csv");
        try (BufferedWriter out = Files.newBufferedWriter(csv)) {
            out.write("recipient_id,message\n");
            for (int i = 0; i < options.fileRows; i++) {
                SendRequest row = request(7, i);
                out.write(row.recipientId() + "," + row.message().asText() + "\n");
            }
        }
        try (BenchGateway gateway = BenchGateway.start(home.resolve("file-gateway"), stub.baseUrl(), options.concurrency, options.gatewayJvm)) {
            Delivered before = Delivered.now(stub, gateway);
            long start = System.nanoTime();
            // a rename, so the gateway never sees a half-written file
            Files.move(csv, gateway.inbox().resolve(csv.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            Matcher done = FILE_DONE.matcher(gateway.process().logText());
            while (!done.find()) {
                if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
                    throw new IllegalStateException("the file was not queued in 30 minutes; see " + gateway.process().log());
                }
                Thread.sleep(200);
                done = FILE_DONE.matcher(gateway.process().logText());
            }
            double queuedWall = (System.nanoTime() - start) / 1e9;
            long queued = Long.parseLong(done.group(2));
            double queuedRate = queued * 1000.0 / Long.parseLong(done.group(3));
            long delivered = options.fileDeliverSeconds == 0 ? before.await(queued, Duration.ofHours(2))
                    : before.awaitUntil(queued, start + Duration.ofSeconds(options.fileDeliverSeconds).toNanos());
            double deliveredRate = delivered * 1e9 / (System.nanoTime() - start);
            String label = "file of " + options.fileRows + " rows";
            row(label + ": queued, rows/s (raw JMS producer vs file source; drop to done "
                    + String.format(Locale.ROOT, "%.1f", queuedWall) + " s)", producerRate, queuedRate, "≥ 20,000 rows/s");
            row(label + ": delivered end to end, messages/s (raw client vs gateway; " + delivered + " rows in "
                    + String.format(Locale.ROOT, "%.0f", (System.nanoTime() - start) / 1e9) + " s)", rawRate, deliveredRate, "");
            row(label + ": peak RSS with -Xmx256m, MiB (VmHWM)", Double.NaN, JavaProcess.peakRssMib(gateway.process().pid()), "completes");
        }
    }

    /** How many sends the stub had answered and the sent sink held at one moment, to wait for more from there. */
    private record Delivered(StubProcess stub, BenchGateway gateway, long calls, long records) {

        static Delivered now(StubProcess stub, BenchGateway gateway) {
            return new Delivered(stub, gateway, stub.count(), gateway.sentRecords());
        }

        /** Waits until Meta has seen {@code count} more sends and the sent sink holds their records; returns {@code count}. */
        long await(long count, Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            if (!stub.awaitCount(calls + count, atMost)) {
                throw new IllegalStateException("Meta saw " + (stub.count() - calls) + " of " + count + " sends; see " + gateway.process().log());
            }
            // the stub's count is cheap to read; the sink, read only now, follows within milliseconds
            while (gateway.sentRecords() < records + count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + (gateway.sentRecords() - records) + " of " + count + " records; see "
                            + gateway.process().log());
                }
                Thread.sleep(10);
            }
            return count;
        }

        /** Waits for {@code count} more sends, or until {@code deadline} (System.nanoTime()); returns how many Meta saw. */
        long awaitUntil(long count, long deadline) throws InterruptedException {
            while (stub.count() - calls < count && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            return Math.min(count, stub.count() - calls);
        }
    }

    /** Recipients differ between runs, so no run waits for another's per-recipient order. */
    private static SendRequest request(int scenario, int i) {
        return SendRequest.text(Long.toString(scenario * 1_000_000_000L + i), "Benchmark message " + i + ", hello from the load");
    }

    private static String requestJson(int scenario, int i) {
        SendRequest request = request(scenario, i);
        return "{\"recipient_id\":\"" + request.recipientId() + "\",\"message\":\"" + request.message().asText() + "\"}";
    }

    private void row(String figure, double baseline, double gateway, String goal) {
        String ratio = Double.isNaN(baseline) || Double.isNaN(gateway) ? "" : format(gateway / baseline) + "×";
        rows.add("| " + figure + " | " + format(baseline) + " | " + format(gateway) + " | " + ratio + " | " + goal + " |");
    }

    /**
     * CPU per message of the gateway against the raw client's, in all and outside the JIT compiler's threads: a run
     * of minutes still compiles hot paths, which a gateway that has run for hours no longer does.
     */
    private void cpuRows(String unit, String door, JavaProcess.CpuTime gateway) {
        row("CPU per " + unit + ", µs (raw client process vs gateway process, " + door + ")", rawCpu.total(), gateway.total(), "");
        row("CPU per " + unit + " outside the JIT compiler's threads, µs (same run)", rawCpu.outsideCompiler(), gateway.outsideCompiler(), "");
    }

    /** Latencies compare by difference: the gateway's overhead over the stub's own time. */
    private void latencyRow(String figure, double stubMillis, double gatewayMillis, String goal) {
        rows.add("| " + figure + " | " + format(stubMillis) + " | " + format(gatewayMillis) + " | +"
                + format(gatewayMillis - stubMillis) + " ms | " + goal + " |");
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%.2f", value);
    }

    private void print() throws Exception {
        List<String> table = new ArrayList<>(List.of(
                "Run " + Instant.now() + ": " + options,
                "",
                "| figure | baseline | gateway | ratio | goal |",
                "|---|---:|---:|---:|---|"));
        table.addAll(rows);
        if (!pacedResults.isEmpty()) {
            table.addAll(List.of("", "At Meta's pace, default settings, the JMS door:", "",
                    "| scenario | delivered | share of the allowance (goal ≥ 0.9) | most sends of one account in one second (≤ 100) "
                            + "| CPU per message | peak RSS |",
                    "|---|---:|---:|---:|---:|---:|"));
            table.addAll(MetasPace.rows(pacedResults));
        }
        if (!bursts.isEmpty()) {
            table.addAll(List.of("", "Light load at Meta's pace: bursts on the same gateways once idle (median of 3 rounds), until Meta has"
                    + " answered them all:", "", "| scenario | 1 each (baseline) | burst | ratio | CPU while idle, of one core |", "|---|---:|---:|---:|---:|"));
            table.addAll(MetasPace.burstRows(bursts));
        }
        String text = String.join("\n", table) + "\n";
        System.out.println();
        System.out.print(text);
        Path report = Path.of("target", "benchmarks.md");
        Files.writeString(report, text);
        System.out.println("\n(also in " + report + "; logs under " + home + ")");
    }
}
