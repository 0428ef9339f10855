package org.igdm.gateway.graph;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.request.SendRequest;

/**
 * Meta's Send API for any account, on the account's API: one call, one typed answer. A request and an account go
 * in; a {@link GraphSendResult} comes out, or a {@link GraphApiException} that says what to do about it:
 * {@link TransientGraphException} (retry; {@link RateLimitedException} also holds back the account),
 * {@link RejectedByGraphException} (never retry), {@link OutcomeUnknownException} (the request went out and no
 * answer came: Meta may have delivered it, so never retry blindly).
 *
 * <p>The call blocks its thread (meant to be a virtual one) until the answer or the deadline. Connections are the
 * JDK client's, shared by every account and not capped per host, so hundreds of calls may be in flight. The whole
 * call, a body that trickles in included, ends at {@code callTimeout}; the exchange is then cancelled.
 */
public final class GraphClient {

    private final GraphEndpoints endpoints;
    private final HttpClient http;

    public GraphClient(GraphEndpoints endpoints) {
        this.endpoints = endpoints;
        this.http = HttpClient.newBuilder()
                .connectTimeout(endpoints.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public GraphSendResult send(Account account, SendRequest request) {
        URI uri = endpoints.messagesUri(account);
        HttpRequest.Builder call = HttpRequest.newBuilder(uri).timeout(endpoints.callTimeout());
        if (uri.getScheme().equals("http")) {
            // a local stand-in (tests, the demo sandbox): plain HTTP/1.1, no h2c upgrade attempt
            call.version(HttpClient.Version.HTTP_1_1);
        }
        switch (account.api()) {
            case FACEBOOK -> call.header("Content-Type", GraphForm.CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(GraphForm.encode(SendApiBody.of(request), account.token())));
            case INSTAGRAM -> call.header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + account.token().reveal())
                    .POST(HttpRequest.BodyPublishers.ofString(SendApiBody.of(request).toString()));
        }
        HttpResponse<String> answer = call(call.build());
        RateLimitUsage usage = RateLimitUsage.fromHeaders(
                answer.headers().firstValue(RateLimitUsage.APP_HEADER).orElse(null),
                answer.headers().firstValue(RateLimitUsage.BUSINESS_HEADER).orElse(null),
                RetryAfter.parse(answer.headers().firstValue(RetryAfter.HEADER).orElse(null), Instant.now()));
        return GraphResponses.interpret(answer.statusCode(), answer.body(), usage, request.senderAction() == null);
    }

    private HttpResponse<String> call(HttpRequest request) {
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            return call.get(endpoints.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            call.cancel(true);
            throw late(late);
        } catch (InterruptedException interrupted) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new OutcomeUnknownException("the call was interrupted while Meta had the request", interrupted);
        } catch (ExecutionException failed) {
            throw classify(failed.getCause());
        }
    }

    /**
     * A failure to connect happened before anything was sent: retried like a 5xx. Any other failure (a timeout, a
     * reset) may have come after Meta had the request, and the JDK client does not say which: the outcome is unknown.
     */
    private GraphApiException classify(Throwable failure) {
        if (failure instanceof HttpConnectTimeoutException || failure instanceof ConnectException
                || failure instanceof UnresolvedAddressException || failure.getCause() instanceof UnresolvedAddressException) {
            return new GraphUnreachableException(failure);
        }
        if (failure instanceof HttpTimeoutException) {
            return late(failure);
        }
        String what = failure instanceof IOException
                ? "the connection failed while Meta had the request (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")"
                : "the call failed after the request was sent (" + failure + ")";
        return new OutcomeUnknownException(what, failure);
    }

    /** Either deadline, the JDK client's (until the answer's headers) or this client's (the whole body), passed. */
    private OutcomeUnknownException late(Throwable cause) {
        return new OutcomeUnknownException("no complete answer from Meta within " + endpoints.callTimeout().toMillis()
                + " ms after the request was sent", cause);
    }
}
