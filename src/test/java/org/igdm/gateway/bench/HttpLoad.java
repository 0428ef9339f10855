package org.igdm.gateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * A closed loop of POSTs, as a plain Java program calling an HTTP API itself would send them: {@code concurrency}
 * threads, each sending its next request once the last one was answered, over one Apache HttpClient 5 (classic,
 * HTTP/1.1, a kept-alive connection per thread), the client the gateway calls Meta with. Every answer must be 200:
 * the rate of anything else is no rate.
 */
final class HttpLoad {

    /** What a run measured: the rate, and each request's latency. */
    record Result(int requests, long nanos, long[] latencies) {

        double perSecond() {
            return requests * 1e9 / nanos;
        }

        /** The latency at this percentile (0-100), in milliseconds. */
        double percentileMillis(double percentile) {
            int index = (int) Math.ceil(percentile / 100 * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(latencies.length - 1, index))] / 1e6;
        }
    }

    /** What a request got back. */
    private record Answer(int status, String body) {
    }

    private final CloseableHttpClient client;
    private final int concurrency;

    private final AtomicInteger retries = new AtomicInteger();

    HttpLoad(int concurrency) {
        this.concurrency = concurrency;
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(concurrency)
                        .setMaxConnPerRoute(concurrency)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(5))
                                .setSocketTimeout(Timeout.ofSeconds(60))
                                .build())
                        .build())
                .disableAutomaticRetries()
                .build();
    }

    /**
     * One request; sent once more if a kept-alive connection was closed under it before any answer came (a server
     * and a client race on idle connections now and then), so that such a close does not end the whole run.
     */
    private Answer send(String url, ContentType contentType, byte[] body) throws IOException {
        try {
            return sendOnce(url, contentType, body);
        } catch (IOException closed) {
            retries.incrementAndGet();
            return sendOnce(url, contentType, body);
        }
    }

    private Answer sendOnce(String url, ContentType contentType, byte[] body) throws IOException {
        HttpPost post = new HttpPost(url);
        post.setEntity(new ByteArrayEntity(body, contentType));
        return client.execute(post, response -> new Answer(response.getCode(),
                response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8)));
    }

    /** Sends {@code count} POSTs of {@code body(i)} with this content type to the URL; returns once all were answered. */
    Result post(String url, String contentType, int count, IntFunction<String> body) throws Exception {
        ContentType type = ContentType.parse(contentType);
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[count];
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        byte[] request = body.apply(i).getBytes(StandardCharsets.UTF_8);
                        long sent = System.nanoTime();
                        Answer answer = send(url, type, request);
                        latencies[i] = System.nanoTime() - sent;
                        if (answer.status() != 200) {
                            throw new IllegalStateException(url + " answered " + answer.status() + ": " + answer.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            threads.shutdownNow();
        }
        long nanos = System.nanoTime() - start;
        if (retries.get() > 0) {
            System.out.println(url + ": " + retries.get() + " requests sent again after a kept-alive connection closed under them");
        }
        Arrays.sort(latencies);
        return new Result(count, nanos, latencies);
    }
}
