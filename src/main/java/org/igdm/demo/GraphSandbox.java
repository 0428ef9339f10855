package org.igdm.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.support.service.ServiceSupport;
import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.account.Api;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's stand-in for Meta's Graph API: an HTTP server on 127.0.0.1 that answers the Send API as
 * {@link SandboxGraphApi} plays it (and the Conversations API, to read back what it took), on both of Meta's APIs, for two accounts with a token each: one on the
 * Messenger Platform (form body), one on the Instagram API (JSON body, Bearer token). It plays both hosts at once
 * ({@code ig.graph-url} and {@code ig.instagram-graph-url} both point to it). It never calls anything itself, and
 * it runs only in the demo profile (see {@link DemoProfile}). As a Camel service it stops after the routes.
 */
public final class GraphSandbox extends ServiceSupport {

    /** The account the sandbox plays on the Messenger Platform (api=facebook); the demo's default account. */
    public static final String USER_ID = "17841400000000000";
    /** The only token the sandbox accepts for it, in the form body; any other gets Meta's code 190. Worthless at Meta. */
    public static final String TOKEN = "DEMO-SANDBOX-TOKEN-not-valid-at-meta";
    /** The account the sandbox plays on the Instagram API (api=instagram); the demo's account {@code studio}. */
    public static final String INSTAGRAM_USER_ID = "17841400000000002";
    /** The only token the sandbox accepts for it, as {@code Authorization: Bearer}. Worthless at Meta. */
    public static final String INSTAGRAM_TOKEN = "IGAA-DEMO-SANDBOX-TOKEN-not-valid-at-meta";

    private static final Logger LOG = LoggerFactory.getLogger(GraphSandbox.class);
    /** Meta answers 413 far below this; a form body of the largest valid message is under 4 KiB. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final int port;
    private final SandboxGraphApi meta = new SandboxGraphApi(List.of(
            new SandboxGraphApi.Account(USER_ID, Api.FACEBOOK, new AccessToken(TOKEN)),
            new SandboxGraphApi.Account(INSTAGRAM_USER_ID, Api.INSTAGRAM, new AccessToken(INSTAGRAM_TOKEN))));
    /** The users who write to the account through webhooks; null when the gateway takes none. */
    private final SandboxUsers users;
    private HttpServer server;
    private ExecutorService threads;

    public GraphSandbox(int port) {
        this(port, null);
    }

    GraphSandbox(int port, SandboxUsers users) {
        this.port = port;
        this.users = users;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    protected void doStart() throws IOException {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
        } catch (BindException taken) {
            throw new IllegalStateException("The demo's Graph API sandbox cannot listen on 127.0.0.1:" + port
                    + " (is a demo gateway already running?). Set gateway.demo.sandbox-port to a free port.", taken);
        }
        threads = Executors.newFixedThreadPool(4, work -> {
            Thread thread = new Thread(work, "graph-sandbox");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange,
                body -> meta.answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                        exchange.getRequestHeaders().getFirst("Authorization"), body)));
        if (users != null) {
            server.createContext(SandboxUsers.PATH, exchange -> handle(exchange,
                    text -> users.answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(), text)));
        }
        server.start();
        LOG.info("Graph API sandbox listening on {}", url());
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
            LOG.info("Graph API sandbox stopped");
        }
    }

    /** One call: the body read (413 past {@link #MAX_BODY_BYTES}) and answered by {@code answering}. */
    private static void handle(HttpExchange exchange, Answering answering) throws IOException {
        try (exchange) {
            String body = readBody(exchange.getRequestBody());
            SandboxAnswer answer = body == null ? new SandboxAnswer(413, Map.of(), "") : answering.answer(body);
            if (answer.dropsConnection()) {
                // closed before any answer: the server closes the connection
                return;
            }
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Answering {
        SandboxAnswer answer(String body) throws IOException;
    }

    /** The body, or null past {@link #MAX_BODY_BYTES}. */
    private static String readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        return bytes.length > MAX_BODY_BYTES ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
