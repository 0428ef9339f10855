package org.igdm.gateway.file;

import java.io.IOException;
import java.util.Locale;

/** The kinds of batch file the drop folder takes, told apart by the file name's extension. */
public enum BatchFormat {
    CSV,
    JSON;

    public static BatchFormat of(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".json")) {
            return JSON;
        }
        throw new UnreadableFileException("a batch file's name ends with .csv or .json, got " + fileName);
    }

    BatchRows rows(RowText text) throws IOException {
        return this == CSV ? new CsvRows(text) : new JsonRows(text);
    }
}
