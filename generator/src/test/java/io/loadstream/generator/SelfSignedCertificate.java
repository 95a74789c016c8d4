package io.loadstream.generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A key store with a fresh self-signed certificate, made at test time by the running JDK's own {@code keytool}
 * (no key or certificate is committed). The certificate names a host other than 127.0.0.1, so a client that
 * checks certificates rejects it twice over (unknown issuer, wrong host), and only an insecure client accepts it.
 */
final class SelfSignedCertificate {

    /** The password of the store and of its key. */
    static final String PASSWORD = "loadstream-test";
    /** The certificate's subject: not the address the test server listens on. */
    static final String SUBJECT = "CN=loadstream-test.invalid";

    private SelfSignedCertificate() {
    }

    /**
     * Creates {@code dir/server.p12} with an EC key and a certificate valid for one day.
     *
     * @param dir where to write the key store
     * @return the key store's path
     * @throws IOException          when keytool cannot run or fails
     * @throws InterruptedException when interrupted while keytool runs
     */
    static Path create(Path dir) throws IOException, InterruptedException {
        Path store = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", SUBJECT, "-validity", "1",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD, "-noprompt"))
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed with exit code " + process.exitValue() + ": " + output);
        }
        return store;
    }
}
