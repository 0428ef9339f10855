package org.igdm.gateway.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.igdm.gateway.request.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accounts read from settings and environment variables, every problem named at once, and resolving a request's account. */
class AccountSettingsTest {

    @TempDir
    Path folder;

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    /** Camel's lookup: a property, overridden by the environment variable of the same key. */
    private Optional<String> lookup(String key) {
        String variable = AccountSettings.envName(key);
        return Optional.ofNullable(env.containsKey(variable) ? env.get(variable) : properties.get(key));
    }

    private Accounts read() {
        return new AccountSettings(this::lookup, problems).read(properties.keySet(), env.keySet(), 100);
    }

    @Test
    void theSingleAccountKeysMakeTheDefaultAccountAndEnvironmentVariablesAddOthers() {
        properties.put("ig.user-id", "111");
        properties.put("ig.access-token", "EAA-default");
        properties.put("ig.accounts.brand1.user-id", "222");
        properties.put("ig.accounts.brand1.access-token", "EAA-brand1");
        properties.put("ig.accounts.brand1.max-sends-per-second", "20");
        // an account set only by environment variables, as in a container
        env.put("IG_ACCOUNTS_BRAND2_USER_ID", "333");
        env.put("IG_ACCOUNTS_BRAND2_ACCESS_TOKEN", "IGAA-brand2");
        env.put("IG_ACCOUNTS_BRAND2_API", "instagram");
        env.put("PATH", "/usr/bin");

        Accounts accounts = read();

        assertThat(problems).isEmpty();
        assertThat(accounts.all()).extracting(Account::name).containsExactly("default", "brand1", "brand2");
        Account brand2 = accounts.resolve("brand2");
        assertThat(brand2.userId()).isEqualTo("333");
        assertThat(brand2.api()).isEqualTo(Api.INSTAGRAM);
        assertThat(brand2.token().reveal()).isEqualTo("IGAA-brand2");
        assertThat(brand2.maxSendsPerSecond()).isEqualTo(100);
        assertThat(accounts.resolve("brand1").maxSendsPerSecond()).isEqualTo(20);
        assertThat(accounts.resolve("brand1").api()).isEqualTo(Api.FACEBOOK);
        assertThat(accounts.resolve(null).name()).isEqualTo("default");
        assertThat(accounts.resolve("222").name()).isEqualTo("brand1");
    }

    @Test
    void everyProblemIsNamedAtOnceWithoutAToken() {
        properties.put("ig.accounts.brand1.user-id", "@brand1");
        properties.put("ig.accounts.brand1.access-token", "EAA-secret-brand1");
        properties.put("ig.accounts.brand1.api", "messenger");
        properties.put("ig.accounts.brand1.max-sends-per-second", "fast");
        properties.put("ig.accounts.brand2.user-id", "333");
        properties.put("ig.accounts.Brand_3.user-id", "444");
        properties.put("ig.accounts.brand4.token", "x");
        env.put("IG_ACCOUNTS_BRAND5_PASSWORD", "x");

        assertThat(read()).isNull();

        assertThat(problems).containsExactlyInAnyOrder(
                "ig.accounts.brand1.user-id of account brand1 must be the account's id, 1-64 digits, got '@brand1'",
                "ig.accounts.brand1.api of account brand1 must be facebook or instagram, got 'messenger'",
                "ig.accounts.brand1.max-sends-per-second must be a number of sends per second above 0, got 'fast'",
                "account brand2: ig.accounts.brand2.access-token is not set: set it to the token of the Facebook Page linked to it"
                        + " (permission instagram_manage_messages), or set ig.accounts.brand2.access-token-file"
                        + " (environment variable IG_ACCOUNTS_BRAND2_ACCESS_TOKEN)",
                "ig.accounts.Brand_3.user-id: the account name 'Brand_3' must be lower-case letters and digits only",
                "ig.accounts.brand4.token is not an account setting; an account has user-id, access-token, access-token-file, api,"
                        + " max-sends-per-second",
                "the environment variable IG_ACCOUNTS_BRAND5_PASSWORD is not an account setting: it must end in one of"
                        + " [_USER_ID, _ACCESS_TOKEN, _ACCESS_TOKEN_FILE, _API, _MAX_SENDS_PER_SECOND]");
        assertThat(String.join("\n", problems)).doesNotContain("EAA-secret-brand1");
    }

    @Test
    void noAccountAtAllIsNamed() {
        properties.put("ig.user-id", "");
        properties.put("ig.access-token", " ");

        assertThat(read()).isNull();

        assertThat(problems).singleElement().asString().startsWith("no sending account is configured: set ig.user-id and"
                + " ig.access-token (IG_USER_ID, IG_ACCESS_TOKEN)");
    }

    @Test
    void anUnknownAccountIsInvalidAndNamesTheConfiguredOnesButNoToken() {
        properties.put("ig.accounts.brand1.user-id", "222");
        properties.put("ig.accounts.brand1.access-token", "EAA-brand1");
        properties.put("ig.accounts.brand2.user-id", "333");
        properties.put("ig.accounts.brand2.access-token", "EAA-brand2");
        Accounts accounts = read();

        assertThatThrownBy(() -> accounts.resolve("brand9"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("account 'brand9' is not configured; the accounts are brand1, brand2 (a name or its user id)")
                .satisfies(e -> assertThat(((InvalidRequestException) e).violations().get(0).field()).isEqualTo("account"));
        // several accounts and none named default: a request must say which
        assertThatThrownBy(() -> accounts.resolve(null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("account is required")
                .hasMessageContaining("brand1, brand2");
    }

    @Test
    void theOnlyAccountIsTheDefaultWhateverItsName() {
        properties.put("ig.accounts.shop.user-id", "222");
        properties.put("ig.accounts.shop.access-token", "EAA-shop");

        assertThat(read().resolve(null).name()).isEqualTo("shop");
    }

    @Test
    void aTokenFileIsReadAtStartAndAgainWhenItChanges() throws Exception {
        Path file = Files.writeString(folder.resolve("brand1.token"), "EAA-first\n");
        properties.put("ig.accounts.brand1.user-id", "222");
        properties.put("ig.accounts.brand1.access-token-file", file.toString());
        Accounts accounts = read();
        assertThat(accounts.current("brand1").token().reveal()).isEqualTo("EAA-first");

        assertThat(accounts.reloadTokenFiles()).isEmpty();
        Files.writeString(file, "EAA-second\n");
        List<Account> changed = accounts.reloadTokenFiles();

        assertThat(changed).singleElement().extracting(Account::name).isEqualTo("brand1");
        assertThat(accounts.current("brand1").token().reveal()).isEqualTo("EAA-second");
        // an emptied file (a writer half-way) keeps the token in use
        Files.writeString(file, "");
        assertThat(accounts.reloadTokenFiles()).isEmpty();
        assertThat(accounts.current("brand1").token().reveal()).isEqualTo("EAA-second");
    }

    @Test
    void aTokenFileThatCannotBeReadOrATokenSetTwiceStopsTheStart() {
        properties.put("ig.accounts.brand1.user-id", "222");
        properties.put("ig.accounts.brand1.access-token-file", folder.resolve("missing.token").toString());
        properties.put("ig.accounts.brand2.user-id", "333");
        properties.put("ig.accounts.brand2.access-token", "EAA-brand2");
        properties.put("ig.accounts.brand2.access-token-file", folder.resolve("brand2.token").toString());

        assertThat(read()).isNull();

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("ig.accounts.brand1.access-token-file of account brand1 names ")
                .endsWith("missing.token, which cannot be read or is empty");
        assertThat(problems.get(1)).isEqualTo("account brand2 has both ig.accounts.brand2.access-token and"
                + " ig.accounts.brand2.access-token-file: set one of them");
    }

    @Test
    void namesAreFoundOnceWhateverTheSource() {
        properties.put("ig.accounts.brand1.user-id", "222");
        env.put("IG_ACCOUNTS_BRAND1_ACCESS_TOKEN", "EAA-env");

        Accounts accounts = read();

        assertThat(problems).isEmpty();
        assertThat(accounts.all()).extracting(Account::name).containsExactly("brand1");
        assertThat(accounts.current("brand1").token().reveal()).isEqualTo("EAA-env");
    }
}
