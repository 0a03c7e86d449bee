package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.KeyRecord;

/** An SSH key of the account, as {@code GET /:login/keys} lists it. */
@JsonPropertyOrder({"name", "fingerprint", "key"})
public record KeyView(String name, String fingerprint, String key) {

    public static KeyView of(KeyRecord k) {
        return new KeyView(k.name, k.fingerprint, k.keyText);
    }
}
