package org.igdm.gateway.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every row of the error table in docs/design.md, with the HTTP status Meta has been seen to use. */
class GraphErrorClassifierTest {

    @ParameterizedTest(name = "HTTP {0}, code {1}/{2}, is_transient={3} -> {4}")
    @CsvSource(nullValues = "-", value = {
        // unknown / service temporarily unavailable
        "500, 1,      -,       false, TRANSIENT",
        "500, 2,      -,       false, TRANSIENT",
        "400, 2,      -,       false, TRANSIENT",
        // app, user, page, custom and Instagram rate limits
        "400, 4,      -,       false, RATE_LIMITED",
        "403, 17,     -,       false, RATE_LIMITED",
        "400, 32,     -,       false, RATE_LIMITED",
        "400, 613,    -,       false, RATE_LIMITED",
        "400, 613,    2534040, false, RATE_LIMITED",
        // business use case rate limits (Instagram, Messenger)
        "400, 80002,  -,       false, RATE_LIMITED",
        "400, 80006,  -,       false, RATE_LIMITED",
        // temporary limit, policy block: retried after a long delay
        "400, 341,    -,       false, RATE_LIMITED",
        "400, 368,    -,       false, RATE_LIMITED",
        // outside the allowed messaging window
        "400, 10,     2534022, false, PERMANENT",
        "400, 10,     2018278, false, PERMANENT",
        // this person can't receive messages now
        "400, 10,     2018108, false, PERMANENT",
        "400, 551,    -,       false, PERMANENT",
        "403, 200,    1545041, false, PERMANENT",
        // invalid parameter, no matching user, invalid message data
        "400, 100,    -,       false, PERMANENT",
        "400, 100,    2018001, false, PERMANENT",
        "400, 100,    2534014, false, PERMANENT",
        "400, 100,    2534015, false, PERMANENT",
        "400, 100,    2018276, false, PERMANENT",
        // invalid or expired token
        "400, 190,    -,       false, PERMANENT",
        "401, 190,    463,     false, PERMANENT",
        // permission missing
        "403, 10,     -,       false, PERMANENT",
        "403, 200,    -,       false, PERMANENT",
        "403, 230,    -,       false, PERMANENT",
        "403, 299,    -,       false, PERMANENT",
        // Meta says retrying may succeed
        "400, 12345,  -,       true,  TRANSIENT",
        "400, -,      -,       true,  TRANSIENT",
        // no known code: the HTTP status decides
        "503, 99999,  -,       false, TRANSIENT",
        "400, 99999,  -,       false, PERMANENT",
    })
    void classifiesByCodeThenIsTransientThenStatus(int status, Integer code, Integer subcode, boolean isTransient, ErrorClass expected) {
        GraphError error = new GraphError("m", "IGApiException", code, subcode, "trace", isTransient);
        assertThat(GraphErrorClassifier.classify(status, error)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "HTTP {0} without an envelope -> {1}")
    @CsvSource({"500, TRANSIENT", "502, TRANSIENT", "503, TRANSIENT", "504, TRANSIENT", "408, TRANSIENT",
        "429, RATE_LIMITED", "400, PERMANENT", "404, PERMANENT"})
    void withoutAnEnvelopeTheStatusDecides(int status, ErrorClass expected) {
        assertThat(GraphErrorClassifier.classify(status, null)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"190, true", "10, false", "-, false"})
    void onlyCode190MeansTheTokenIsBad(Integer code, boolean tokenInvalid) {
        assertThat(GraphErrorClassifier.tokenInvalid(new GraphError("m", null, code, null, null, false))).isEqualTo(tokenInvalid);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"10, 2534022, true", "10, 2018278, true", "10, 2018108, false", "10, -, false",
        "100, 2534022, false", "-, -, false"})
    void onlyCode10WithAWindowSubcodeMeansOutsideTheWindow(Integer code, Integer subcode, boolean outsideWindow) {
        assertThat(GraphErrorClassifier.outsideWindow(new GraphError("m", null, code, subcode, null, false))).isEqualTo(outsideWindow);
    }
}
