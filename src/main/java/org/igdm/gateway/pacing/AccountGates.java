package org.igdm.gateway.pacing;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.igdm.gateway.account.Account;

/**
 * One {@link AccountGate} per account, so that one account's pace, rate-limit pause, breaker or suspension never
 * holds up another. Meta's app usage ({@code X-App-Usage}) is the one thing they share: every account of the app
 * slows as it nears 100 %.
 */
public final class AccountGates {

    private final Map<String, AccountGate> byAccount = new LinkedHashMap<>();
    private final AtomicInteger appUsagePercent = new AtomicInteger();

    /** @param shares the cluster's shares of each account's pace, or null for a gateway that sends alone */
    public AccountGates(Collection<Account> accounts, PacingSettings settings, PaceShares shares) {
        for (Account account : accounts) {
            PacingSettings paced = settings.withMaxSendsPerSecond(account.maxSendsPerSecond());
            AccountGate gate;
            if (shares == null) {
                gate = new AccountGate(account.name(), paced, appUsagePercent::get, AccountGate.fullPace(paced));
            } else {
                PaceShares.AccountShare share = shares.account(account.name(), (int) account.maxSendsPerSecond());
                gate = new AccountGate(account.name(), paced, appUsagePercent::get, share::perSecond);
                share.occupancy(gate::callsInWindow);
            }
            byAccount.put(account.name(), gate);
        }
    }

    public AccountGate of(String account) {
        AccountGate gate = byAccount.get(account);
        if (gate == null) {
            throw new IllegalArgumentException("no gate for account " + account);
        }
        return gate;
    }

    public Collection<AccountGate> all() {
        return byAccount.values();
    }

    /** The usage Meta last reported for the app, in percent. */
    public void appUsage(int percent) {
        appUsagePercent.set(percent);
    }

    public int appUsagePercent() {
        return appUsagePercent.get();
    }

    /** Waiting callers of every account give up their turn: the gateway is shutting down. */
    public void stop() {
        byAccount.values().forEach(AccountGate::stop);
    }
}
