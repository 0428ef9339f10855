package org.igdm.gateway.account;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which of Meta's two APIs an account sends through; its token works on that one only. */
public enum Api {
    /** Messenger Platform: graph.facebook.com, a Page token, a form body with {@code access_token}. */
    FACEBOOK,
    /** Instagram API with Instagram Login: graph.instagram.com, an {@code IGAA…} token, a JSON body, {@code Authorization: Bearer}. */
    INSTAGRAM;

    /** The setting's value: {@code facebook} or {@code instagram}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Api> of(String label) {
        return Arrays.stream(values()).filter(api -> api.label().equals(label)).findFirst();
    }
}
