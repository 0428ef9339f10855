package org.igdm.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.igdm.gateway.Json;
import org.igdm.gateway.http.HttpHeaders;
import org.igdm.gateway.http.HttpProblemException;
import org.igdm.gateway.http.Problem;
import org.igdm.gateway.observe.GatewayMetrics;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.Violation;
import org.igdm.gateway.window.MessagingWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java half of the webhook source ({@code routes/webhook-source.camel.yaml}): Meta's verification handshake,
 * the signature check over the raw body, and keeping each event once: the users' messages in the window store,
 * the events in the received sink and their ids in the store, all before Meta gets its 200.
 */
public final class WebhookIngress {

    public static final String BEAN = "webhookIngress";
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookIngress.class);

    private final WebhookSettings settings;
    private final WebhookSignature signature;
    private final KeptEvents kept;
    private final MessagingWindows windows;
    private final AccountNames accounts;
    private final ProducerTemplate sink;

    public WebhookIngress(WebhookSettings settings, KeptEvents kept, MessagingWindows windows, AccountNames accounts, ProducerTemplate sink) {
        this.settings = settings;
        this.signature = settings.enabled() ? new WebhookSignature(settings.appSecret()) : null;
        this.kept = kept;
        this.windows = windows;
        this.accounts = accounts;
        this.sink = sink;
    }

    /** Whether the webhook route exists: both the verify token and the app secret are set. */
    public boolean enabled() {
        return settings.enabled();
    }

    /** GET: Meta subscribes the callback URL; the challenge is echoed only with the right verify token. */
    public void verifySubscription(Exchange exchange) {
        Message message = exchange.getMessage();
        String mode = message.getHeader("hub.mode", String.class);
        String token = message.getHeader("hub.verify_token", String.class);
        String challenge = message.getHeader("hub.challenge", String.class);
        boolean tokenMatches = token != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), settings.verifyToken().getBytes(StandardCharsets.UTF_8));
        if (!"subscribe".equals(mode) || !tokenMatches || challenge == null) {
            LOG.warn("Refused a webhook verification: hub.mode is not 'subscribe' or hub.verify_token is not {}", WebhookSettings.VERIFY_TOKEN);
            throw new HttpProblemException(new Problem("Forbidden", 403, "hub.mode must be 'subscribe' and hub.verify_token must be "
                    + "the gateway's " + WebhookSettings.VERIFY_TOKEN + ", with a hub.challenge to echo", null));
        }
        respond(exchange, 200, "text/plain", challenge);
    }

    /**
     * POST: the raw body, once its signature holds. The signature is read from the request's real headers (not a
     * query parameter of the same name); then every incoming header is dropped, so none can steer the sink (a file
     * name, say) or be echoed back.
     */
    public byte[] checkSignature(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        String problem = signature.problem(HttpHeaders.of(message).single(WebhookSignature.HEADER), body == null ? new byte[0] : body);
        HttpHeaders.dropAll(exchange);
        if (problem != null) {
            GatewayMetrics.of(exchange).webhookSignatureRefused();
            LOG.warn("Refused a webhook POST: {}", problem);
            throw new HttpProblemException(new Problem("Forbidden", 403, problem, null));
        }
        return body;
    }

    /** The batch's events; a batch that is not Meta's Instagram shape is refused naming the field. */
    public List<ReceivedEvent> events(byte[] body) {
        return WebhookEvents.read(body, accounts, Instant.now());
    }

    /**
     * Records when users wrote (idempotent: a redelivery changes nothing), then writes each event not kept before
     * to the received sink and stores its id, and answers 200 once all of it is done.
     */
    public void keep(@Body List<ReceivedEvent> events, Exchange exchange) throws JsonProcessingException {
        for (ReceivedEvent event : events) {
            if (event.userWrote()) {
                windows.userWrote(event.accountId(), event.senderId(), event.occurredAt());
            }
        }
        List<ReceivedEvent> fresh = kept.keepNew(events, Instant.now(), this::writeToSink);
        GatewayMetrics metrics = GatewayMetrics.of(exchange);
        fresh.forEach(event -> metrics.webhookEvent(event.kind()));
        LOG.debug("Webhook batch: {} event(s), {} new", events.size(), fresh.size());
        respond(exchange, 200, JSON, Json.MAPPER.writeValueAsString(new Answer(events.size(), fresh.size())));
    }

    private void writeToSink(List<ReceivedEvent> events) {
        for (ReceivedEvent event : events) {
            try {
                sink.sendBody(settings.receivedSink(), Json.MAPPER.writeValueAsString(event));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a received event always serializes", e);
            }
        }
    }

    /** Any exception that ends a webhook exchange, as a problem+json answer; Meta redelivers what was not answered 200. */
    public void problem(Exchange exchange) throws JsonProcessingException {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Problem problem;
        if (caught instanceof HttpProblemException http) {
            problem = http.problem();
        } else if (caught instanceof InvalidRequestException invalid) {
            problem = new Problem("Bad Request", 400, invalid.getMessage(), invalid.violations());
        } else if (caught instanceof InvalidWebhookException invalid) {
            LOG.warn("Refused a signed webhook POST: {}", invalid.getMessage());
            problem = new Problem("Bad Request", 400, invalid.getMessage(), List.of(new Violation(invalid.field(), invalid.getMessage())));
        } else {
            LOG.error("A webhook batch could not be kept; Meta will deliver it again: {}", caught == null ? "unknown error" : caught.getMessage(), caught);
            problem = new Problem("Internal Server Error", 500, "the events could not be kept; the gateway's log says why", null);
        }
        respond(exchange, problem.status(), Problem.CONTENT_TYPE, Json.MAPPER.writeValueAsString(problem));
    }

    private static void respond(Exchange exchange, int status, String contentType, String body) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }

    /** The 200 answer: how many events the batch held and how many of them were new. */
    record Answer(@JsonProperty("events") int events, @JsonProperty("kept") int kept) {
    }
}
