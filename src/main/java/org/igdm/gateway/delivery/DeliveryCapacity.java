package org.igdm.gateway.delivery;

import java.util.OptionalInt;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many deliveries this gateway runs at once, sized from the accounts' paces rather than by an operator.
 * Each delivery waits on its own virtual thread, so a waiting one costs a few kilobytes, not a platform thread.
 *
 * <ul>
 *   <li>JMS consumers ({@value #JMS_CONSUMERS}): enough calls in flight to keep every account at its pace while
 *       Meta takes up to {@link #LATENCY_BOUND_SECONDS} s to answer (Little's law: in flight = rate × latency).
 *       The account gates, not the consumer count, keep each account at its pace. Only
 *       {@value #IDLE_CONSUMERS} of them wait while there is nothing to deliver: more start as messages queue up,
 *       and each one beyond stops after ten empty receives (Spring's listener container). An idle consumer is not
 *       free: every second it asks the broker for a message (with no prefetch, a round trip) and commits its empty
 *       transaction; a thousand of them took 38 % of a core on a gateway with nothing to do. Each account's queue
 *       gets its part of both figures, by its pace ({@link JmsConsumers#share}). These are the most: while the
 *       machine's CPUs are saturated, the broker's consumer trim holds each account's queue to what it uses.</li>
 *   <li>Callers that wait for Meta over HTTP ({@value #HTTP_CALLERS}) or MCP ({@value #MCP_CALLERS}): as many as
 *       the accounts can serve in {@link #CALLER_WAIT_SECONDS} s at their paces; more are told to come back.</li>
 * </ul>
 * A setting given a value keeps it (an operator may want fewer consumers on a broker shared with other
 * gateways); an empty one gets the derived figure.
 * <p>
 * The settled figures are this record, bound as {@value #BEAN}: the delivery consumers and the callers' throttles of
 * routes/http-source.camel.yaml and routes/mcp-source.camel.yaml read them here, never the settings back. An empty
 * setting may come as an empty system property or environment variable ({@code -Dgateway.http.max-concurrent-sends=}),
 * which Camel's properties component ranks above anything the gateway could write back; a route reading the
 * placeholder would get the empty value, not the derived figure.
 *
 * @param jmsConsumers the JMS delivery consumers of this instance, shared among the accounts' queues
 * @param httpCallers callers of POST /messages that may wait for Meta at once
 * @param mcpCallers calls of the MCP tool that may wait for Meta at once
 */
public record DeliveryCapacity(JmsConsumers jmsConsumers, int httpCallers, int mcpCallers) {

    /** Registry name. */
    public static final String BEAN = "deliveryCapacity";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryCapacity.class);
    static final String JMS_CONSUMERS = "gateway.jms.consumers";
    static final String IDLE_CONSUMERS = "gateway.jms.idle-consumers";
    static final String HTTP_CALLERS = "gateway.http.max-concurrent-sends";
    static final String MCP_CALLERS = "gateway.mcp.max-concurrent-calls";
    /** Meta usually answers in 100 to 300 ms; this covers the slow end with room. */
    static final double LATENCY_BOUND_SECONDS = 0.5;
    /** The fewest consumers: a slow minute of Meta's (a second per call) must not starve a small gateway. */
    static final int MIN_CONSUMERS = 16;
    /** A caller past this many seconds' worth of sends would wait longer than HTTP clients usually do. */
    static final double CALLER_WAIT_SECONDS = 5;
    static final int MIN_CALLERS = 64;

    /** Calls in flight for accounts whose paces add up to {@code totalSendsPerSecond}. */
    static int consumers(double totalSendsPerSecond) {
        return Math.max(MIN_CONSUMERS, (int) Math.ceil(totalSendsPerSecond * LATENCY_BOUND_SECONDS));
    }

    /** Consumers kept while the queue is empty: the fewest consumers, or all of them when there are fewer. */
    static int idleConsumers(int consumers) {
        return Math.min(MIN_CONSUMERS, consumers);
    }

    /** Callers that may wait for Meta at once through one door. */
    static int waitingCallers(double totalSendsPerSecond) {
        return Math.max(MIN_CALLERS, (int) Math.ceil(totalSendsPerSecond * CALLER_WAIT_SECONDS));
    }

    /**
     * The JMS delivery consumers of this instance: at most {@code most} at once, {@code idle} of them while there is
     * nothing to deliver.
     */
    public record JmsConsumers(int most, int idle) {

        /**
         * One account's part of them, for its own queue: in proportion to its pace, at least one, and never so many
         * that the accounts together take more than all of them (unless there are more accounts than consumers).
         */
        public JmsConsumers share(double accountSendsPerSecond, double totalSendsPerSecond) {
            int most = part(this.most, accountSendsPerSecond, totalSendsPerSecond);
            return new JmsConsumers(most, Math.min(most, part(idle, accountSendsPerSecond, totalSendsPerSecond)));
        }

        private static int part(int consumers, double accountSendsPerSecond, double totalSendsPerSecond) {
            return Math.max(1, (int) Math.floor(consumers * accountSendsPerSecond / totalSendsPerSecond));
        }
    }

    /** Settles every figure above: the one given, else the derived one. */
    public static DeliveryCapacity size(PropertiesComponent properties, double totalSendsPerSecond) {
        int consumers = given(properties, JMS_CONSUMERS).orElse(consumers(totalSendsPerSecond));
        int idleConsumers = given(properties, IDLE_CONSUMERS).orElse(idleConsumers(consumers));
        if (idleConsumers > consumers) {
            throw new IllegalArgumentException(IDLE_CONSUMERS + " (" + idleConsumers + ") must not be more than "
                    + JMS_CONSUMERS + " (" + consumers + ")");
        }
        int httpCallers = given(properties, HTTP_CALLERS).orElse(waitingCallers(totalSendsPerSecond));
        int mcpCallers = given(properties, MCP_CALLERS).orElse(waitingCallers(totalSendsPerSecond));
        LOG.info("Delivery sized for {} sends/s in all: up to {} JMS consumers ({} while idle), {} HTTP and {} MCP callers"
                + " waiting at once", totalSendsPerSecond, consumers, idleConsumers, httpCallers, mcpCallers);
        return new DeliveryCapacity(new JmsConsumers(consumers, idleConsumers), httpCallers, mcpCallers);
    }

    /** The figure an operator gave, none when the setting is empty. */
    private static OptionalInt given(PropertiesComponent properties, String key) {
        String given = properties.resolveProperty(key).map(String::strip).orElse("");
        if (given.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int value = Integer.parseInt(given);
            if (value >= 1) {
                return OptionalInt.of(value);
            }
        } catch (NumberFormatException notANumber) {
            // told below
        }
        throw new IllegalArgumentException(key + " must be a whole number of at least 1, or empty to let the gateway"
                + " size it from the accounts' paces; got '" + given + "'");
    }
}
