package org.igdm.gateway.file;

/**
 * A batch file that cannot be read as rows at all (not UTF-8, not CSV or JSON, no usable header). It is found
 * while the file is inspected, before any row is queued, so the whole file goes to {@code .failed/}.
 */
public class UnreadableFileException extends RuntimeException {

    public UnreadableFileException(String reason) {
        super(reason);
    }
}
