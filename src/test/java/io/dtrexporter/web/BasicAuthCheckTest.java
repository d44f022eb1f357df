package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.config.Secret;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * basic_auth_users under a storm of wrong passwords: one bcrypt check at a time, on a thread of its
 * own, and the right pair remembered so that it never waits for the storm.
 */
class BasicAuthCheckTest {
    private static final String PASSWORD = "scrape-Secret-1";
    private static final String HASH = OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt(), 4);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BcryptLine line = new BcryptLine();
    private final AtomicReference<BasicAuthUsers> users = new AtomicReference<>();
    private Undertow server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        line.close();
    }

    @Test
    void concurrentWrongPasswordsAreCheckedOneAtATimeOffTheServersThreads() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger checks = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        users.set(new BasicAuthUsers(Map.of("prometheus", new Secret<>(HASH)), (hash, password) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
            sleep(40); // as a real check would take: others arrive meanwhile
            checks.incrementAndGet();
            running.decrementAndGet();
            return false;
        }));
        int port = serve();

        List<CompletableFuture<HttpResponse<String>>> storm = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            storm.add(send(port, "/x", basic(i % 2 == 0 ? "prometheus" : "nobody", "guess-" + i)));
        }
        for (CompletableFuture<HttpResponse<String>> answer : storm) {
            assertEquals(401, answer.get().statusCode());
            assertEquals("unauthorized\n", answer.get().body());
        }
        assertEquals(12, checks.get(), "every wrong guess, known user or not, cost a check");
        assertEquals(1, mostAtOnce.get(), "checks ran one at a time");
        assertEquals(Set.of("basic-auth-bcrypt"), threads, "on the checker's thread, not an I/O or worker thread");
    }

    @Test
    void theRightPasswordIsCheckedOnceThenServedFromMemoryEvenDuringAStorm() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        CompletableFuture<Void> stormMayEnd = new CompletableFuture<>();
        users.set(new BasicAuthUsers(Map.of("prometheus", new Secret<>(HASH)), (hash, password) -> {
            checks.incrementAndGet();
            if (!password.equals(PASSWORD)) {
                stormMayEnd.join(); // a storm that holds the checker until the right pair has been served
            }
            return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        }));
        int port = serve();

        assertEquals(200, send(port, "/x", basic("prometheus", PASSWORD)).get().statusCode());
        assertEquals(1, checks.get());
        List<CompletableFuture<HttpResponse<String>>> storm = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            storm.add(send(port, "/x", basic("prometheus", "wrong-" + i)));
        }
        awaitTrue(() -> checks.get() == 2, "the storm holds the checker");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> right = send(port, "/x", basic("prometheus", PASSWORD)).get();
            assertEquals(200, right.statusCode());
            assertEquals("ok\n", right.body());
        }
        assertEquals(2, checks.get(), "the right pair waited for no check");
        stormMayEnd.complete(null);
        for (CompletableFuture<HttpResponse<String>> answer : storm) {
            assertEquals(401, answer.get().statusCode());
        }
        assertEquals(6, checks.get());
        assertEquals(401, send(port, "/x", basic("prometheus", PASSWORD + "x")).get().statusCode(),
                "a wrong password is not taken for the remembered right one");
    }

    @Test
    void aReloadedWebConfigForgetsThePairsThatPassed() throws Exception {
        Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {prometheus: \"" + HASH + "\"}\n");
        WebSecurity security = WebSecurity.load(web);
        BasicAuthUsers before = security.users();
        assertTrue(before.verify("prometheus", PASSWORD));
        assertTrue(before.remembered("prometheus", PASSWORD));

        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
        try {
            security.watch(watch, 50);
            Thread.sleep(1100); // file times have a resolution of a second on some file systems
            Files.writeString(web, "basic_auth_users: {prometheus: \"" + HASH + "\"} # rotated\n");
            awaitTrue(() -> security.users() != before, "the edit is loaded");
        } finally {
            watch.shutdownNow();
        }
        assertNotSame(before, security.users());
        assertFalse(security.users().remembered("prometheus", PASSWORD), "checked anew after the reload");
        assertTrue(security.users().verify("prometheus", PASSWORD));
    }

    private int serve() {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new BasicAuthHandler(users::get, line, exchange -> Responses.text(exchange, 200, "ok")))
                .build();
        server.start();
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private static CompletableFuture<HttpResponse<String>> send(int port, String path, String authorization) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", authorization).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

}
