package org.igdm.gateway.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A complete batch file that was read through once: it is UTF-8, its CSV or JSON is well formed, and its
 * content has a fingerprint. Only then are its rows queued, so a file is either taken whole (row by row, valid
 * or not) or refused whole, never half-queued because of a syntax error at row 900,000.
 *
 * @param fingerprint the first 16 hex digits of the SHA-256 of the file's bytes: the same content gets the
 *                    same derived idempotency keys, whatever its name and however often it is dropped
 * @param rows        how many rows the file holds
 */
public record BatchFile(Path path, String name, BatchFormat format, String fingerprint, long rows) {

    private static final int BUFFER = 64 * 1024;

    /** Reads the file through once: fingerprint, encoding, syntax and row count. */
    public static BatchFile inspect(Path path, String name) throws IOException {
        BatchFormat format = BatchFormat.of(name);
        MessageDigest sha256 = sha256();
        long rows = 0;
        try (InputStream bytes = new DigestInputStream(Files.newInputStream(path), sha256);
                BatchRows all = format.rows(utf8(bytes))) {
            // both readers read to the end of the file before they say there is no next row: every byte is digested
            while (all.next() != null) {
                rows++;
            }
        } catch (CharacterCodingException e) {
            throw notUtf8(rows);
        }
        String fingerprint = HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
        return new BatchFile(path, name, format, fingerprint, rows);
    }

    /** Opens the rows again for queueing; the file was checked by {@link #inspect}. */
    public BatchRows open() throws IOException {
        return format.rows(utf8(Files.newInputStream(path)));
    }

    /** Where a row came from, as sink records and log lines name it. */
    public String source(long row) {
        return "file:" + name + "#" + row;
    }

    /** The idempotency key of a row that has none: the file's content and the row's place in it. */
    public String derivedKey(long row) {
        return "file:" + fingerprint + "#" + row;
    }

    /** Strict UTF-8 (a bad byte is an error, not a replacement character), without a leading byte order mark. */
    private static RowText utf8(InputStream bytes) throws IOException {
        InputStreamReader decoder = new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
        BufferedReader text = new BufferedReader(decoder, BUFFER);
        text.mark(1);
        if (text.read() != '\uFEFF') {
            text.reset();
        }
        return new RowText(text);
    }

    private static UnreadableFileException notUtf8(long rows) {
        return new UnreadableFileException("the file is not UTF-8 text (a byte sequence after row " + rows
                + " is not UTF-8): save it as UTF-8 (\"CSV UTF-8\" in Excel)");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
