package io.loadstream.reporter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Alertmanager behind TLS whose certificate no public CA signed (a real HTTPS server on 127.0.0.1, with a
 * certificate that the running JDK's keytool makes at test time): with {@code --alertmanager-ca-file} naming that
 * certificate, the alert gets through, with its credentials.
 */
class AlertmanagerTlsTest {

    private static final String PASSWORD = "loadstream-test";
    private static final String TOKEN = "Bearer tls-t0ken";

    @Test
    void anAlertmanagerWithAPrivateCertificateIsReachedWithTheCaFile(@TempDir Path dir) throws Exception {
        // given: an HTTPS "Alertmanager" whose certificate names 127.0.0.1, and that certificate as a PEM file
        Path store = keytool(dir, "-genkeypair", "-alias", "am", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=alertmanager.test", "-ext", "SAN=ip:127.0.0.1", "-validity", "1", "-storetype",
                "PKCS12", "-keystore", dir.resolve("am.p12").toString(), "-storepass", PASSWORD, "-keypass",
                PASSWORD, "-noprompt").resolve("am.p12");
        Path pem = dir.resolve("am.pem");
        keytool(dir, "-exportcert", "-rfc", "-alias", "am", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(store)));
        server.createContext("/api/v2/alerts", exchange -> {
            exchange.getRequestBody().readAllBytes();
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        AlertmanagerSettings settings = AlertmanagerSettings.DEFAULT
                .withUrls(List.of(URI.create("https://127.0.0.1:" + server.getAddress().getPort())))
                .withAuthorization(Optional.of(TOKEN))
                .withCaFile(Optional.of(pem));
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        AlertmanagerNotifier notifier = new AlertmanagerNotifier(settings, Clock.systemUTC(),
                f -> gaveUp.add(f.message()));
        try {
            // when
            notifier.accept(TestAlerts.firing("weekly-42", "p(95)<900", EventFixtures.nowMs() - 1_000));

            // then
            await().atMost(Duration.ofSeconds(90)).until(() -> !authorizations.isEmpty());
            assertThat(authorizations).first().isEqualTo(TOKEN);
            assertThat(gaveUp).isEmpty();
        } finally {
            notifier.close();
            server.stop(0);
        }
    }

    private static SSLContext serverContext(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    /** Runs the running JDK's keytool in {@code dir}; returns {@code dir}. */
    private static Path keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(Files.exists(dir)).isTrue();
        return dir;
    }
}
