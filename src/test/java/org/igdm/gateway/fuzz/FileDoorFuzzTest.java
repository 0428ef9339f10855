package org.igdm.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.igdm.gateway.Json;
import org.igdm.gateway.support.GraphStub;
import org.igdm.gateway.support.RunningGateway;

/**
 * Generated batch files dropped in the inbox the way producers are told to (written elsewhere, then renamed into
 * it): CSV with any header and cells, quoting, byte order marks and line ends, JSON arrays and objects with any
 * fields and nesting, and both of them cut short, with bytes that are not UTF-8, or empty. Each file ends in
 * {@code .done} or {@code .failed}, once; every row of a done file ends as exactly one record (sent, or failed:
 * the refused rows as {@code invalid}); a failed file has its one record naming it; Meta gets one call per sent
 * record; no route fails. A fixed seed and a bounded count keep it reproducible and within the suite's time.
 */
class FileDoorFuzzTest {

    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(20);
    /** The request's columns, as a header row may spell them: any case, spaces around. */
    private static final List<String> COLUMNS = List.of("recipient_id", "comment_id", "message", "attachment_type",
            "attachment_url", "tag", "idempotency_key", "account");
    private static final List<String> OTHER_COLUMNS = List.of("note", "unused", "Recipient", "id", "", "message2");
    private static final List<String> JSON_FIELDS = List.of("recipient_id", "comment_id", "message", "sender_action", "payload",
            "tag", "account", "idempotency_key", "other");
    /** Jackson refuses JSON nested deeper than this; near it, whether a file is taken is not predicted here. */
    private static final int NESTING_LIMIT = 1000;
    private static final AtomicLong DROPS = new AtomicLong();

    private static Path home;
    private static Path inbox;
    private static Path staging;
    private static GraphStub meta;
    private static RunningGateway gateway;

    /**
     * A generated file: its content, the name's oddities and extension, and what the file source must make of it
     * when that can be told from how it was built ({@code done} and {@code rows} null when it cannot: a file cut
     * short or with a foreign byte somewhere).
     */
    record Batch(byte[] content, String suffix, String extension, Boolean done, Long rows) {

        Batch mutated(byte[] changed) {
            return new Batch(changed, suffix, extension, null, null);
        }

        @Override
        public String toString() {
            String text = new String(content, StandardCharsets.UTF_8);
            return "name *" + suffix + extension + " done=" + done + " rows=" + rows + " content("
                    + content.length + ")=" + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        home = Files.createTempDirectory("ig-dm-gateway-fuzz-file");
        inbox = Files.createDirectories(home.resolve("inbox"));
        staging = Files.createDirectories(home.resolve("staging"));
        meta = new GraphStub();
        Map<String, String> settings = RunningGateway.defaults(home, meta.url());
        settings.put("gateway.file.poll-ms", "100");
        settings.put("gateway.file.settle-ms", "300");
        gateway = RunningGateway.start(home, settings);
    }

    @AfterContainer
    static void stop() throws Exception {
        gateway.close();
        meta.close();
        RunningGateway.deleteRecursively(home);
    }

    @Property(tries = 180, seed = "20261129")
    void anyDroppedFileEndsDoneOrFailedOnceAndEachRowAsOneRecord(@ForAll("batches") Batch batch) throws Exception {
        SinceTry since = SinceTry.begin(home, meta);
        String name = "fuzz-" + DROPS.incrementAndGet() + batch.suffix() + batch.extension();

        drop(name, batch.content());

        await().atMost(OUTCOME_WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> !Files.exists(inbox.resolve(name)) && !landed(name).isEmpty());
        List<Path> landed = landed(name);
        assertThat(landed).as("where the file went").hasSize(1);
        boolean done = landed.getFirst().getParent().getFileName().toString().equals(".done");
        if (batch.done() != null) {
            assertThat(done).as("taken whole (.done) rather than refused (.failed)").isEqualTo(batch.done());
        }
        String source = "file:" + name;
        if (done) {
            long rows = batch.rows() != null ? batch.rows() : rowsLogged(since.log(), name);
            await().atMost(OUTCOME_WAIT).pollInterval(Duration.ofMillis(20)).until(() -> since.recorded(rows));
            List<JsonNode> records = since.records();
            assertThat(records).as("each row's one record").extracting(r -> r.path("source").asText())
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, rows).mapToObj(row -> source + "#" + row).toList());
            assertThat(records).filteredOn(r -> r.path("status").asText().equals("failed"))
                    .allSatisfy(r -> assertThat(r.path("error").path("category").asText()).isIn("invalid", "duplicate", "rejected"));
        } else {
            await().atMost(OUTCOME_WAIT).pollInterval(Duration.ofMillis(20)).until(() -> since.recorded(1));
            assertThat(since.records()).as("the refused file's one record").singleElement().satisfies(r -> {
                assertThat(r.path("source").asText()).isEqualTo(source);
                assertThat(r.path("status").asText()).isEqualTo("failed");
                assertThat(r.path("error").path("category").asText()).isEqualTo("invalid");
                assertThat(r.path("error").path("message").asText()).isNotBlank();
            });
        }
        assertThat(since.callsToMeta()).as("calls to Meta, one per sent record").hasSameSizeAs(since.sentRecords());
        assertThat(since.log()).as("the log").doesNotContain(" ERROR ").doesNotContain("Exhausted after delivery");
    }

    /** Written elsewhere, then renamed into the inbox, a while after it was written (so the settle wait is over). */
    private static void drop(String name, byte[] content) throws IOException {
        Path staged = Files.write(staging.resolve(name), content);
        Files.setLastModifiedTime(staged, FileTime.from(Instant.now().minusSeconds(10)));
        Files.move(staged, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The drop of {@code name} in {@code .done} or {@code .failed} (their names carry a time stamp). */
    private static List<Path> landed(String name) {
        List<Path> found = new ArrayList<>();
        for (String folder : List.of(".done", ".failed")) {
            Path dir = inbox.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith("-" + name)).forEach(found::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return found;
    }

    /** How many rows the file source found in a file whose rows this test cannot count (it logs that once). */
    private static long rowsLogged(String log, String name) {
        Matcher rows = Pattern.compile("file " + Pattern.quote(name) + ": (\\d+) rows \\(").matcher(log);
        assertThat(rows.find()).as("the log line that counts the rows of %s", name).isTrue();
        return Long.parseLong(rows.group(1));
    }

    @Provide
    Arbitrary<Batch> batches() {
        Arbitrary<Batch> built = Arbitraries.frequencyOf(Tuple.of(8, csv()), Tuple.of(8, json()),
                Tuple.of(1, Arbitraries.of(new Batch(new byte[0], "", ".csv", false, 0L), new Batch(new byte[0], "", ".json", false, 0L))));
        return Arbitraries.frequencyOf(Tuple.of(3, built), Tuple.of(1, Combinators.combine(built, mutations()).as(
                (batch, mutation) -> batch.content().length == 0 ? batch : batch.mutated(mutation.apply(batch.content())))));
    }

    /** A CSV file: a header of request columns and others, rows of any cells, any line ends and quoting. */
    private static Arbitrary<Batch> csv() {
        Arbitrary<String> column = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(COLUMNS), Arbitraries.of("", " ", "\t"), Arbitraries.of(true, false))
                        .as((name, pad, upper) -> pad + (upper ? name.toUpperCase(Locale.ROOT) : name) + pad),
                Arbitraries.of(OTHER_COLUMNS));
        // mostly a header that names the request (among other columns, in any order), else any columns at all
        Arbitrary<List<String>> naming = Combinators.combine(Arbitraries.of("recipient_id", "comment_id"),
                Arbitraries.of("message", "attachment_type"), column.list().ofMaxSize(4), Arbitraries.of(true, false))
                .as((who, what, others, upper) -> {
                    // the other columns name neither of the two again (a column named twice is the other arm's case)
                    List<String> columns = new ArrayList<>(others.stream()
                            .filter(other -> !List.of(who, what).contains(other.strip().toLowerCase(Locale.ROOT))).toList());
                    columns.add(upper ? who.toUpperCase(Locale.ROOT) : who);
                    columns.add(what);
                    return columns;
                }).flatMap(Arbitraries::shuffle);
        Arbitrary<List<String>> header = Arbitraries.frequencyOf(Tuple.of(3, naming), Tuple.of(1, column.list().ofMinSize(1).ofMaxSize(6)));
        Arbitrary<Tuple.Tuple2<List<String>, List<List<String>>>> table = header.flatMap(head -> row(head).list().ofMaxSize(6)
                .map(rows -> Tuple.of(head, rows)));
        return Combinators.combine(table, Arbitraries.of("\n", "\r\n"), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false), names(), Arbitraries.of(".csv", ".CSV")).as((headAndBody, newline, bom, quoteAll, blankLines, suffix, extension) -> {
                    List<String> head = headAndBody.get1();
                    List<List<String>> body = headAndBody.get2();
                    StringBuilder text = new StringBuilder(bom ? "\uFEFF" : "");
                    text.append(csvLine(head, quoteAll)).append(newline);
                    for (List<String> row : body) {
                        text.append(blankLines ? newline : "").append(csvLine(row, quoteAll)).append(newline);
                    }
                    return new Batch(text.toString().getBytes(StandardCharsets.UTF_8), suffix, extension, headerNamesTheRequest(head),
                            (long) body.size());
                });
    }

    /**
     * A row under the header: each column's cell mostly what the column should hold (so that many rows are sent),
     * else anything; now and then a cell too few or too many.
     */
    private static Arbitrary<List<String>> row(List<String> header) {
        List<Arbitrary<String>> cells = header.stream().map(column -> cellOf(column.strip().toLowerCase(Locale.ROOT))).toList();
        Arbitrary<List<String>> fitting = Combinators.combine(cells).as(List::copyOf);
        return Arbitraries.frequencyOf(Tuple.of(6, fitting),
                Tuple.of(1, fitting.map(full -> full.subList(0, full.size() - 1)).filter(row -> !row.isEmpty())),
                Tuple.of(1, Combinators.combine(fitting, cells()).as((full, extra) -> {
                    List<String> longer = new ArrayList<>(full);
                    longer.add(extra);
                    return longer;
                })));
    }

    private static Arbitrary<String> cellOf(String column) {
        return switch (column) {
            case "recipient_id", "comment_id" -> Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20)),
                    Tuple.of(1, cells()));
            case "message" -> Arbitraries.frequencyOf(Tuple.of(5, Generated.words()), Tuple.of(1, cells()));
            case "tag", "attachment_type", "attachment_url", "idempotency_key", "account" ->
                    Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just("")), Tuple.of(1, cells()));
            default -> cells();
        };
    }

    /** Cells of every sort: ids, words, any characters (separators, quotes and line breaks included), long ones. */
    private static Arbitrary<String> cells() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20)),
                Tuple.of(3, Arbitraries.strings().alpha().withChars(' ').ofMaxLength(30)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(2, Arbitraries.of("", " ", "HUMAN_AGENT", "image", "like_heart", "video", "https://example.com/a.png",
                        "\"", ",", "\r\n", "\r", "a\"b", "default")),
                Tuple.of(1, Arbitraries.strings().ofMinLength(1000).ofMaxLength(5000)));
    }

    /**
     * One CSV line as RFC 4180 writes it: a cell with a separator, quote or line break is quoted (all of them with
     * {@code quoteAll}); a line of one empty cell is quoted too, or it would be a blank line, which is skipped.
     */
    private static String csvLine(List<String> cells, boolean quoteAll) {
        return cells.stream().map(cell -> quoteAll || cells.size() == 1 && cell.isEmpty() || cell.matches("(?s).*[,\"\r\n].*")
                ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell).collect(Collectors.joining(","));
    }

    /** The documented header rule: each request column at most once, and one of each required pair. */
    private static boolean headerNamesTheRequest(List<String> header) {
        List<String> named = header.stream().map(cell -> cell.strip().toLowerCase(Locale.ROOT)).filter(COLUMNS::contains).toList();
        return named.size() == named.stream().distinct().count()
                && (named.contains("recipient_id") || named.contains("comment_id"))
                && (named.contains("message") || named.contains("attachment_type"));
    }

    /** A JSON file: an array of elements, one request object, or a bare value; elements with any fields and nesting. */
    private static Arbitrary<Batch> json() {
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(30, Generated.scalars()),
                Tuple.of(1, Generated.depths().map(depth -> Generated.nested(depth, "[", "]"))));
        Arbitrary<String> object = Arbitraries.subsetOf(JSON_FIELDS).flatMap(fields -> value.list().ofSize(fields.size()).map(values -> {
            List<String> names = List.copyOf(fields);
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                pairs.add(Generated.quote(names.get(i)) + ":" + values.get(i));
            }
            return "{" + String.join(",", pairs) + "}";
        }));
        Arbitrary<String> element = Arbitraries.frequencyOf(Tuple.of(4, Generated.validRequests()), Tuple.of(3, object),
                Tuple.of(1, Generated.requests()),
                Tuple.of(1, Generated.scalars()));
        Arbitrary<List<String>> elements = element.list().ofMaxSize(6);
        return Combinators.combine(elements, Arbitraries.frequency(Tuple.of(6, "array"), Tuple.of(2, "object"), Tuple.of(1, "bare")), Arbitraries.of("", "\n", "\r\n  "),
                Arbitraries.of(true, false), names(), Arbitraries.of(".json", ".JSON")).as((list, shape, space, bom, suffix, extension) -> {
                    String bare = list.isEmpty() ? "\"text\"" : list.getFirst();
                    String text = switch (shape) {
                        case "array" -> "[" + space + String.join("," + space, list) + space + "]";
                        case "object" -> list.isEmpty() || !list.getFirst().startsWith("{") ? "{}" : list.getFirst();
                        default -> bare.startsWith("{") || bare.startsWith("[") ? "1" : bare;
                    };
                    long rows = shape.equals("array") ? list.size() : 1;
                    int depth = depth(text);
                    Boolean done = !shape.equals("bare") && depth <= NESTING_LIMIT - 5 && !hasDuplicateKeys(list, shape) ? Boolean.TRUE
                            : shape.equals("bare") || depth > NESTING_LIMIT + 5 ? Boolean.FALSE : null;
                    return new Batch(((bom ? "\uFEFF" : "") + text).getBytes(StandardCharsets.UTF_8), suffix, extension, done,
                            done == Boolean.TRUE ? rows : null);
                });
    }

    /** How deep the text's arrays and objects nest, counted the way a parser counts (strings skipped). */
    private static int depth(String json) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                deepest = Math.max(deepest, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return deepest;
    }

    /** {@link Generated#requests()} may repeat a field, which strict JSON refuses: such a file is not predicted. */
    private static boolean hasDuplicateKeys(List<String> elements, String shape) {
        List<String> read = shape.equals("array") ? elements : elements.isEmpty() ? List.of() : List.of(elements.getFirst());
        return read.stream().anyMatch(element -> {
            try {
                Json.MAPPER.readTree(element);
                return false;
            } catch (IOException e) {
                return true;
            }
        });
    }

    /** Odd but ordinary file names: spaces, non-ASCII letters, characters a shell or an expression language treats specially. */
    private static Arbitrary<String> names() {
        return Arbitraries.of("", " with space", "-ünïcödé", "-#1", "-'q'", "-$x", "-${date:now}", "-{a}", "-(1)");
    }

    /** What a broken producer does to a file: cuts it short, puts a byte that is not UTF-8 in it, or adds to its end. */
    private static Arbitrary<UnaryOperator<byte[]>> mutations() {
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        return Arbitraries.oneOf(
                where.map(at -> content -> Arrays.copyOf(content, (int) (content.length * at))),
                Combinators.combine(where, Arbitraries.of((byte) 0xFF, (byte) 0xC3, (byte) 0x80, (byte) 0xED, (byte) 0x00))
                        .as((at, bad) -> content -> insert(content, (int) (content.length * at), new byte[] {bad})),
                Arbitraries.of("]", "}", ",", "\"", "\n,,,\n", "garbage").map(tail -> content ->
                        insert(content, content.length, tail.getBytes(StandardCharsets.UTF_8))));
    }

    private static byte[] insert(byte[] content, int at, byte[] inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(content, 0, at);
        out.writeBytes(inserted);
        out.write(content, at, content.length - at);
        return out.toByteArray();
    }
}
