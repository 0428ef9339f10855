package org.igdm.gateway.file;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * The text of a batch file as its parser reads it, with a bound on how much text one row may take. A valid row
 * is small (a message is at most 1000 bytes), but an unclosed quote makes a CSV parser read the rest of the file
 * into one cell: without the bound, a broken file of millions of rows would be read into memory.
 */
final class RowText extends FilterReader {

    /** Far above any valid row, extra columns included, and far below what could strain the heap. */
    static final int MAX_ROW_CHARS = 1 << 20;

    private long sinceRow;
    private long lastRow;

    RowText(Reader text) {
        super(text);
    }

    /** The parser has finished row {@code number} (0 for the CSV header): the next row starts counting from zero. */
    void rowEnded(long number) {
        sinceRow = 0;
        lastRow = number;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        count(c < 0 ? 0 : 1);
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        count(Math.max(read, 0));
        return read;
    }

    private void count(int chars) {
        sinceRow += chars;
        if (sinceRow > MAX_ROW_CHARS) {
            throw new UnreadableFileException("the row after row " + lastRow + " is longer than " + MAX_ROW_CHARS
                    + " characters: is a quote left open?");
        }
    }
}
