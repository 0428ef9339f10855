package org.igdm.gateway.file;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import org.igdm.gateway.Json;
import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.RequestJson;

/**
 * The rows of a JSON batch: one request object, or an array of them read element by element with Jackson's
 * streaming parser (never the whole array at once).
 */
final class JsonRows implements BatchRows {

    /** Reads one element of the stream at a time: what follows it is the next element, not trailing text. */
    private static final ObjectReader ELEMENT = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final RowText text;
    private final JsonParser parser;
    private final boolean array;
    private boolean finished;
    private long number;

    JsonRows(RowText text) throws IOException {
        this.text = text;
        parser = Json.MAPPER.getFactory().createParser(text);
        JsonToken first = syntax(() -> parser.nextToken());
        if (first == null) {
            throw new UnreadableFileException("the file is empty: a JSON batch is one request object or an array of them");
        }
        if (first != JsonToken.START_ARRAY && first != JsonToken.START_OBJECT) {
            throw new UnreadableFileException("a JSON batch is one request object or an array of them, but the file starts with "
                    + parser.getText());
        }
        array = first == JsonToken.START_ARRAY;
    }

    @Override
    public FileRow next() throws IOException {
        if (finished) {
            return null;
        }
        if (array && syntax(() -> parser.nextToken()) == JsonToken.END_ARRAY) {
            return end();
        }
        JsonNode element = syntax(() -> ELEMENT.readTree(parser));
        text.rowEnded(++number);
        if (!array) {
            end();
        }
        try {
            return FileRow.valid(number, RequestJson.fromNode(element));
        } catch (InvalidRequestException why) {
            return FileRow.invalid(number, null, element.toString(), why);
        }
    }

    /** After the object or array, only white space may follow. */
    private FileRow end() throws IOException {
        finished = true;
        JsonToken after = syntax(() -> parser.nextToken());
        if (after != null) {
            throw new UnreadableFileException("not valid JSON: more content after the end of the " + (array ? "array" : "object")
                    + " at line " + parser.currentLocation().getLineNr());
        }
        return null;
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    /** A syntax error anywhere makes the whole file unreadable; it says where, and after which row. */
    private <T> T syntax(Step<T> step) throws IOException {
        try {
            return step.run();
        } catch (JsonProcessingException e) {
            throw new UnreadableFileException("not valid JSON after row " + number + ": " + Json.describe(e));
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
