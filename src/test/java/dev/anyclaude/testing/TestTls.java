package dev.anyclaude.testing;

import dev.anyclaude.backend.HelidonRegistry;
import io.helidon.common.tls.Tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made once per test JVM with the JDK's own
 * {@code keytool} (nothing stored in the repository, nothing that expires), for https fakes of hosted upstreams:
 * the server's TLS context, and a client side that trusts exactly this certificate. A client with the JVM's
 * default trust rejects it, as it would any unknown self-signed certificate.
 */
public final class TestTls {
    private static final char[] PASSWORD = "anyclaude-test".toCharArray();
    private static TestTls made;

    private final KeyStore keys;

    private TestTls(KeyStore keys) {
        this.keys = keys;
    }

    /** The certificate, made on the first call. */
    public static synchronized TestTls get() {
        if (made == null) {
            made = new TestTls(generate());
        }
        return made;
    }

    /** What a server presents the certificate with. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the test server's TLS context", e);
        }
    }

    /** A client context that trusts this certificate and no other. */
    public SSLContext clientContext() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the test client's TLS context", e);
        }
    }

    /**
     * Writes a PKCS12 trust store holding only this certificate to {@code file}, as a user would give one with
     * {@code -Djavax.net.ssl.trustStore}; its password is {@link #TRUST_STORE_PASSWORD}.
     */
    public void writeTrustStore(Path file) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("upstream", keys.getCertificate("upstream"));
            try (var out = Files.newOutputStream(file)) {
                trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the test trust store", e);
        }
    }

    /** The password of {@link #writeTrustStore}'s files. */
    public static final String TRUST_STORE_PASSWORD = "anyclaude-trust";

    /** Helidon's TLS set-up for a client trusting this certificate (host names still checked). */
    public Tls clientTls() {
        HelidonRegistry.install();
        return Tls.builder().sslContext(clientContext()).build();
    }

    private static KeyStore generate() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("anyclaude-tls");
            Path store = dir.resolve("upstream.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "upstream",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "7", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", new String(PASSWORD),
                    "-keypass", new String(PASSWORD)))
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + output);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD);
            }
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the test certificate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the test certificate", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary file left behind
        }
    }
}
