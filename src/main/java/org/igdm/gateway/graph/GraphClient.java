package org.igdm.gateway.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.request.SendRequest;

/**
 * Meta's Send API for any account, on the account's API: one call, one typed answer. A request and an account go
 * in; a {@link GraphSendResult} comes out, or a {@link GraphApiException} that says what to do about it:
 * {@link TransientGraphException} (retry; {@link RateLimitedException} also holds back the account),
 * {@link RejectedByGraphException} (never retry), {@link OutcomeUnknownException} (the request went out and no
 * answer came: Meta may have delivered it, so never retry blindly). It also reads a conversation back (Meta's
 * Conversations API), to see whether such a send arrived.
 *
 * <p>The call blocks its thread (meant to be a virtual one), which writes the request and reads the answer on the
 * socket itself: Apache HttpClient's classic API hands nothing to other threads, so a call costs little CPU beyond
 * the bytes. Connections are kept alive and shared by every account. The client never sends a request twice (no
 * automatic retries, no redirects): a POST that may have reached Meta must not be repeated behind the caller's back.
 * The whole call, a body that trickles in included, ends at {@code callTimeout}; the request is then cancelled,
 * which closes its connection.
 */
public final class GraphClient extends ServiceSupport {

    /**
     * Connections are not capped, per host or in all: the delivery capacity and the account gates bound the calls in
     * flight (hundreds at Meta's latency), and a cap here would only make calls queue for a connection unseen.
     */
    private static final int UNCAPPED = Integer.MAX_VALUE;
    /** A connection idle this long is checked before a request goes on it: one Meta closed would lose the POST's outcome. */
    private static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(1);
    /** Connections opened for a burst are closed once idle this long. */
    private static final TimeValue CLOSE_AFTER_IDLE = TimeValue.ofMinutes(1);

    private final GraphEndpoints endpoints;
    private final CloseableHttpClient http;
    /** Cancels the calls that pass their deadline: one thread for all, woken only when a deadline passes. */
    private final ScheduledThreadPoolExecutor deadlines;

    public GraphClient(GraphEndpoints endpoints) {
        this.endpoints = endpoints;
        Timeout callTimeout = Timeout.of(endpoints.callTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(UNCAPPED)
                        .setMaxConnPerRoute(UNCAPPED)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(endpoints.connectTimeout()))
                                .setSocketTimeout(callTimeout)
                                .setValidateAfterInactivity(CHECK_AFTER_IDLE)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(endpoints.connectTimeout()))
                        .setResponseTimeout(callTimeout)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                // connections belong to no account (the token travels in each request), so any account reuses any
                .disableConnectionState()
                .evictIdleConnections(CLOSE_AFTER_IDLE)
                .build();
        this.deadlines = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("graph-call-deadlines").daemon().factory());
        // most calls end well before their deadline: their cancellations leave the queue at once
        this.deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * Sends the request for the account.
     *
     * @param requestWritten runs once the whole request has gone on the connection to Meta (not at all when it could
     *                       not be written)
     */
    public GraphSendResult send(Account account, SendRequest request, Runnable requestWritten) {
        HttpPost post = new HttpPost(endpoints.messagesUri(account));
        switch (account.api()) {
            case FACEBOOK -> post.setEntity(new SentBody(GraphForm.encode(SendApiBody.of(request), account.token()),
                    GraphForm.CONTENT_TYPE, requestWritten));
            case INSTAGRAM -> {
                post.setHeader("Authorization", "Bearer " + account.token().reveal());
                post.setEntity(new SentBody(SendApiBody.of(request).toString(), "application/json", requestWritten));
            }
        }
        Answer answer = call(post);
        return GraphResponses.interpret(answer.status(), answer.body(), answer.usage(), request.senderAction() == null);
    }

    /**
     * The id of the account's Instagram conversation with the user (Meta's Conversations API); empty when they
     * have none. A failed read is a {@link GraphApiException}, like a failed send.
     */
    public Optional<String> conversationWith(Account account, String userId) {
        JsonNode found = read(account, endpoints.conversationsUri(account, userId));
        for (JsonNode conversation : found.path("data")) {
            if (conversation.hasNonNull("id")) {
                return Optional.of(conversation.get("id").asText());
            }
        }
        return Optional.empty();
    }

    /** The latest messages of a conversation, both ways, newest first (Meta shows the last 20). */
    public List<ConversationMessage> messagesOf(Account account, String conversationId) {
        return ConversationMessage.listOf(read(account, endpoints.conversationMessagesUri(account, conversationId)));
    }

    /** A GET, on either API with the token as {@code Authorization: Bearer}: a URL, which logs keep, never holds it. */
    private JsonNode read(Account account, URI uri) {
        HttpGet get = new HttpGet(uri);
        get.setHeader("Authorization", "Bearer " + account.token().reveal());
        Answer answer = call(get);
        return GraphResponses.read(answer.status(), answer.body(), answer.usage());
    }

    /**
     * A send's body in UTF-8 under the bare media type, as Meta documents it (no charset parameter). Once it is
     * written, it pushes the whole request to the socket and says so: from then on nothing in this JVM (a pause, a
     * slow first call) can hold the request back from Meta.
     */
    private static final class SentBody extends HttpEntityWrapper {
        private final Runnable written;

        SentBody(String body, String mediaType, Runnable written) {
            super(new ByteArrayEntity(body.getBytes(StandardCharsets.UTF_8), ContentType.create(mediaType)));
            this.written = written;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            super.writeTo(out);
            out.flush();
            written.run();
        }
    }

    /** What Meta answered, read off the connection before it goes back to the pool. */
    private record Answer(int status, String body, RateLimitUsage usage) {

        static Answer of(ClassicHttpResponse response) throws IOException {
            // Meta answers JSON, which is UTF-8
            String body = response.getEntity() == null ? "" : new String(EntityUtils.toByteArray(response.getEntity()), StandardCharsets.UTF_8);
            RateLimitUsage usage = RateLimitUsage.fromHeaders(header(response, RateLimitUsage.APP_HEADER),
                    header(response, RateLimitUsage.BUSINESS_HEADER),
                    RetryAfter.parse(header(response, RetryAfter.HEADER), Instant.now()));
            return new Answer(response.getCode(), body, usage);
        }

        private static String header(ClassicHttpResponse response, String name) {
            Header header = response.getFirstHeader(name);
            return header == null ? null : header.getValue();
        }
    }

    private Answer call(HttpUriRequestBase request) {
        Instant sentAt = Instant.now();
        ScheduledFuture<?> deadline = deadlines.schedule(request::cancel, endpoints.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            return http.execute(request, Answer::of);
        } catch (IOException failure) {
            if (request.isCancelled()) {
                throw late(failure, sentAt);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new OutcomeUnknownException("the call was interrupted while Meta had the request", sentAt, failure);
            }
            throw classify(failure, sentAt);
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * A failure to connect happened before anything was sent: retried like a 5xx. Any other failure (a timeout, a
     * reset, a connection closed before the answer) may have come after Meta had the request: the outcome is unknown.
     */
    private GraphApiException classify(IOException failure, Instant sentAt) {
        if (failure instanceof ConnectException || failure instanceof ConnectTimeoutException
                || failure instanceof NoRouteToHostException || failure instanceof UnknownHostException
                || failure instanceof ConnectionRequestTimeoutException) {
            return new GraphUnreachableException(failure);
        }
        if (failure instanceof SocketTimeoutException) {
            return late(failure, sentAt);
        }
        return new OutcomeUnknownException("the connection failed while Meta had the request ("
                + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")", sentAt, failure);
    }

    /** Either deadline, the socket's (no byte for the whole call time) or this client's (the whole answer), passed. */
    private OutcomeUnknownException late(Throwable cause, Instant sentAt) {
        return new OutcomeUnknownException("no complete answer from Meta within " + endpoints.callTimeout().toMillis()
                + " ms after the request was sent", sentAt, cause);
    }

    /** Once the routes have stopped: the kept-alive connections close, and the deadline thread ends. */
    @Override
    protected void doStop() {
        http.close(CloseMode.GRACEFUL);
        deadlines.shutdownNow();
    }
}
