package org.igdm.gateway.file;

import org.igdm.gateway.batch.BatchRow;
import org.igdm.gateway.request.SendRequest;

/** Where the valid rows of a batch go: added one by one, durable only once a chunk is committed. */
public interface RowQueue extends AutoCloseable {

    /** Adds a row of batch {@code at}; {@code source} says where it came from as records name it. */
    void add(BatchRow at, String source, SendRequest request) throws Exception;

    /** Makes every row added since the last commit durable, all or none of them. */
    void commit() throws Exception;

    /** Drops the rows added since the last commit. */
    @Override
    void close() throws Exception;
}
