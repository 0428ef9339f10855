package org.igdm.gateway.support;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * WireMock standing in for both of Meta's APIs at once, for several accounts, checking each account's token the
 * way Meta does: a facebook account's call succeeds only on the Messenger Platform's path with its own token in
 * the form's {@code access_token}, an instagram account's only on the Instagram API's path with
 * {@code Authorization: Bearer <its token>}. Any other call is refused with code 190.
 */
public final class AccountsStub implements AutoCloseable {

    /** An account as the stand-in knows it. */
    public record StubAccount(String name, String userId, String api, String token) {
    }

    private final WireMockServer server;
    private final List<StubAccount> accounts;

    public AccountsStub(StubAccount... accounts) {
        this.accounts = List.of(accounts);
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(40));
        server.start();
        reset();
    }

    /** Every account answers success for its own token; anything else 190. */
    public void reset() {
        server.resetAll();
        server.stubFor(post(anyUrl()).atPriority(10)
                .willReturn(GraphStub.error(400, 190, null, "Invalid OAuth access token - Cannot parse access token")));
        accounts.forEach(account -> answer(account, account.token(), GraphStub.success()));
    }

    /** The answer to the account's calls that carry {@code token} in the account's API's place. */
    public void answer(StubAccount account, String token, ResponseDefinitionBuilder answer) {
        server.stubFor(call(account, token).willReturn(answer));
    }

    /** The account's first call (with its own token) gets {@code first}; the later ones success. */
    public void answerFirstCall(StubAccount account, ResponseDefinitionBuilder first) {
        String scenario = "first call of " + account.name();
        server.stubFor(call(account, account.token()).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(first).willSetStateTo("answered"));
        server.stubFor(call(account, account.token()).inScenario(scenario).whenScenarioStateIs("answered")
                .willReturn(GraphStub.success()));
    }

    private static MappingBuilder call(StubAccount account, String token) {
        MappingBuilder call = post(urlPathEqualTo(path(account))).atPriority(1);
        if (account.api().equals("instagram")) {
            call.withHeader("Authorization", equalTo("Bearer " + token));
        } else {
            call.withRequestBody(matching("(.*&)?access_token=" + Pattern.quote(URLEncoder.encode(token, StandardCharsets.UTF_8)) + "(&.*)?"));
        }
        return call;
    }

    public WireMockServer server() {
        return server;
    }

    /** ig.graph-url: the Messenger Platform, played under /facebook. */
    public String facebookUrl() {
        return "http://127.0.0.1:" + server.port() + "/facebook";
    }

    /** ig.instagram-graph-url: the Instagram API, played under /instagram. */
    public String instagramUrl() {
        return "http://127.0.0.1:" + server.port() + "/instagram";
    }

    public static String path(StubAccount account) {
        return "/" + account.api() + "/v25.0/" + account.userId() + "/messages";
    }

    /** The gateway's settings for these accounts, on these two APIs. */
    public void configure(Map<String, String> settings) {
        settings.put("ig.graph-url", facebookUrl());
        settings.put("ig.instagram-graph-url", instagramUrl());
        settings.remove("ig.user-id");
        settings.remove("ig.access-token");
        for (StubAccount account : accounts) {
            String prefix = "ig.accounts." + account.name() + ".";
            settings.put(prefix + "user-id", account.userId());
            settings.put(prefix + "access-token", account.token());
            settings.put(prefix + "api", account.api());
        }
    }

    /** Every call the stand-in received, in the order they came. */
    public List<LoggedRequest> calls() {
        return server.getAllServeEvents().stream().map(event -> event.getRequest())
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    public List<LoggedRequest> callsOf(StubAccount account) {
        return calls().stream().filter(call -> call.getUrl().equals(path(account))).toList();
    }

    public List<StubAccount> accounts() {
        return accounts;
    }

    @Override
    public void close() {
        server.stop();
    }
}
