package org.igdm.gateway.request;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One broken rule: the field it concerns and a sentence a person can act on. */
public record Violation(@JsonProperty("field") String field, @JsonProperty("reason") String reason) {

    @Override
    public String toString() {
        return reason;
    }
}
