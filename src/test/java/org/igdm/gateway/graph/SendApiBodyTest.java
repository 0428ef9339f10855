package org.igdm.gateway.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.igdm.gateway.account.AccessToken;
import org.igdm.gateway.request.MessageKind;
import org.igdm.gateway.request.RequestJson;
import org.igdm.gateway.request.SendRequest;
import org.igdm.gateway.support.KindExamples;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Meta's fields for every kind, as the facebook form carries them and as one JSON object. */
class SendApiBodyTest {

    private static final AccessToken TOKEN = new AccessToken("EAAtoken+/=");
    @ParameterizedTest
    @MethodSource("org.igdm.gateway.support.KindExamples#all")
    void everyKindIsEncodedAsMetaDocumentsIt(KindExamples.Example example) {
        SendRequest request = RequestJson.parse(example.request());

        assertThat(MessageKind.of(request)).isEqualTo(example.kind());
        assertThat(SendApiBody.of(request).toString()).isEqualTo(example.json());
        Map<String, String> form = new LinkedHashMap<>(example.form());
        form.put("access_token", "EAAtoken+/=");
        assertThat(GraphForm.decode(GraphForm.encode(SendApiBody.of(request), TOKEN))).containsExactlyEntriesOf(form);
    }

    @Test
    void anImageByteForByte() {
        assertThat(GraphForm.encode(SendApiBody.of(RequestJson.parse(KindExamples.of(MessageKind.IMAGE).request())), TOKEN)).isEqualTo(
                "recipient=%7B%22id%22%3A%221784140000000101%22%7D"
                        + "&message=%7B%22attachment%22%3A%7B%22type%22%3A%22image%22%2C%22payload%22%3A%7B%22url%22%3A"
                        + "%22https%3A%2F%2Fexample.com%2Fp%2F42.jpg%22%7D%7D%7D"
                        + "&messaging_type=RESPONSE&access_token=EAAtoken%2B%2F%3D");
    }

    @Test
    void aReactionByteForByte() {
        assertThat(GraphForm.encode(SendApiBody.of(RequestJson.parse(KindExamples.of(MessageKind.REACTION).request())), TOKEN)).isEqualTo(
                "recipient=%7B%22id%22%3A%221784140000000101%22%7D&sender_action=react"
                        + "&payload=%7B%22message_id%22%3A%22" + KindExamples.MID + "%22%2C%22reaction%22%3A%22love%22%7D"
                        + "&access_token=EAAtoken%2B%2F%3D");
    }

    @Test
    void aPrivateReplyByteForByte() {
        SendRequest reply = RequestJson.parse("{\"comment_id\":\"" + KindExamples.COMMENT + "\",\"message\":\"Thanks\"}");
        assertThat(GraphForm.encode(SendApiBody.of(reply), TOKEN)).isEqualTo(
                "recipient=%7B%22comment_id%22%3A%2217858893269000001%22%7D&message=%7B%22text%22%3A%22Thanks%22%7D"
                        + "&messaging_type=RESPONSE&access_token=EAAtoken%2B%2F%3D");
    }
}
