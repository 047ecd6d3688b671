package dev.lattice.federationapi.internal;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS client context for outbound federation: the JDK's trusted CAs plus the operator's extra CA certificates.
 * The spec requires a certificate signed by a known CA; there is deliberately no switch to skip the check.
 */
public final class FederationTls {
    private FederationTls() {}

    /** A client context trusting the JDK's CAs and every certificate in the PEM files {@code extraCaCertificates}. */
    public static SslContext clientContext(List<Path> extraCaCertificates) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (X509Certificate ca : systemTrustManager().getAcceptedIssuers()) {
                trusted.setCertificateEntry("system-" + n++, ca);
            }
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (Path file : extraCaCertificates) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Certificate certificate : x509.generateCertificates(in)) {
                        trusted.setCertificateEntry("extra-" + n++, certificate);
                    }
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return SslContextBuilder.forClient().trustManager(factory).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trusted CA certificates " + extraCaCertificates, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the federation TLS context", e);
        }
    }

    private static X509TrustManager systemTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK has no X.509 trust manager");
    }
}
