package org.igdm.gateway.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Remembers, under {@code gateway.data}, which inbox files are being queued. A file whose mark is still there
 * when it is taken again was interrupted (a crash, the broker gone): some of its rows may be queued or sent
 * already, so its rows are handed over as replays and end with their first record, not a duplicate one.
 * The same file dropped again after it was done is not a replay: its rows are recorded as duplicates.
 * The mark holds the id of the file's batch, so that a file taken anew continues its batch.
 */
final class InterruptedFiles {

    private final Path folder;

    private InterruptedFiles(Path folder) {
        this.folder = folder;
    }

    /** The marks kept under this {@code gateway.data} folder. */
    static InterruptedFiles under(String dataFolder) {
        return new InterruptedFiles(Path.of(dataFolder, "file-source"));
    }

    /** Marks the file as being queued; true when an earlier run left it unfinished. */
    boolean begin(Path file) throws IOException {
        Path mark = mark(file);
        if (Files.exists(mark)) {
            return true;
        }
        Files.createDirectories(folder);
        Files.createFile(mark);
        return false;
    }

    /** The id of the file's batch that an interrupted run opened, or null when none was opened. */
    String batchOf(Path file) throws IOException {
        Path mark = mark(file);
        String batch = Files.exists(mark) ? Files.readString(mark).strip() : "";
        return batch.isEmpty() ? null : batch;
    }

    /** Keeps the id of the file's batch in its mark, before any of its rows is handed on. */
    void remember(Path file, String batch) throws IOException {
        Files.writeString(mark(file), batch);
    }

    /** The file is done with (queued, or refused as unreadable): a later drop of it is a new one. */
    void end(Path file) throws IOException {
        Files.deleteIfExists(mark(file));
    }

    /** The file as it sits in the inbox: its name, size and time stamp. */
    private Path mark(Path file) throws IOException {
        return folder.resolve(file.getFileName() + "." + Files.size(file) + "." + Files.getLastModifiedTime(file).toMillis());
    }
}
