package org.igdm.gateway.observe;

import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.igdm.gateway.pacing.AccountGate;
import org.igdm.gateway.pacing.AccountGates;

/**
 * Part of /observe/health: DOWN, naming the accounts, while an account is suspended because Meta refused its
 * token (code 190). Someone must give it a new token; the other accounts keep sending meanwhile.
 */
public final class AccountsHealthCheck extends AbstractHealthCheck {

    public static final String BEAN = "accountsHealthCheck";

    private final AccountGates gates;

    public AccountsHealthCheck(AccountGates gates) {
        super("gateway", "accounts");
        this.gates = gates;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> suspended = gates.all().stream().filter(AccountGate::suspended).map(AccountGate::account).toList();
        if (suspended.isEmpty()) {
            builder.up();
            return;
        }
        builder.detail("suspended", String.join(",", suspended));
        builder.down().message("suspended, Meta refused the access token (code 190) of account " + String.join(", ", suspended)
                + ": write a new token to its token file; its messages wait, the other accounts send");
    }
}
