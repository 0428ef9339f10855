package org.igdm.gateway.broker;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.igdm.gateway.GatewaySettings;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.delivery.DeliveryCapacity;
import org.igdm.gateway.pacing.AccountGates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery consumers: one route per delivery queue, made from the route template {@value #TEMPLATE}
 * (routes/jms-source.camel.yaml). Each account's queue gets its part of the instance's consumers, by its pace, so
 * that an account whose messages wait (paused by Meta, or its token refused) holds its own consumers only; the
 * queue {@link Queues#DELIVER} gets one consumer while it is empty and may grow to all of them for a backlog queued
 * before the queues per account. While the CPUs are saturated, {@link ConsumerTrim} holds each account's consumers to
 * what it uses (the route {@value #TRIM_ROUTE}).
 */
public class DeliveryConsumers extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryConsumers.class);
    /** The template's id, and the group of its routes. */
    public static final String TEMPLATE = "jms-source";
    /** The route that trims the consumers on the CPU load, every {@value ConsumerTrim#PERIOD_MILLIS} ms. */
    public static final String TRIM_ROUTE = "delivery-consumers-trim";

    @BeanInject
    private GatewaySettings settings;
    @BeanInject
    private DeliveryCapacity capacity;
    @BeanInject
    private AccountGates gates;

    @Override
    public void configure() {
        Accounts accounts = settings.accounts();
        DeliveryCapacity.JmsConsumers consumers = capacity.jmsConsumers();
        List<ConsumerTrim.AccountConsumers> trimmed = new ArrayList<>();
        for (Account account : accounts.all()) {
            String routeId = TEMPLATE + "-" + account.name();
            DeliveryCapacity.JmsConsumers share = consumers.share(account.maxSendsPerSecond(), accounts.totalSendsPerSecond());
            consumers(routeId, Queues.deliveryQueue(account.name()), share);
            trimmed.add(ConsumerTrim.AccountConsumers.atPace(routeId, share, account.maxSendsPerSecond(), gates.of(account.name())));
        }
        consumers(TEMPLATE, Queues.DELIVER, new DeliveryCapacity.JmsConsumers(consumers.most(), 1));
        ConsumerTrim trim = ConsumerTrim.onMachineLoad(getContext(), trimmed);
        bindToRegistry(ConsumerTrim.BEAN, trim);
        from("timer:" + TRIM_ROUTE + "?period=" + ConsumerTrim.PERIOD_MILLIS).routeId(TRIM_ROUTE)
                .process(exchange -> trim.resize());
    }

    private void consumers(String routeId, String queue, DeliveryCapacity.JmsConsumers these) {
        templatedRoute(TEMPLATE).routeId(routeId)
                .parameter("queue", queue)
                .parameter("consumers", String.valueOf(these.most()))
                .parameter("idle-consumers", String.valueOf(these.idle()));
    }

    /**
     * Without the template (an operator left routes/jms-source.camel.yaml out, or replaced it with routes of their own),
     * this instance delivers nothing from the queues, and says so.
     */
    @Override
    public void addTemplatedRoutesToCamelContext(CamelContext context) throws Exception {
        if (context.getCamelContextExtension().getContextPlugin(Model.class).getRouteTemplateDefinition(TEMPLATE) == null) {
            LOG.warn("No route template '{}' is loaded, so this instance delivers nothing from the queues {} and {}.<account>:"
                    + " a jms-source.camel.yaml of your own must define that template, as the packaged one does", TEMPLATE,
                    Queues.DELIVER, Queues.DELIVER);
            return;
        }
        super.addTemplatedRoutesToCamelContext(context);
    }
}
