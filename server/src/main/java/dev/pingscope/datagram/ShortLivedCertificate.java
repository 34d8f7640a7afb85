package dev.pingscope.datagram;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A self-signed ECDSA P-256 certificate for WebTransport when the server has no certificate of its own: a
 * browser accepts it by its SHA-256 ({@code serverCertificateHashes}) only if it is ECDSA and valid for at
 * most 14 days (W3C WebTransport, "verify a certificate hash"). Made in memory in a few milliseconds: the
 * JDK generates the key and signs, and this class writes the few DER structures of an X.509 v3 certificate
 * (the JDK has no public API to build one, and keytool would cost a process per start).
 *
 */
public final class ShortLivedCertificate {
    public static final String ALIAS = "webtransport";
    /** 13 days: under the browsers' 14-day limit with a day to spare for clock skew. */
    public static final Duration VALIDITY = Duration.ofDays(13);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    // OIDs, DER-encoded content octets
    private static final byte[] ECDSA_WITH_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
    private static final byte[] SUBJECT_ALT_NAME = {0x55, 0x1d, 0x11};

    private final KeyStore keyStore;
    private final char[] password;
    private final byte[] sha256;
    private final Instant notAfter;

    private ShortLivedCertificate(KeyStore keyStore, char[] password, byte[] sha256, Instant notAfter) {
        this.keyStore = keyStore;
        this.password = password;
        this.sha256 = sha256;
        this.notAfter = notAfter;
    }

    /** A PKCS12 keystore in memory holding the key and the certificate under {@link #ALIAS}. */
    public KeyStore keyStore() {
        return keyStore;
    }

    /** The key's password in {@link #keyStore()}. */
    public char[] password() {
        return password.clone();
    }

    /** The DER certificate's SHA-256: what a page passes in serverCertificateHashes. */
    public byte[] sha256() {
        return sha256.clone();
    }

    /** When it stops being valid. */
    public Instant notAfter() {
        return notAfter;
    }

    /** Makes a certificate valid from a minute ago (clock skew) for {@link #VALIDITY}. */
    public static ShortLivedCertificate create(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keys = generator.generateKeyPair();
            Instant notBefore = now.minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            Instant notAfter = notBefore.plus(VALIDITY);
            byte[] algorithm = sequence(der(0x06, ECDSA_WITH_SHA256));
            byte[] name = sequence(der(0x31, sequence(der(0x06, COMMON_NAME), der(0x0c, "localhost".getBytes(StandardCharsets.US_ASCII)))));
            byte[] altNames = sequence(der(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)),
                    der(0x87, new byte[] {127, 0, 0, 1}), der(0x87, loopbackV6()));
            byte[] extensions = der(0xa3, sequence(sequence(der(0x06, SUBJECT_ALT_NAME), der(0x04, altNames))));
            byte[] serial = new BigInteger(127, RANDOM).add(BigInteger.ONE).toByteArray();
            byte[] tbs = sequence(
                    der(0xa0, der(0x02, new byte[] {2})), // v3
                    der(0x02, serial),
                    algorithm,
                    name,
                    sequence(utcTime(notBefore), utcTime(notAfter)),
                    name,
                    keys.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER
                    extensions);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1]; // leading 0: no unused bits
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            byte[] encoded = sequence(tbs, algorithm, der(0x03, bitString));

            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(encoded));
            certificate.verify(keys.getPublic());
            char[] password = new BigInteger(96, RANDOM).toString(36).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keys.getPrivate(), password, new Certificate[] {certificate});
            return new ShortLivedCertificate(store, password, MessageDigest.getInstance("SHA-256").digest(encoded), notAfter);
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate for WebTransport: " + e.getMessage(), e);
        }
    }

    private static byte[] loopbackV6() {
        byte[] address = new byte[16];
        address[15] = 1;
        return address;
    }

    private static byte[] utcTime(Instant instant) {
        return der(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return der(0x30, content.toByteArray());
    }

    /** One DER element: tag, definite length, content. */
    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 4);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
