package org.igdm.gateway.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.igdm.gateway.Json;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestValidator;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.request.Violation;

/**
 * The rows of an RFC 4180 CSV file whose header row names the request's fields in any order (matched without
 * regard to case or surrounding spaces); other columns are ignored. Blank lines between rows are skipped.
 * A row sends text ({@code message}) or one attachment by URL ({@code attachment_type} and {@code attachment_url};
 * a like_heart sticker needs no URL), to a user ({@code recipient_id}) or as a private reply to a comment
 * ({@code comment_id}). Richer kinds arrive as JSON. A broken rule names the row's column.
 */
final class CsvRows implements BatchRows {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    private static final List<String> FIELDS = List.of("recipient_id", "comment_id", "message", "attachment_type", "attachment_url",
            "tag", "idempotency_key", "account");
    private static final int RECIPIENT_ID = 0;
    private static final int COMMENT_ID = 1;
    private static final int MESSAGE = 2;
    private static final int ATTACHMENT_TYPE = 3;
    private static final int ATTACHMENT_URL = 4;
    private static final int TAG = 5;
    private static final int IDEMPOTENCY_KEY = 6;
    private static final int ACCOUNT = 7;
    /** The header names one column of each pair: who receives, and what. */
    private static final List<List<String>> REQUIRED = List.of(List.of("recipient_id", "comment_id"), List.of("message", "attachment_type"));
    /** The attachments a row can carry: those sent by URL, and the sticker. */
    private static final List<String> ATTACHMENT_TYPES = List.of("image", "video", "audio", "file", "like_heart");
    /** Where in the request each column ends up, so that a broken rule names the column. */
    private static final Map<String, String> COLUMN_OF_PATH = Map.of("message.text", "message",
            "message.attachment", "attachment_type", "message.attachment.type", "attachment_type",
            "message.attachment.payload", "attachment_url", "message.attachment.payload.url", "attachment_url");

    private final RowText text;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    /** Column index of each field of {@link #FIELDS}; -1 when the header does not name it. */
    private final int[] columns;
    private long number;

    CsvRows(RowText text) throws IOException {
        this.text = text;
        parser = CSVParser.builder().setReader(text).setFormat(FORMAT).get();
        records = parser.iterator();
        CSVRecord header = nextRecord();
        if (header == null) {
            throw new UnreadableFileException("the file is empty: a CSV batch starts with a header row naming "
                    + requiredColumns() + " (and optionally attachment_url, tag, idempotency_key, account)");
        }
        columns = columns(header);
        text.rowEnded(0);
    }

    private static int[] columns(CSVRecord header) {
        Map<String, Integer> named = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (FIELDS.contains(name) && named.putIfAbsent(name, i) != null) {
                throw new UnreadableFileException("the header row names the column " + name + " twice (columns "
                        + (named.get(name) + 1) + " and " + (i + 1) + ")");
            }
        }
        List<String> missing = new ArrayList<>();
        for (List<String> either : REQUIRED) {
            if (either.stream().noneMatch(named::containsKey)) {
                missing.add(either.get(0) + " (or " + either.get(1) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new UnreadableFileException("the header row has no " + String.join(" column and no ", missing) + " column; it must name "
                    + requiredColumns() + " (the first line found: " + excerpt(String.join(",", header.values())) + ")");
        }
        return FIELDS.stream().mapToInt(field -> named.getOrDefault(field, -1)).toArray();
    }

    @Override
    public FileRow next() throws IOException {
        CSVRecord record = nextRecord();
        if (record == null) {
            return null;
        }
        text.rowEnded(++number);
        List<Violation> violations = new ArrayList<>();
        SendRequest given = new SendRequest(cell(record, RECIPIENT_ID), cell(record, COMMENT_ID), message(record, violations),
                null, null, cell(record, TAG), cell(record, IDEMPOTENCY_KEY), cell(record, ACCOUNT));
        // a message the row's own rules refused is not refused again in Meta's terms
        boolean messageRefused = !violations.isEmpty();
        RequestValidator.violations(given).stream().map(CsvRows::inColumns)
                .filter(violation -> !(messageRefused && isMessage(violation.field())))
                .forEach(violations::add);
        return violations.isEmpty() ? FileRow.valid(number, given)
                : FileRow.invalid(number, given, null, new InvalidRequestException(violations));
    }

    /** The row's text, or its attachment as Meta's message object. */
    private JsonNode message(CSVRecord record, List<Violation> violations) {
        String text = cell(record, MESSAGE);
        String type = blankToNull(cell(record, ATTACHMENT_TYPE));
        String url = blankToNull(cell(record, ATTACHMENT_URL));
        if (type == null) {
            if (url != null) {
                violations.add(new Violation("attachment_type", "attachment_url needs an attachment_type: one of "
                        + String.join(", ", ATTACHMENT_TYPES)));
            }
            return TextNode.valueOf(text == null ? "" : text);
        }
        if (!ATTACHMENT_TYPES.contains(type)) {
            violations.add(new Violation("attachment_type", "attachment_type must be one of " + String.join(", ", ATTACHMENT_TYPES)
                    + " in a CSV row (other kinds arrive as JSON), got '" + excerpt(type) + "'"));
        }
        if (text != null && !text.isEmpty()) {
            violations.add(new Violation("message", "a row sends a message or an attachment, not both"));
        }
        ObjectNode message = Json.MAPPER.createObjectNode();
        ObjectNode attachment = message.putObject("attachment").put("type", type);
        if (url != null || !type.equals("like_heart")) {
            attachment.putObject("payload").put("url", url);
        }
        return message;
    }

    private static Violation inColumns(Violation violation) {
        String column = COLUMN_OF_PATH.get(violation.field());
        return column == null ? violation : new Violation(column, violation.reason()
                .replace(violation.field() + " ", column + " ").replace(violation.field(), column));
    }

    private static boolean isMessage(String field) {
        return field.equals("message") || field.startsWith("message.") || field.startsWith("attachment_");
    }

    private static String requiredColumns() {
        return REQUIRED.stream().map(either -> String.join(" or ", either)).collect(Collectors.joining(", and "));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private String cell(CSVRecord record, int field) {
        int column = columns[field];
        return column >= 0 && column < record.size() ? record.get(column) : null;
    }

    /** commons-csv reports a read or syntax error unchecked: give it back as what it is. */
    private CSVRecord nextRecord() throws IOException {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CSVException syntax) {
                throw new UnreadableFileException("not valid CSV after row " + number + ": " + syntax.getMessage());
            }
            throw e.getCause();
        }
    }

    private static String excerpt(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "…";
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
