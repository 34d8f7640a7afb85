package dev.pingscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SitesOptionTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        return Cli.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void help_describes_sites_with_its_environment_variable() {
        assertEquals(0, run(Map.of(), "--help"));
        assertTrue(out.toString().contains("--sites"), out.toString());
        assertTrue(out.toString().contains("env PINGSCOPE_SITES, default: none"), out.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a path                         | https://shop.example/page
            not an origin                  | shop.example
            listed twice                   | https://shop.example,https://SHOP.example
            too many                       | https://a1.x,https://a2.x,https://a3.x,https://a4.x,https://a5.x,https://a6.x,https://a7.x,https://a8.x,https://a9.x,https://a10.x,https://a11.x,https://a12.x,https://a13.x,https://a14.x,https://a15.x,https://a16.x,https://a17.x,https://a18.x,https://a19.x,https://a20.x,https://a21.x
            """)
    void a_bad_sites_list_is_a_one_line_error_naming_the_option(String problem, String value) {
        assertEquals(2, run(Map.of(), "--sites", value));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("--sites"), err.toString());
    }

    @Test
    void a_site_whose_pages_may_not_report_is_refused() {
        assertEquals(2, run(Map.of("PINGSCOPE_SITES", "https://shop.example"), "--allowed-origins", "https://blog.example"));
        assertTrue(err.toString().contains("not in --allowed-origins"), err.toString());
    }
}
