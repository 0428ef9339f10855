package org.igdm.gateway.file;

import java.io.Closeable;
import java.io.IOException;

/** The rows of one batch file, read one at a time, so that a file of any size streams in constant memory. */
public interface BatchRows extends Closeable {

    /**
     * The next row, or null after the last one.
     *
     * @throws UnreadableFileException when the text stops being valid CSV or JSON
     * @throws IOException             when the file cannot be read (a bad UTF-8 sequence included)
     */
    FileRow next() throws IOException;
}
