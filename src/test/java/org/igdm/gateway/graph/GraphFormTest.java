package org.igdm.gateway.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.request.SendRequest;
import org.junit.jupiter.api.Test;

/** The form body byte for byte, written out by hand from Meta's sample. */
class GraphFormTest {

    private static final AccessToken TOKEN = new AccessToken("EAAtoken+/=");

    @Test
    void responseMessage() {
        assertThat(GraphForm.encode(SendApiBody.of(SendRequest.text("17841", "Hi there")), TOKEN)).isEqualTo(
                "recipient=%7B%22id%22%3A%2217841%22%7D&message=%7B%22text%22%3A%22Hi+there%22%7D"
                        + "&messaging_type=RESPONSE&access_token=EAAtoken%2B%2F%3D");
    }

    @Test
    void humanAgentTag() {
        assertThat(GraphForm.encode(SendApiBody.of(SendRequest.text("1", "x").withTag("HUMAN_AGENT").withIdempotencyKey("k")), TOKEN)).isEqualTo(
                "recipient=%7B%22id%22%3A%221%22%7D&message=%7B%22text%22%3A%22x%22%7D"
                        + "&messaging_type=MESSAGE_TAG&tag=HUMAN_AGENT&access_token=EAAtoken%2B%2F%3D");
    }

    @Test
    void specialCharactersAreJsonEscapedThenUrlEncoded() {
        // text: a "q" & b=c 100% + 😀 <newline> end
        assertThat(GraphForm.encode(SendApiBody.of(SendRequest.text("1", "a \"q\" & b=c 100% + \uD83D\uDE00\nend")), TOKEN))
                .startsWith("recipient=%7B%22id%22%3A%221%22%7D&message="
                        + "%7B%22text%22%3A%22a+%5C%22q%5C%22+%26+b%3Dc+100%25+%2B+%F0%9F%98%80%5Cnend%22%7D&");
    }

    @Test
    void theTokenNeverPrints() {
        assertThat(TOKEN.toString()).doesNotContain("EAAtoken");
    }
}
