package io.dtrexporter.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.config.AllowedTargets;
import io.dtrexporter.config.BasicAuth;
import io.dtrexporter.config.HostPattern;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.config.Secret;
import io.dtrexporter.config.TlsConfig;
import io.dtrexporter.dtr.InvalidTargetException;
import io.dtrexporter.dtr.Target;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** allowed_targets patterns against parsed targets: the host of the URL, never the raw string. */
class TargetAccessTest {
    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "dtr.corp            | https://dtr.corp                 | true",
        "dtr.corp            | https://DTR.Corp.                | true",
        "dtr.corp            | dtr.corp:4443                    | true",
        "dtr.corp            | https://dtr.corp.evil            | false",
        "dtr.corp            | https://evil.dtr.corp            | false",
        "dtr.corp            | https://dtr.corpevil             | false",
        "dtr.corp            | https://xdtr.corp                | false",
        "dtr.corp            | https://dtr.corp/../evil         | true",
        "dtr.corp:443        | https://dtr.corp                 | true",
        "dtr.corp:443        | http://dtr.corp                  | false",
        "dtr.corp:443        | https://dtr.corp:4443            | false",
        "*.dtr.corp          | https://a.dtr.corp               | true",
        "*.dtr.corp          | https://a.b.dtr.corp             | false",
        "*.dtr.corp          | https://dtr.corp                 | false",
        "*.dtr.corp          | https://a.dtr.corp.evil          | false",
        "dtr-*.corp:4443     | https://dtr-east.corp:4443       | true",
        "dtr-*.corp:4443     | https://dtr-east.corp            | false",
        "dtr-*.corp:4443     | https://dtr-1.corp:4443          | true",
        "dtr-*.corp:4443     | https://east-dtr.corp:4443       | false",
        "10.0.3.*            | https://10.0.3.7                 | true",
        "10.0.3.*            | https://10.0.30.7                | false",
        "10.0.3.*            | https://10.0.3.7.evil            | false",
        "10.0.3.*            | https://167773959                | false",
        "10.0.3.*            | https://0x0a.0.3.7               | false",
        "10.0.3.*            | https://10.0.3.attacker          | false",
        "10.0.3.*            | https://10.0.3.256               | false",
        "10.0.3.*            | https://10.0.3.07                | false",
        "10.0.3.*            | https://[::ffff:10.0.3.7]        | true",
        "10.0.*.7            | https://10.0.99.7                | true",
        "dtr-*.corp          | https://dtr-7.corp               | true",
        "[fd00::2]           | https://[FD00:0:0::2]            | true",
        "[fd00::2]:443       | https://[fd00::2]                | true",
        "[fd00::2]           | https://[fd00::3]                | false",
        "127.0.0.1           | https://[::ffff:127.0.0.1]       | true",
        "127.0.0.1           | https://127.1                    | false",
        "xn--dtr-5cd.corp    | https://xn--dtr-5cd.corp         | true",
    })
    void aTargetIsAllowedOnlyWhenItsHostAndPortMatch(String pattern, String target, boolean allowed) {
        ModuleConfig module = module(false, pattern);
        boolean parsedAndAllowed;
        try {
            parsedAndAllowed = TargetAccess.refusal(module, Target.parse(target), target).isEmpty();
        } catch (InvalidTargetException e) {
            parsedAndAllowed = false; // refused even earlier, as a bad request
        }
        assertEquals(allowed, parsedAndAllowed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://dtr.corp    | false | false",
        "http://dtr.corp    | true  | true",
        "https://dtr.corp   | false | true",
    })
    void credentialsTravelOverHttpOnlyWhenTheModuleSaysSo(String target, boolean allowPlainHttp, boolean allowed) {
        ModuleConfig module = module(allowPlainHttp, "dtr.corp");
        Optional<String> refusal = TargetAccess.refusal(module, Target.parse(target), target);
        assertEquals(allowed, refusal.isEmpty());
        refusal.ifPresent(why -> assertTrue(why.contains("only sent over https"), why));
    }

    private static ModuleConfig module(boolean allowPlainHttp, String... patterns) {
        AllowedTargets allowed = new AllowedTargets(Arrays.stream(patterns).map(HostPattern::parse).toList(), false);
        return new ModuleConfig("prod", Optional.of(new BasicAuth("admin", new Secret<>("pw"))), TlsConfig.DEFAULT,
                allowed, allowPlainHttp, 100, Duration.ofSeconds(1));
    }
}
