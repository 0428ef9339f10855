package org.igdm.gateway.delivery;

import java.time.Duration;
import org.igdm.gateway.account.Account;
import org.igdm.gateway.account.Accounts;
import org.igdm.gateway.graph.AccountPausedException;
import org.igdm.gateway.graph.AccountSuspendedException;
import org.igdm.gateway.graph.GraphClient;
import org.igdm.gateway.graph.GraphErrorClassifier;
import org.igdm.gateway.graph.GraphSendResult;
import org.igdm.gateway.graph.KindLimitedException;
import org.igdm.gateway.graph.OutcomeUnknownException;
import org.igdm.gateway.graph.RateLimitUsage;
import org.igdm.gateway.graph.RateLimitedException;
import org.igdm.gateway.graph.RejectedByGraphException;
import org.igdm.gateway.graph.TransientGraphException;
import org.igdm.gateway.pacing.AccountGate;
import org.igdm.gateway.pacing.AccountGates;
import org.igdm.gateway.pacing.KindLimits;
import org.igdm.gateway.pacing.Turn;
import org.igdm.gateway.request.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt: the call to Meta through the account's {@link AccountGate}, with the account's current
 * token; a call of a kind Meta limits further (audio and video, private replies) first waits at the
 * {@link KindLimits}, which know each account by its name. For a caller that waits for the account (a queued message), a rate-limit answer, a failure while Meta is
 * down, or Meta refusing the account's token (190: the account is suspended until it has a new one) is not the
 * message's fault: the call is made again once the gate opens, without failing the message. A caller that waits
 * for the answer itself (HTTP) hears of a pause or a suspension at once instead.
 */
public final class PacedGraphCall {

    private static final Logger LOG = LoggerFactory.getLogger(PacedGraphCall.class);
    /** A caller that waits for its answer (HTTP) waits for a kind's limit this long at most; longer is a pause. */
    private static final Duration LONGEST_CALLER_WAIT = Duration.ofSeconds(1);

    private final Accounts accounts;
    private final AccountGates gates;
    private final KindLimits kindLimits;
    private final GraphClient client;

    public PacedGraphCall(Accounts accounts, AccountGates gates, KindLimits kindLimits, GraphClient client) {
        this.accounts = accounts;
        this.gates = gates;
        this.kindLimits = kindLimits;
        this.client = client;
    }

    /**
     * @param sender          the sending account (its token is looked up anew for each call)
     * @param waitsForAccount the caller waits out pauses, outages and a suspension
     * @param attempts        counts each call made
     */
    public GraphSendResult send(Account sender, SendRequest request, boolean waitsForAccount, Runnable attempts)
            throws InterruptedException {
        String name = sender.name();
        AccountGate gate = gates.of(name);
        while (true) {
            if (!waitsForAccount) {
                if (gate.suspended()) {
                    throw new AccountSuspendedException(name);
                }
                if (gate.paused()) {
                    throw new AccountPausedException(gate.pausedFor());
                }
            }
            KindLimits.Places places = awaitKindTurn(name, request, waitsForAccount);
            Turn turn = awaitTurn(gate, places);
            Account account = accounts.current(name);
            try {
                attempts.run();
                GraphSendResult result = client.send(account, request, () -> {
                    gate.requestWritten(turn);
                    kindLimits.requestWritten(places);
                });
                answered(gate, result.usage());
                return result;
            } catch (RateLimitedException throttled) {
                gates.appUsage(throttled.usage().appPercent());
                gate.rateLimited(throttled.usage().regainAccess(), throttled.usage().accountPercent());
                if (!waitsForAccount) {
                    throw throttled;
                }
            } catch (RejectedByGraphException refused) {
                answered(gate, refused.usage());
                if (!GraphErrorClassifier.tokenInvalid(refused.error())) {
                    throw refused;
                }
                suspend(gate, account, refused);
                if (!waitsForAccount) {
                    throw refused;
                }
            } catch (OutcomeUnknownException unknown) {
                gate.failedTransiently();
                throw unknown;
            } catch (TransientGraphException failure) {
                boolean outage = gate.failedTransiently();
                if (!outage || !waitsForAccount) {
                    throw failure;
                }
            } finally {
                gate.callEnded(turn);
                kindLimits.callEnded(places);
            }
        }
    }

    /** The kind's limit comes before the account's pace; a caller that waits itself is not held past a second. */
    private KindLimits.Places awaitKindTurn(String name, SendRequest request, boolean waitsForAccount)
            throws InterruptedException {
        Duration kindWait = kindLimits.waitFor(name, request);
        if (!waitsForAccount && kindWait.compareTo(LONGEST_CALLER_WAIT) > 0) {
            throw new KindLimitedException(kindLimits.describe(request), kindWait);
        }
        return kindLimits.awaitTurn(name, request);
    }

    /** Then the account's pace; the kind's places are given back if the wait ends without a turn. */
    private Turn awaitTurn(AccountGate gate, KindLimits.Places places) throws InterruptedException {
        try {
            return gate.awaitTurn();
        } catch (InterruptedException | RuntimeException e) {
            kindLimits.callEnded(places);
            throw e;
        }
    }

    private void answered(AccountGate gate, RateLimitUsage usage) {
        gates.appUsage(usage.appPercent());
        gate.answered(usage.accountPercent());
    }

    /** Unless the account got a new token while this call was out: then the refusal concerned the old one. */
    private void suspend(AccountGate gate, Account calledAs, RejectedByGraphException refused) {
        synchronized (gate) {
            if (accounts.current(calledAs.name()) != calledAs || gate.suspended()) {
                return;
            }
            gate.suspend();
        }
        LOG.error("ALARM: Meta refused the access token of account {} (code 190): the account is suspended, its queued"
                + " messages wait. Write a new token to {}; it is taken without a restart. Meta said: {}", calledAs.name(),
                calledAs.tokenFile() != null ? calledAs.tokenFile() : "its token file (set " + tokenFileKey(calledAs) + " and restart once)",
                refused.error().message());
    }

    private static String tokenFileKey(Account account) {
        return account.name().equals(Accounts.DEFAULT) ? "ig.access-token-file" : "ig.accounts." + account.name() + ".access-token-file";
    }

    /** A new token was read for the account: calls go again, and its waiting messages go out. */
    public void tokenRenewed(Account account) {
        gates.of(account.name()).resume();
    }
}
