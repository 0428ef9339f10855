package org.igdm.gateway.batch;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A finished batch's result file, {@code <results>/<finish time>-<file name>.results.csv}: one line per row in row
 * order, for the people who dropped the file. RFC 4180 CSV (CRLF line ends, quotes where needed) in UTF-8 with a
 * byte order mark, so that spreadsheet programs read it as UTF-8. The time stamp is the batch's finish time in UTC,
 * so every writer of one batch names the same file.
 */
public final class ResultFile {

    static final String[] HEADER = {"row", "recipient_id", "account", "status", "category", "message_id", "attempts",
        "finished_at", "error", "idempotency_key"};
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private ResultFile() {
    }

    /** Where the result file of this finished batch goes: {@code orders.csv} gives {@code 20261129-153012-345-orders.results.csv}. */
    public static Path of(Path results, Batch batch) {
        String name = batch.fileName();
        int extension = name.lastIndexOf('.');
        return results.resolve(STAMP.format(batch.finishedAt()) + "-" + (extension > 0 ? name.substring(0, extension) : name)
                + ".results.csv");
    }

    /**
     * Writes the file from the store, row by row, under a temporary name that is renamed when complete: the file
     * is there whole or not at all, also after a crash while writing. Writing it again gives the same bytes.
     */
    public static Path write(Path results, Batch batch, BatchStore store) throws Exception {
        Path file = of(results, batch);
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.createDirectories(results);
        try (BufferedWriter out = Files.newBufferedWriter(part, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180)) {
            out.write(BYTE_ORDER_MARK);
            csv.printRecord((Object[]) HEADER);
            store.forEachOutcome(batch.id(), row -> csv.printRecord(row.row(), row.recipientId(), row.account(), row.status(),
                    row.category(), row.messageId(), row.attempts(), row.finishedAt(), row.error(), row.idempotencyKey()));
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
