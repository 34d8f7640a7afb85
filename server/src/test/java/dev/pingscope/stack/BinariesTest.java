package dev.pingscope.stack;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinariesTest {

    @Test
    void a_missing_program_fails_the_test_and_says_what_to_install() {
        AssertionError e = assertThrows(AssertionError.class, () -> Binaries.require("no-such-program-here", "some-package"));
        assertTrue(e.getMessage().contains("apt-get install some-package"), e.getMessage());
    }

    @Test
    void nginx_is_found_in_usr_sbin_even_when_that_is_not_on_path() {
        assertTrue(Binaries.require("nginx", "nginx-light").isAbsolute());
    }
}
