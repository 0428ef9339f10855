package org.igdm.gateway.file;

import org.igdm.gateway.request.SendRequest;

/** Where the valid rows of a batch go: added one by one, durable only once a chunk is committed. */
public interface RowQueue extends AutoCloseable {

    void add(String source, SendRequest request) throws Exception;

    /** Makes every row added since the last commit durable, all or none of them. */
    void commit() throws Exception;

    /** Drops the rows added since the last commit. */
    @Override
    void close() throws Exception;
}
