package org.igdm.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.igdm.gateway.support.RunningGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog beyond the broker's memory goes to disk in pages, and Artemis holds a page whole in memory while it writes
 * it and while a queue reads it back: the gateway's queues page in small files, so that many accounts' queues paging
 * at once fit the heap.
 */
class BrokerPagingTest {

    private static final int BACKLOG = 4_000;

    @TempDir
    Path home;

    @Test
    void anAccountsQueueThatPagesWritesSmallPagesAndGivesEveryMessageBackInOrder() throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker(home, new BrokerSettings(null, null, null, "127.0.0.1",
                RunningGateway.freePort(), Map.of(), null, null));
        broker.start();
        String queue = Queues.deliveryQueue("acct1");
        String request = "{\"account\":\"acct1\",\"recipient_id\":\"9000000001\",\"message\":\"" + "a backlog ".repeat(40) + "\"}";
        try (Connection connection = new ActiveMQConnectionFactory(broker.inVmUrl(), broker.gatewayUser(), broker.gatewayPassword())
                .createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.send(session.createTextMessage("0 " + request));
            session.commit();
            // as when the broker's memory is full: everything sent from now on goes to page files
            PagingStore pages = broker.server().getPagingManager().getPageStore(SimpleString.of(queue));
            pages.startPaging();
            for (int i = 1; i < BACKLOG; i++) {
                producer.send(session.createTextMessage(i + " " + request));
                if (i % 500 == 0) {
                    session.commit();
                }
            }
            session.commit();

            // about 3 MiB of requests: several pages, none over the gateway's size (Artemis's default would be one file)
            List<Long> pageSizes = pageFileSizes(home.resolve("paging"));
            assertThat(pageSizes).as("page files").hasSizeGreaterThan(4)
                    .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(EmbeddedBroker.PAGE_BYTES + 4 * 1024L));

            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            connection.start();
            for (int i = 0; i < BACKLOG; i++) {
                TextMessage message = (TextMessage) consumer.receive(10_000);
                assertThat(message).as("message %d of the backlog", i).isNotNull();
                assertThat(message.getText()).startsWith(i + " ");
                if (i % 500 == 499) {
                    session.commit();
                }
            }
            session.commit();
            assertThat(consumer.receiveNoWait()).isNull();
        } finally {
            broker.stop();
        }
    }

    private static List<Long> pageFileSizes(Path paging) throws Exception {
        try (Stream<Path> files = Files.walk(paging)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".page")).map(file -> file.toFile().length()).toList();
        }
    }
}
