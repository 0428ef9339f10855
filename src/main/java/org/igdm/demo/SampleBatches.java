package org.igdm.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo's sample batches (top-level {@code samples/}, packaged into the jar): dropped into the inbox at startup,
 * so the file drop source sends them to the sandbox. A batch that is already in the inbox or was processed
 * (moved to {@code .done/} or {@code .failed/}) is not dropped again: a restarted demo shows only what is new.
 */
final class SampleBatches {

    static final List<String> NAMES = List.of("demo-batch.csv", "demo-batch.json");

    private SampleBatches() {
    }

    /** Copies the samples not yet seen into the inbox; returns the names dropped. */
    static List<String> dropInto(Path inbox) throws IOException {
        List<String> dropped = new ArrayList<>();
        for (String name : NAMES) {
            if (seen(inbox, name)) {
                continue;
            }
            Files.createDirectories(inbox);
            // written under a name the file source ignores, then renamed: it never reads half a file
            Path part = inbox.resolve("." + name + ".part");
            try (InputStream sample = SampleBatches.class.getResourceAsStream("/samples/" + name)) {
                if (sample == null) {
                    throw new IllegalStateException("the jar lacks samples/" + name + ": rebuild it with mvn -B package");
                }
                Files.copy(sample, part, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            dropped.add(name);
        }
        return dropped;
    }

    private static boolean seen(Path inbox, String name) throws IOException {
        return Files.exists(inbox.resolve(name)) || processed(inbox.resolve(".done"), name) || processed(inbox.resolve(".failed"), name);
    }

    /** The file drop source moves a file there under its name, time-stamped: {@code 20261123-213001-042-<name>}. */
    private static boolean processed(Path folder, String name) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).anyMatch(file -> file.equals(name) || file.endsWith("-" + name));
        }
    }
}
