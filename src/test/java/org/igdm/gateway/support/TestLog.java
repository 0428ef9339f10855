package org.igdm.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The log file every test gateway of this test JVM writes to (log4j2-test.properties); it grows across test classes and
 * runs.
 */
public final class TestLog {

    public static final Path FILE = Path.of("target/test-logs/gateway-" + TestJvm.number() + ".log");

    private TestLog() {
    }

    /** Where the log ends now: pass it to {@link #since(long)} to read only what came after. */
    public static long mark() {
        try {
            return Files.exists(FILE) ? Files.size(FILE) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String since(long mark) {
        try {
            byte[] log = Files.readAllBytes(FILE);
            return new String(log, (int) mark, log.length - (int) mark, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
