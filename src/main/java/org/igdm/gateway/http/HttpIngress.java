package org.igdm.gateway.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.processor.ThrottlerRejectedExecutionException;
import org.apache.camel.util.ObjectHelper;
import org.igdm.gateway.Json;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.broker.Queues;
import org.igdm.gateway.delivery.DeliveryKeys;
import org.igdm.gateway.delivery.KeyInFlightException;
import org.igdm.gateway.delivery.KeyReusedException;
import org.igdm.gateway.delivery.SentRecordNotWrittenException;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.RequestValidator;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.request.Violation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java half of the HTTP source ({@code routes/http-source.camel.yaml}): who may call, what a body must be,
 * what a bulk request queues, and the problem+json answers. {@link DeliveryAnswer} answers a delivery's
 * outcome; Vert.x already answers 405, 413 and 415 before a request reaches the route.
 */
public final class HttpIngress {

    public static final String BEAN = "httpIngress";
    public static final String SOURCE = "http";
    private static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    /** Property: the caller's {@code Idempotency-Key} header, kept once the incoming headers are dropped. */
    private static final String IDEMPOTENCY_KEY = "igHttpIdempotencyKey";
    /** Property: the 202 answer of a bulk request, kept while its valid elements are queued. */
    private static final String BULK_ANSWER = "igHttpBulkAnswer";
    static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);

    private final ApiKeys apiKeys;
    private final Accounts accounts;

    public HttpIngress(ApiKeys apiKeys, Accounts accounts) {
        this.apiKeys = apiKeys;
        this.accounts = accounts;
    }

    /**
     * Lets in only callers with a valid key, and drops every incoming header, so none can travel on as a JMS
     * property, a Graph API header or an echo in the answer. The {@code Idempotency-Key} is kept aside.
     */
    public void admit(Exchange exchange) {
        Message message = exchange.getMessage();
        HttpHeaders headers = HttpHeaders.of(message);
        if (!apiKeys.accepts(headers.single("Authorization"))) {
            throw new HttpProblemException(new Problem("Unauthorized", 401, ApiKeys.HOW_TO, null));
        }
        String key = headers.single(IDEMPOTENCY_KEY_HEADER);
        exchange.setProperty(IDEMPOTENCY_KEY, key == null || key.isBlank() ? null : key);
        exchange.setProperty(DeliveryKeys.SOURCE, SOURCE);
        HttpHeaders.dropAll(exchange);
    }

    /** POST /messages: the body as a valid request with its idempotency key; anything invalid is answered 400. */
    public SendRequest request(Exchange exchange) {
        String header = exchange.getProperty(IDEMPOTENCY_KEY, String.class);
        SendRequest request = RequestJson.parse(HttpHeaders.utf8Body(exchange.getMessage()));
        accounts.resolve(request.account());
        if (header != null && request.idempotencyKey() != null && !header.equals(request.idempotencyKey())) {
            throw new InvalidRequestException("idempotency_key",
                    "the Idempotency-Key header and the idempotency_key field differ; send one of them, or the same key in both");
        }
        return withKey(request, header);
    }

    /**
     * POST /messages/bulk: the valid elements of the array, to be queued; the 202 answer (how many are queued,
     * and each rejected element's index and reasons) waits in a property until they are.
     */
    public List<SendRequest> bulk(Exchange exchange) throws JsonProcessingException {
        JsonNode array = RequestJson.readTree(HttpHeaders.utf8Body(exchange.getMessage()));
        if (array == null || !array.isArray()) {
            throw new InvalidRequestException("body", "expected a JSON array of requests, got "
                    + (array == null || array.isMissingNode() ? "nothing" : array.getNodeType().toString().toLowerCase()));
        }
        String header = exchange.getProperty(IDEMPOTENCY_KEY, String.class);
        List<SendRequest> valid = new ArrayList<>();
        List<BulkAnswer.Rejected> rejected = new ArrayList<>();
        for (int index = 0; index < array.size(); index++) {
            try {
                SendRequest request = RequestJson.fromNode(array.get(index));
                accounts.resolve(request.account());
                valid.add(withKey(request, header == null ? null : header + "#" + index));
            } catch (InvalidRequestException e) {
                rejected.add(new BulkAnswer.Rejected(index, e.violations()));
            }
        }
        exchange.setProperty(BULK_ANSWER, Json.MAPPER.writeValueAsString(new BulkAnswer(valid.size(), rejected)));
        return valid;
    }

    /**
     * One element of a bulk request as the JMS message for its account's queue (ig.deliver.&lt;account&gt;): canonical
     * JSON, grouped per recipient.
     */
    public void toQueueMessage(Exchange exchange) throws JsonProcessingException {
        SendRequest request = exchange.getMessage().getBody(SendRequest.class);
        Message message = exchange.getMessage();
        message.setHeader(JmsConstants.JMS_DESTINATION_NAME, Queues.deliveryQueue(accounts, request));
        message.setHeader(Queues.SOURCE_PROPERTY, SOURCE);
        // Artemis delivers one group's messages in order to one consumer: an account's messages to a recipient stay in order
        message.setHeader(Queues.GROUP_PROPERTY, Queues.group(request));
        message.setBody(Json.MAPPER.writeValueAsString(request));
    }

    /** The 202 answer once every valid element of a bulk request is on the queue. */
    public void bulkQueued(Exchange exchange) {
        respond(exchange, 202, JSON, exchange.getProperty(BULK_ANSWER, String.class));
    }

    /** Any exception that ends an HTTP exchange, as a problem+json answer. */
    public void problem(Exchange exchange) throws JsonProcessingException {
        respondProblem(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /** Answers the exchange with the problem+json that this exception stands for. */
    static void respondProblem(Exchange exchange, Exception caught) throws JsonProcessingException {
        Problem problem;
        if (caught instanceof HttpProblemException http) {
            problem = http.problem();
        } else if (ObjectHelper.getException(KeyReusedException.class, caught) != null) {
            KeyReusedException reused = ObjectHelper.getException(KeyReusedException.class, caught);
            problem = new Problem("Unprocessable Content", 422, reused.getMessage(), reused.violations());
        } else if (caught instanceof InvalidRequestException invalid) {
            problem = new Problem("Bad Request", 400, invalid.getMessage(), invalid.violations());
        } else if (ObjectHelper.getException(KeyInFlightException.class, caught) != null) {
            problem = new Problem("Conflict", 409, ObjectHelper.getException(KeyInFlightException.class, caught).getMessage(), null);
        } else if (ObjectHelper.getException(SentRecordNotWrittenException.class, caught) != null) {
            SentRecordNotWrittenException unrecorded = ObjectHelper.getException(SentRecordNotWrittenException.class, caught);
            LOG.error("{}", unrecorded.getMessage());
            problem = new Problem("Internal Server Error", 500, "Meta accepted the message as " + unrecorded.messageId()
                    + ", but the gateway could not write its sent record; it is written when this request is sent again "
                    + "with the same Idempotency-Key (which does not send it twice), or at the gateway's next start", null);
        } else if (caught instanceof ThrottlerRejectedExecutionException) {
            problem = new Problem("Service Unavailable", 503, "as many sends as the gateway allows are waiting for Meta; "
                    + "try again in a moment, or queue many messages at once with /messages/bulk", null);
        } else if (ObjectHelper.getException(JMSException.class, caught) != null) {
            LOG.error("A bulk request could not be queued on {}: {}", Queues.DELIVER, caught.getMessage());
            problem = new Problem("Service Unavailable", 503, "the durable queue is unavailable; the elements before the "
                    + "failure may be queued already: post the same array again with the same Idempotency-Key later, "
                    + "and none is sent twice", null);
        } else {
            LOG.error("HTTP request failed: {}", caught == null ? "unknown error" : caught.getMessage(), caught);
            problem = new Problem("Internal Server Error", 500, "the request could not be handled; the gateway's log says why", null);
        }
        respond(exchange, problem.status(), Problem.CONTENT_TYPE, Json.MAPPER.writeValueAsString(problem));
        if (problem.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        } else if (caught instanceof ThrottlerRejectedExecutionException) {
            exchange.getMessage().setHeader("Retry-After", 1);
        }
    }

    /** The key the request carries, else the caller's, else a fresh one: every record carries a key. */
    private static SendRequest withKey(SendRequest request, String callerKey) {
        if (request.idempotencyKey() != null) {
            return request;
        }
        String key = callerKey == null ? SOURCE + ":" + UUID.randomUUID() : callerKey;
        return RequestValidator.validate(request.withIdempotencyKey(key));
    }

    static void respond(Exchange exchange, int status, String contentType, String body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }

    /** The 202 answer of POST /messages/bulk. */
    record BulkAnswer(
            @JsonProperty("queued") int queued,
            @JsonProperty("rejected") List<Rejected> rejected) {

        record Rejected(
                @JsonProperty("index") int index,
                @JsonProperty("violations") List<Violation> violations) {
        }
    }
}
