package org.igdm.gateway.broker;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsConsumer;
import org.igdm.gateway.delivery.DeliveryCapacity;
import org.igdm.gateway.pacing.AccountGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

/**
 * Holds each account's delivery consumers to what it can use while the machine's CPUs are saturated.
 *
 * <p>Each account's queue may run up to its share of the consumers, enough for its pace while Meta takes half a
 * second ({@link DeliveryCapacity}); its listener container adds one whenever all of its consumers are busy. On
 * saturated CPUs they always are: the consumers wait for a CPU, not for Meta, and a thousand of them cost more per
 * message than two hundred (docs/benchmarks.md, *At Meta's pace*). So, every {@link #PERIOD_MILLIS} ms, while the
 * CPUs are at least {@link #SATURATED} busy, an account's queue may keep twice the calls it had in flight to Meta
 * over the period (more calls in flight raise it again), never fewer than it needs at its pace when Meta answers
 * fastest ({@link #FASTEST_ANSWER_SECONDS} s); once they are below {@link #RELAXED}, it may grow to its share
 * again. A consumer beyond the limit stops after the message it holds, so nothing is lost or reordered.
 */
public final class ConsumerTrim {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerTrim.class);
    /** Registry name. */
    public static final String BEAN = "consumerTrim";
    static final long PERIOD_MILLIS = 2_000;
    /** The machine's CPU load (0 to 1) from which consumers beyond the calls in flight only wait for a CPU. */
    static final double SATURATED = 0.9;
    /** The CPU load below which an account's consumers may grow to its share again. */
    static final double RELAXED = 0.75;
    /** Meta answers in 100 to 300 ms: an account never keeps fewer consumers than its pace needs at the fastest. */
    static final double FASTEST_ANSWER_SECONDS = 0.1;

    /** One account's queue: its route, its share of the consumers, its fewest, and its gate (the calls in flight). */
    record AccountConsumers(String routeId, DeliveryCapacity.JmsConsumers share, int fewest, AccountGate gate) {

        /** An account at {@code sendsPerSecond}, with its share of the consumers. */
        static AccountConsumers atPace(String routeId, DeliveryCapacity.JmsConsumers share, double sendsPerSecond,
                AccountGate gate) {
            int fewest = Math.max(share.idle(), (int) Math.ceil(sendsPerSecond * FASTEST_ANSWER_SECONDS));
            return new AccountConsumers(routeId, share, Math.min(share.most(), fewest), gate);
        }
    }

    private final CamelContext context;
    private final List<AccountConsumers> accounts;
    private final DoubleSupplier cpuLoad;
    private final long[] callNanos;
    private long measuredAt;
    private boolean trimming;

    ConsumerTrim(CamelContext context, List<AccountConsumers> accounts, DoubleSupplier cpuLoad) {
        this.context = context;
        this.accounts = List.copyOf(accounts);
        this.cpuLoad = cpuLoad;
        this.callNanos = new long[accounts.size()];
        this.measuredAt = System.nanoTime();
        for (int i = 0; i < callNanos.length; i++) {
            callNanos[i] = this.accounts.get(i).gate().callNanos();
        }
    }

    /** On the machine's (or the container's) CPU load as the JVM sees it. */
    static ConsumerTrim onMachineLoad(CamelContext context, List<AccountConsumers> accounts) {
        com.sun.management.OperatingSystemMXBean system =
                ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        return new ConsumerTrim(context, accounts, system::getCpuLoad);
    }

    /**
     * The most consumers an account's queue may run for the next period.
     *
     * @param inFlight the account's average calls in flight to Meta over the last period
     * @param cpuLoad  the machine's CPU load over it, 0 to 1 (negative when unknown: no trim)
     */
    static int limit(int current, AccountConsumers account, double inFlight, double cpuLoad) {
        if (cpuLoad >= SATURATED) {
            return Math.clamp((long) Math.ceil(2 * inFlight), account.fewest(), account.share().most());
        }
        return cpuLoad < RELAXED ? account.share().most() : current;
    }

    /** Sets each account's limit for the next period, on the CPU load now. */
    public void resize() {
        resize(cpuLoad.getAsDouble());
    }

    /** Sets each account's limit for the next period, on the given CPU load. */
    public synchronized void resize(double load) {
        long now = System.nanoTime();
        double period = Math.max(1, now - measuredAt);
        measuredAt = now;
        int before = 0;
        int after = 0;
        int shares = 0;
        for (int i = 0; i < callNanos.length; i++) {
            AccountConsumers account = accounts.get(i);
            long calls = account.gate().callNanos();
            double inFlight = (calls - callNanos[i]) / period;
            callNanos[i] = calls;
            DefaultMessageListenerContainer container = container(account.routeId());
            if (container != null) {
                int current = container.getMaxConcurrentConsumers();
                int next = limit(current, account, inFlight, load);
                container.setMaxConcurrentConsumers(next);
                before += current;
                after += next;
                shares += account.share().most();
            }
        }
        boolean trimmed = after < shares;
        if (trimmed != trimming) {
            trimming = trimmed;
            LOG.info(trimmed ? "CPUs {} % busy: the delivery consumers of the accounts' queues are held to twice their calls"
                    + " in flight, {} in all (were up to {})" : "CPUs {} % busy: the delivery consumers of the accounts' queues"
                    + " may grow to {} in all again (were up to {})", Math.round(load * 100), after, before);
        }
    }

    /** The listener container of a started route; none while it is stopped (it would be made anew). */
    private DefaultMessageListenerContainer container(String routeId) {
        Route route = context.getRoute(routeId);
        if (route != null && route.getConsumer() instanceof JmsConsumer consumer && consumer.isStarted()) {
            try {
                if (consumer.getListenerContainer() instanceof DefaultMessageListenerContainer listeners) {
                    return listeners;
                }
            } catch (Exception notThere) {
                LOG.debug("No listener container for route {}", routeId, notThere);
            }
        }
        return null;
    }
}
