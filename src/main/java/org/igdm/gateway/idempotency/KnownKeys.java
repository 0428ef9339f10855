package org.igdm.gateway.idempotency;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The keys a lone instance's store may hold, as Bloom filters: nearly every request brings a key never seen (a JMS
 * message's id, a new row), and a key the filters do not know is claimed without reading the store. A key they do
 * know (or, one time in a hundred, a new one they mistake for known) is read as before. Filled from the store at
 * start and by every sent key after; expired keys stay in the filters until the next start, which costs a read
 * when such a key comes back, never a wrong answer.
 *
 * <p>A filter holds {@value #KEYS_PER_FILTER} keys at 1 % false positives (1.2 MB); a fuller one is followed by
 * another, so memory follows the keys kept (1.2 MB a million).
 */
final class KnownKeys {

    static final int KEYS_PER_FILTER = 1_000_000;
    private static final double FALSE_POSITIVES = 0.01;

    private final List<BloomFilter<byte[]>> filters = new CopyOnWriteArrayList<>(List.of(newFilter()));

    /** False when the store certainly has no row for this key hash. */
    boolean mayHold(byte[] hash) {
        for (BloomFilter<byte[]> filter : filters) {
            if (filter.mightContain(hash)) {
                return true;
            }
        }
        return false;
    }

    /** Called before the key's row is written, so that a reader never misses a row being written. */
    void add(byte[] hash) {
        BloomFilter<byte[]> last = filters.getLast();
        last.put(hash);
        if (last.approximateElementCount() >= KEYS_PER_FILTER) {
            synchronized (filters) {
                if (filters.getLast() == last) {
                    filters.add(newFilter());
                }
            }
        }
    }

    private static BloomFilter<byte[]> newFilter() {
        return BloomFilter.create(Funnels.byteArrayFunnel(), KEYS_PER_FILTER, FALSE_POSITIVES);
    }
}
