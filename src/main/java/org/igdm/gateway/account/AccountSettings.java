package org.igdm.gateway.account;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the sending accounts from the settings: the single-account keys {@code ig.user-id},
 * {@code ig.access-token} (or {@code ig.access-token-file}) and {@code ig.api} make the account {@code default};
 * {@code ig.accounts.<name>.*} make the others. Account names are found in every source of settings
 * (properties files, system properties, and environment variables such as
 * {@code IG_ACCOUNTS_BRAND2_ACCESS_TOKEN}); each problem found is added to {@code problems}, so that one start
 * names them all.
 */
public final class AccountSettings {

    public static final String PREFIX = "ig.accounts.";
    private static final String ENV_PREFIX = "IG_ACCOUNTS_";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+");
    private static final Pattern USER_ID = Pattern.compile("[0-9]{1,64}");
    static final List<String> FIELDS = List.of("user-id", "access-token", "access-token-file", "api", "max-sends-per-second");
    private static final Pattern PROPERTY_KEY = Pattern.compile(Pattern.quote(PREFIX) + "([^.]*)\\.(.+)");

    private final Function<String, Optional<String>> lookup;
    private final List<String> problems;

    /**
     * @param lookup   a setting's value by key (blank counts as absent), environment variables included
     * @param problems where every problem found goes
     */
    public AccountSettings(Function<String, Optional<String>> lookup, List<String> problems) {
        this.lookup = key -> lookup.apply(key).map(String::strip).filter(value -> !value.isEmpty());
        this.problems = problems;
    }

    /**
     * The configured accounts; null when there are problems (they are in {@code problems}).
     *
     * @param propertyKeys every key of the properties files and system properties
     * @param envNames     every environment variable name
     * @param defaultPace  {@code ig.max-sends-per-second}, the pace of an account that sets none
     */
    public Accounts read(Collection<String> propertyKeys, Collection<String> envNames, double defaultPace) {
        int before = problems.size();
        List<Account> accounts = new ArrayList<>();
        if (lookup.apply("ig.user-id").isPresent() || lookup.apply("ig.access-token").isPresent()
                || lookup.apply("ig.access-token-file").isPresent()) {
            account(Accounts.DEFAULT, "ig.", defaultPace).ifPresent(accounts::add);
        }
        for (String name : names(propertyKeys, envNames)) {
            if (name.equals(Accounts.DEFAULT) && !accounts.isEmpty()) {
                problems.add("the account " + Accounts.DEFAULT + " is set twice, by ig.user-id and by " + PREFIX + Accounts.DEFAULT
                        + ".*: use one of them");
                continue;
            }
            account(name, PREFIX + name + ".", defaultPace).ifPresent(accounts::add);
        }
        if (accounts.isEmpty() && problems.size() == before) {
            problems.add("no sending account is configured: set ig.user-id and ig.access-token (IG_USER_ID, IG_ACCESS_TOKEN)"
                    + " for one account, or ig.accounts.<name>.user-id and ig.accounts.<name>.access-token for each of several"
                    + " (IG_ACCOUNTS_<NAME>_USER_ID, IG_ACCOUNTS_<NAME>_ACCESS_TOKEN)");
        }
        return problems.size() == before ? new Accounts(accounts) : null;
    }

    /** Account names from {@code ig.accounts.<name>.<field>} keys and {@code IG_ACCOUNTS_<NAME>_<FIELD>} variables. */
    private Set<String> names(Collection<String> propertyKeys, Collection<String> envNames) {
        Set<String> names = new TreeSet<>();
        for (String key : propertyKeys) {
            Matcher parts = PROPERTY_KEY.matcher(key);
            if (parts.matches() && known(key, parts.group(1), parts.group(2))) {
                names.add(parts.group(1));
            }
        }
        for (String variable : envNames) {
            if (!variable.startsWith(ENV_PREFIX)) {
                continue;
            }
            String rest = variable.substring(ENV_PREFIX.length());
            Optional<String> field = FIELDS.stream().filter(f -> rest.endsWith("_" + envName(f))).findFirst();
            if (field.isEmpty()) {
                problems.add("the environment variable " + variable + " is not an account setting: it must end in one of "
                        + FIELDS.stream().map(f -> "_" + envName(f)).toList());
                continue;
            }
            String name = rest.substring(0, rest.length() - field.get().length() - 1).toLowerCase(Locale.ROOT);
            if (known(variable, name, field.get())) {
                names.add(name);
            }
        }
        return names;
    }

    private boolean known(String setting, String name, String field) {
        if (!NAME.matcher(name).matches()) {
            problems.add(setting + ": the account name '" + name + "' must be lower-case letters and digits only");
            return false;
        }
        if (!FIELDS.contains(field)) {
            problems.add(setting + " is not an account setting; an account has " + String.join(", ", FIELDS));
            return false;
        }
        return true;
    }

    private Optional<Account> account(String name, String prefix, double defaultPace) {
        int before = problems.size();
        String userId = lookup.apply(prefix + "user-id").orElse(null);
        if (userId == null) {
            missing(name, prefix + "user-id", "the Instagram professional account's id (digits)");
        } else if (!USER_ID.matcher(userId).matches()) {
            problems.add(prefix + "user-id of account " + name + " must be the account's id, 1-64 digits, got '" + echo(userId) + "'");
        }
        String apiLabel = lookup.apply(prefix + "api").orElse(Api.FACEBOOK.label());
        Api api = Api.of(apiLabel.toLowerCase(Locale.ROOT)).orElse(null);
        if (api == null) {
            problems.add(prefix + "api of account " + name + " must be facebook or instagram, got '" + echo(apiLabel) + "'");
        }
        AccessToken token = token(name, prefix, api);
        double pace = pace(prefix + "max-sends-per-second", defaultPace);
        if (problems.size() > before) {
            return Optional.empty();
        }
        Path tokenFile = lookup.apply(prefix + "access-token-file").map(Path::of).orElse(null);
        return Optional.of(new Account(name, userId, api, token, pace, tokenFile));
    }

    private AccessToken token(String name, String prefix, Api api) {
        Optional<String> token = lookup.apply(prefix + "access-token");
        Optional<String> file = lookup.apply(prefix + "access-token-file");
        if (token.isPresent() && file.isPresent()) {
            problems.add("account " + name + " has both " + prefix + "access-token and " + prefix
                    + "access-token-file: set one of them");
            return null;
        }
        if (file.isPresent()) {
            AccessToken read = Accounts.readTokenFile(Path.of(file.get())).orElse(null);
            if (read == null) {
                problems.add(prefix + "access-token-file of account " + name + " names " + file.get()
                        + ", which cannot be read or is empty");
            }
            return read;
        }
        if (token.isEmpty()) {
            missing(name, prefix + "access-token", api == Api.INSTAGRAM
                    ? "its Instagram user token (IGAA…, permission instagram_business_manage_messages), or set " + prefix + "access-token-file"
                    : "the token of the Facebook Page linked to it (permission instagram_manage_messages), or set " + prefix + "access-token-file");
            return null;
        }
        return new AccessToken(token.get());
    }

    private double pace(String key, double defaultPace) {
        Optional<String> value = lookup.apply(key);
        if (value.isEmpty()) {
            return defaultPace;
        }
        try {
            double pace = Double.parseDouble(value.get());
            if (pace > 0 && Double.isFinite(pace)) {
                return pace;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(key + " must be a number of sends per second above 0, got '" + echo(value.get()) + "'");
        return defaultPace;
    }

    private void missing(String name, String key, String what) {
        problems.add("account " + name + ": " + key + " is not set: set it to " + what + " (environment variable "
                + envName(key) + ")");
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String echo(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
