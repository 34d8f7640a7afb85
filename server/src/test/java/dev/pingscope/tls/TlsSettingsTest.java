package dev.pingscope.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TlsSettingsTest {

    @Test
    void to_string_names_the_keystore_but_never_the_password() {
        TlsSettings tls = SelfSignedCertificate.create();
        String text = tls.toString();
        assertTrue(tls.password().length() >= 8, "the self-signed keystore has a real password");
        assertFalse(text.contains(tls.password()), text);
        assertTrue(text.contains(tls.keystore().toString()), text);
        assertTrue(text.contains("password=(hidden)"), text);
        assertFalse(String.valueOf(java.util.List.of(tls)).contains(tls.password()), "nor when inside another object's text");
    }
}
