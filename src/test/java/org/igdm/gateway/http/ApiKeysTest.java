package org.igdm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void noKeysMeansNoAuthentication() {
        for (String setting : new String[] {null, "", "  ", " , ,"}) {
            ApiKeys keys = ApiKeys.parse(setting);
            assertThat(keys.required()).isFalse();
            assertThat(keys.accepts(null)).isTrue();
        }
    }

    @Test
    void anyConfiguredKeyIsAcceptedAsABearerToken() {
        ApiKeys keys = ApiKeys.parse(" alpha-1 ,beta-2,, ");

        assertThat(keys.required()).isTrue();
        assertThat(keys.accepts("Bearer alpha-1")).isTrue();
        assertThat(keys.accepts("bearer beta-2")).isTrue();
        assertThat(keys.accepts("Bearer  beta-2 ")).isTrue();
        assertThat(keys.accepts(null)).isFalse();
        assertThat(keys.accepts("")).isFalse();
        assertThat(keys.accepts("Bearer")).isFalse();
        assertThat(keys.accepts("Bearer ")).isFalse();
        assertThat(keys.accepts("alpha-1")).isFalse();
        assertThat(keys.accepts("Basic alpha-1")).isFalse();
        assertThat(keys.accepts("Bearer alpha-")).isFalse();
        assertThat(keys.accepts("Bearer alpha-1,beta-2")).isFalse();
        assertThat(keys.accepts("Bearer ALPHA-1")).isFalse();
    }

    @Test
    void theKeysNeverAppearInItsDescription() {
        assertThat(ApiKeys.parse("alpha-1,beta-2")).hasToString("2 API key(s)");
    }
}
