package org.igdm.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.igdm.gateway.request.InvalidRequestException;

/**
 * What an HTTP caller really sent, read from the Vert.x request rather than from Camel's headers:
 * platform-http copies query parameters into the headers too, so {@code ?Authorization=Bearer%20<key>} would
 * pass for the header (and put the key into access logs). Header values are UTF-8 (Vert.x hands them over as
 * ISO-8859-1, byte for byte), and a header that may occur once is refused when repeated. The body is UTF-8
 * JSON whatever charset the Content-Type names (RFC 8259), so Meta always gets UTF-8.
 */
public final class HttpHeaders {

    private final HttpServerRequest request;

    private HttpHeaders(HttpServerRequest request) {
        this.request = request;
    }

    public static HttpHeaders of(Message message) {
        if (message instanceof HttpMessage http) {
            return new HttpHeaders(http.getRequest());
        }
        throw new IllegalStateException("not an HTTP request of the platform-http server: " + message.getClass().getName());
    }

    /** The header's value as UTF-8, or null when absent; 400 when it is repeated or not UTF-8. */
    public String single(String name) {
        List<String> values = request.headers().getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidRequestException(name, "the " + name + " header may be sent once, got " + values.size());
        }
        try {
            return strictUtf8(values.get(0).getBytes(StandardCharsets.ISO_8859_1));
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException(name, "the " + name + " header is not UTF-8 text");
        }
    }

    /** The body's bytes as UTF-8 text; 400 naming the body when they are not UTF-8. */
    public static String utf8Body(Message message) {
        byte[] bytes = message.getBody(byte[].class);
        try {
            return bytes == null ? null : strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("body", "the body is not UTF-8 text: JSON requests are UTF-8 (RFC 8259), "
                    + "whatever charset the Content-Type names");
        }
    }

    /**
     * Once a door has read what it needs: no incoming header travels on (as a JMS property, a Graph API header or
     * an echo in the answer), and the caller's Content-Type charset steers no encoding downstream (Meta gets UTF-8).
     */
    public static void dropAll(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.removeProperty(Exchange.CHARSET_NAME);
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
