package org.igdm.gateway.file;

/**
 * The file changed while it was being checked: a writer is still at it. Nothing of it was queued; it stays in
 * the inbox and is taken again once it has settled.
 */
public class FileStillChangingException extends RuntimeException {

    public FileStillChangingException(String name) {
        super(name + " changed while it was being checked: a writer is still at it. It stays in the inbox and is taken "
                + "again once it has not changed for gateway.file.settle-ms");
    }
}
