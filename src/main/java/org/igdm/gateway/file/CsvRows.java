package org.igdm.gateway.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestValidator;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.request.Violation;

/**
 * The rows of an RFC 4180 CSV file whose header row names the request's fields in any order (matched without
 * regard to case or surrounding spaces); other columns are ignored. Blank lines between rows are skipped.
 */
final class CsvRows implements BatchRows {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    private static final List<String> FIELDS = List.of("recipient_id", "message", "tag", "idempotency_key", "account");
    private static final List<String> REQUIRED = List.of("recipient_id", "message");

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
                    + String.join(" and ", REQUIRED) + " (and optionally tag, idempotency_key, account)");
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
        List<String> missing = new ArrayList<>(REQUIRED);
        missing.removeAll(named.keySet());
        if (!missing.isEmpty()) {
            throw new UnreadableFileException("the header row has no " + String.join(" or ", missing) + " column; it must name "
                    + String.join(" and ", REQUIRED) + " (the first line found: " + excerpt(String.join(",", header.values())) + ")");
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
        SendRequest given = new SendRequest(cell(record, 0), cell(record, 1), cell(record, 2), cell(record, 3), cell(record, 4));
        List<Violation> violations = RequestValidator.violations(given);
        return violations.isEmpty() ? FileRow.valid(number, given)
                : FileRow.invalid(number, given, null, new InvalidRequestException(violations));
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
