package org.igdm.gateway.broker;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A JMS client from the command line, as a legacy application would send: puts canonical requests (JSON) on
 * {@code ig.send} and prints each outcome record the gateway replies. For trying the gateway and for replaying
 * failed records (a failed record is itself a valid request: unknown fields are ignored).
 *
 * <pre>java -cp target/ig-dm-gateway.jar org.igdm.gateway.broker.SendToQueue '{"recipient_id":"1","message":"Hi"}'
 * grep demo-window outbox/failed/*.jsonl | java -cp target/ig-dm-gateway.jar org.igdm.gateway.broker.SendToQueue</pre>
 *
 * Without arguments it reads one request per line from standard input. The broker is
 * {@code GATEWAY_JMS_BROKER_URL}, else the embedded one at {@code tcp://127.0.0.1:${GATEWAY_JMS_PORT:-61616}}; a
 * broker that asks for credentials gets {@code GATEWAY_JMS_USERNAME} and {@code GATEWAY_JMS_PASSWORD}.
 */
public final class SendToQueue {

    private static final long REPLY_TIMEOUT_MILLIS = 60_000;

    private SendToQueue() {
    }

    public static void main(String... args) throws Exception {
        List<String> requests = args.length > 0 ? List.of(args) : readLines();
        System.exit(send(requests, brokerUrl(), System.out) ? 0 : 1);
    }

    /** Sends the requests and prints each reply to {@code out}; false when some reply did not come in time. */
    public static boolean send(List<String> requests, String brokerUrl, PrintStream out) throws JMSException {
        try (Connection connection = new ActiveMQConnectionFactory(brokerUrl, env("GATEWAY_JMS_USERNAME"), env("GATEWAY_JMS_PASSWORD"))
                .createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageProducer producer = session.createProducer(session.createQueue(Queues.SEND));
            for (String request : requests) {
                TextMessage message = session.createTextMessage(request);
                message.setJMSReplyTo(replies);
                producer.send(message);
            }
            return printReplies(session.createConsumer(replies), requests.size(), out);
        }
    }

    /** Prints the replies as they come; false when some did not come in time. */
    private static boolean printReplies(MessageConsumer consumer, int expected, PrintStream out) throws JMSException {
        for (int i = 0; i < expected; i++) {
            Message reply = consumer.receive(REPLY_TIMEOUT_MILLIS);
            if (reply == null) {
                System.err.println("no reply within " + REPLY_TIMEOUT_MILLIS / 1000 + " s for " + (expected - i)
                        + " request(s): they wait on " + Queues.SEND + " (is the gateway running?)");
                return false;
            }
            out.println(((TextMessage) reply).getText());
        }
        return true;
    }

    private static List<String> readLines() throws Exception {
        List<String> lines = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static String brokerUrl() {
        String url = env("GATEWAY_JMS_BROKER_URL");
        if (url != null) {
            return url;
        }
        String port = env("GATEWAY_JMS_PORT");
        return "tcp://127.0.0.1:" + (port == null ? "61616" : port);
    }

    /** An environment variable's value, or null when it is unset or blank. */
    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
