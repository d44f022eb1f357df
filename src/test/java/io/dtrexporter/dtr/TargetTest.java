package io.dtrexporter.dtr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "dtr.corp,                              https://dtr.corp:443,                  https://dtr.corp:443/api/v0/jobs",
        "dtr.corp:4443,                         https://dtr.corp:4443,                 https://dtr.corp:4443/api/v0/jobs",
        "https://DTR.Corp.,                     https://dtr.corp:443,                  https://dtr.corp:443/api/v0/jobs",
        "http://dtr.corp,                       http://dtr.corp:80,                    http://dtr.corp:80/api/v0/jobs",
        "HTTPS://dtr.corp:8443/registry/dtr/,   https://dtr.corp:8443/registry/dtr,    https://dtr.corp:8443/registry/dtr/api/v0/jobs",
        "https://10.0.3.7,                      https://10.0.3.7:443,                  https://10.0.3.7:443/api/v0/jobs",
        "https://[::1]:4443,                    https://[::1]:4443,                    https://[::1]:4443/api/v0/jobs",
        "[fd00::2],                             https://[fd00::2]:443,                 https://[fd00::2]:443/api/v0/jobs",
        "https://[::ffff:10.0.3.7]:4443,        https://10.0.3.7:4443,                 https://10.0.3.7:4443/api/v0/jobs",
    })
    void acceptedTargetsAreNormalisedAndPrefixTheApiPaths(String raw, String shown, String api) {
        Target target = Target.parse(raw);
        assertEquals(shown, target.toString());
        assertEquals(api, target.resolve("/api/v0/jobs").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://dtr.corp", "file:///etc/passwd", "https://", "https://dtr.corp?x=1",
        "https://dtr.corp/#frag", "https://user:pw@dtr.corp", "https://dtr corp", "https://dtr.corp\n", "://dtr.corp",
        "https://dtr.corp:99999", "https://dtr.corp:0", "https://dtr_corp"})
    void unusableTargetsAreRefused(String raw) {
        assertThrows(InvalidTargetException.class, () -> Target.parse(raw));
    }

    @ParameterizedTest
    @ValueSource(ints = {Target.MAX_LENGTH + 1, 100_000})
    void overlongTargetsAreRefusedBeforeParsing(int length) {
        String raw = "https://" + "a".repeat(length);
        InvalidTargetException e = assertThrows(InvalidTargetException.class, () -> Target.parse(raw));
        assertEquals("target is longer than 2048 characters", e.getMessage());
    }
}
