package org.igdm.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A closed loop of POSTs, as a plain Java program calling an HTTP API itself would send them: {@code concurrency}
 * threads, each sending its next request once the last one was answered, over one JDK {@link HttpClient}
 * (HTTP/1.1, kept-alive connections). Every answer must be 200: the rate of anything else is no rate.
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

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final int concurrency;

    private final AtomicInteger retries = new AtomicInteger();

    HttpLoad(int concurrency) {
        this.concurrency = concurrency;
    }

    /**
     * One request; sent once more if a kept-alive connection was closed under it before any answer came (the JDK's
     * server and client race on idle connections now and then), so that such a close does not end the whole run.
     */
    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException closed) {
            retries.incrementAndGet();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Sends {@code count} POSTs of {@code body(i)} with this content type to the URL; returns once all were answered. */
    Result post(String url, String contentType, int count, IntFunction<String> body) throws Exception {
        URI uri = URI.create(url);
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[count];
        ExecutorService threads = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build();
                        long sent = System.nanoTime();
                        HttpResponse<String> response = send(request);
                        latencies[i] = System.nanoTime() - sent;
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
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
