package org.igdm.gateway.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.igdm.gateway.request.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts the gateway sends for, by name: the one a request names in {@code account} (its name or its
 * user id), else the default one. Which accounts exist is fixed at startup ({@link AccountSettings}); only
 * their tokens change, when {@link #reloadTokenFiles()} finds a new one in an account's token file.
 */
public final class Accounts {

    public static final String DEFAULT = "default";
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    /** In the order they were configured; the values are replaced, never the keys. */
    private final Map<String, Account> byName;
    private final List<String> names;
    private final String defaultName;

    public Accounts(Collection<Account> accounts) {
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("at least one account is needed");
        }
        Map<String, Account> named = new LinkedHashMap<>();
        accounts.forEach(account -> named.put(account.name(), account));
        this.byName = new ConcurrentHashMap<>(named);
        this.names = List.copyOf(named.keySet());
        this.defaultName = named.containsKey(DEFAULT) ? DEFAULT : named.size() == 1 ? names.get(0) : null;
    }

    /**
     * The account a request names (by name or user id); the default one when it names none.
     *
     * @throws InvalidRequestException naming the configured accounts when there is no such account
     */
    public Account resolve(String nameOrUserId) {
        if (nameOrUserId == null) {
            if (defaultName == null) {
                throw new InvalidRequestException("account", "account is required: this gateway sends for several accounts ("
                        + String.join(", ", names) + ") and none is named " + DEFAULT);
            }
            return byName.get(defaultName);
        }
        Account named = byName.get(nameOrUserId);
        if (named != null) {
            return named;
        }
        return byName.values().stream().filter(account -> account.userId().equals(nameOrUserId)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("account", "account '" + echo(nameOrUserId)
                        + "' is not configured; the accounts are " + String.join(", ", names) + " (a name or its user id)"));
    }

    /** The account as it is now (its current token). */
    public Account current(String name) {
        Account account = byName.get(name);
        if (account == null) {
            throw new IllegalArgumentException("no account named " + name);
        }
        return account;
    }

    public List<Account> all() {
        return names.stream().map(byName::get).toList();
    }

    /** What the gateway may send in a second with every account at its pace: the delivery is sized from it. */
    public double totalSendsPerSecond() {
        return byName.values().stream().mapToDouble(Account::maxSendsPerSecond).sum();
    }

    /**
     * Reads every token file again; an account whose file holds a new token takes it from now on.
     *
     * @return the accounts whose token changed, with their new token
     */
    public List<Account> reloadTokenFiles() {
        List<Account> changed = new ArrayList<>();
        for (String name : names) {
            Account account = byName.get(name);
            if (account.tokenFile() == null) {
                continue;
            }
            Optional<AccessToken> read = readTokenFile(account.tokenFile());
            if (read.isPresent() && !read.get().sameAs(account.token())) {
                Account renewed = account.withToken(read.get());
                byName.put(name, renewed);
                changed.add(renewed);
                LOG.info("Account {}: a new access token was read from {}", name, account.tokenFile());
            }
        }
        return changed;
    }

    /** The token in the file, or empty (logged) while the file is missing, unreadable or empty: the old token stays. */
    static Optional<AccessToken> readTokenFile(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!token.isEmpty()) {
                return Optional.of(new AccessToken(token));
            }
            LOG.warn("The token file {} is empty; the account keeps its token", file);
        } catch (IOException e) {
            LOG.warn("The token file {} cannot be read ({}); the account keeps its token", file, e.toString());
        }
        return Optional.empty();
    }

    private static String echo(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    @Override
    public String toString() {
        return byName.values().stream().map(Account::toString).collect(Collectors.joining(", "));
    }
}
