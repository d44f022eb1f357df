package io.dtrexporter.probe;

import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.dtr.Target;
import java.util.Optional;

/** Whether a module may be used for a target: the one place where that is decided. */
public final class TargetAccess {
    private TargetAccess() {
    }

    /**
     * Why the module must not probe the target, or empty when it may.
     *
     * @param asGiven the target as the request spelled it, for the message
     */
    public static Optional<String> refusal(ModuleConfig module, Target target, String asGiven) {
        String refused = "target \"" + asGiven + "\" is not allowed for module \"" + module.name() + "\"";
        if (!module.allowedTargets().allows(target.host(), target.port())) {
            return Optional.of(refused);
        }
        if (module.hasCredentials() && !target.isHttps() && !module.allowPlainHttp()) {
            return Optional.of(refused + ": its credentials are only sent over https"
                    + " (allow_plain_http: true in the module allows http)");
        }
        return Optional.empty();
    }
}
