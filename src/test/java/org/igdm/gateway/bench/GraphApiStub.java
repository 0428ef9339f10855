package org.igdm.gateway.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A fast stand-in for Meta's Send API, run as its own process so that its CPU is not billed to what is measured:
 * {@code POST /v25.0/{user}/messages} answers 200 with a fresh message id and Meta's usage headers (low usage, so
 * the gateway never slows down), and {@code GET /count} says how many sends it answered. No journal is kept, unlike
 * WireMock's, so a million sends cost no memory. {@code GET /peak} says, per account (the user id in the path), the
 * most sends that arrived within any one second, from the stub's own clock, and how many arrived in all.
 *
 * <p>Arguments: {@code [port (0 = any free one)] [threads (0 = a virtual thread per request)] [delay-ms per send]
 * [jitter-ms: each delay drawn uniformly from delay ± jitter] [a user id whose token Meta refuses: its sends are
 * answered 400 with code 190, after the delay, and not counted]}. The first line on stdout is {@code listening <port>}.
 */
public final class GraphApiStub {

    static final String APP_USAGE = "{\"call_count\":28,\"total_time\":25,\"total_cputime\":25}";
    static final String BUSINESS_USAGE = "{\"17841400000000001\":[{\"type\":\"instagram\",\"call_count\":12,"
            + "\"total_cputime\":3,\"total_time\":4,\"estimated_time_to_regain_access\":0}]}";
    private static final Pattern SEND_PATH = Pattern.compile("/v[0-9.]+/([0-9]+)/messages");
    private static final Pattern RECIPIENT = Pattern.compile("\"id\"\\s*:\\s*\"([0-9]+)\"");

    private final AtomicLong sends = new AtomicLong();
    private final Map<String, Arrivals> arrivals = new ConcurrentHashMap<>();
    private final long delayMillis;
    private final long jitterMillis;
    private final String refusedUserId;

    private GraphApiStub(long delayMillis, long jitterMillis, String refusedUserId) {
        this.delayMillis = delayMillis;
        this.jitterMillis = jitterMillis;
        this.refusedUserId = refusedUserId;
    }

    /** One account's arrivals: those of the last second, and the most there ever were within one second. */
    private static final class Arrivals {
        private final ArrayDeque<Long> lastSecond = new ArrayDeque<>();
        private int peak;
        private long total;

        synchronized void arrived(long nanos) {
            while (!lastSecond.isEmpty() && lastSecond.peekFirst() <= nanos - 1_000_000_000L) {
                lastSecond.pollFirst();
            }
            lastSecond.addLast(nanos);
            peak = Math.max(peak, lastSecond.size());
            total++;
        }

        synchronized String line(String account) {
            return account + " " + peak + " " + total;
        }
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long delay = args.length > 2 ? Long.parseLong(args[2]) : 0;
        long jitter = args.length > 3 ? Long.parseLong(args[3]) : 0;
        GraphApiStub stub = new GraphApiStub(delay, jitter, args.length > 4 ? args[4] : null);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", stub::handle);
        server.setExecutor(threads == 0 ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(threads));
        server.start();
        System.out.println("listening " + server.getAddress().getPort());
        System.out.flush();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(exchange.getRequestMethod()) && "/count".equals(path)) {
                answer(exchange, 200, "text/plain", Long.toString(sends.get()));
            } else if ("GET".equals(exchange.getRequestMethod()) && "/peak".equals(path)) {
                answer(exchange, 200, "text/plain", arrivals.entrySet().stream()
                        .map(account -> account.getValue().line(account.getKey())).collect(Collectors.joining("\n")));
            } else if ("POST".equals(exchange.getRequestMethod()) && SEND_PATH.matcher(path).matches()) {
                Matcher account = SEND_PATH.matcher(path);
                account.matches();
                arrivals.computeIfAbsent(account.group(1), any -> new Arrivals()).arrived(System.nanoTime());
                String recipient = recipient(readBody(exchange.getRequestBody()));
                pause();
                if (account.group(1).equals(refusedUserId)) {
                    answer(exchange, 400, "application/json", "{\"error\":{\"message\":\"Error validating access token:"
                            + " The session has been invalidated.\",\"type\":\"OAuthException\",\"code\":190}}");
                    return;
                }
                long id = sends.incrementAndGet();
                exchange.getResponseHeaders().add("X-App-Usage", APP_USAGE);
                exchange.getResponseHeaders().add("X-Business-Use-Case-Usage", BUSINESS_USAGE);
                answer(exchange, 200, "application/json",
                        "{\"recipient_id\":\"" + recipient + "\",\"message_id\":\"mid." + id + "\"}");
            } else {
                answer(exchange, 404, "application/json", "{\"error\":{\"message\":\"unknown path\",\"code\":100}}");
            }
        }
    }

    /** The recipient's id from the form field {@code recipient={"id":"…"}}, as Meta echoes it. */
    private static String recipient(String form) {
        for (String field : form.split("&")) {
            if (field.startsWith("recipient=")) {
                Matcher id = RECIPIENT.matcher(URLDecoder.decode(field.substring("recipient=".length()), StandardCharsets.UTF_8));
                if (id.find()) {
                    return id.group(1);
                }
            }
        }
        return "";
    }

    private void pause() {
        long delay = jitterMillis == 0 ? delayMillis
                : delayMillis - jitterMillis + ThreadLocalRandom.current().nextLong(2 * jitterMillis + 1);
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String readBody(InputStream body) throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
