package io.loadstream.generator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The {@code error_detail} of a failed request: short, and free of Jetty's internals and of the target's bytes. */
class ErrorDetailTest {

    @Test
    void aShortPlainMessageIsKeptWithTheExceptionsName() {
        assertThat(ErrorClassifier.detail(new ConnectException("Connection refused")))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(ErrorClassifier.detail(new RuntimeException(null, new TimeoutException("Total timeout 5000 ms"))))
                .isEqualTo("TimeoutException: Total timeout 5000 ms");
    }

    @Test
    void aDumpOfJettyObjectsIsLeftOutAndOnlyTheNameRemains() {
        String dump = "HttpConnectionOverHTTP@5e9f23b4::SocketChannelEndPoint@6d7b4f4c{l=/127.0.0.1:40052,"
                + "r=/127.0.0.1:36119,ISHUT,fill=-,flush=-,to=1/30000}{io=0/0,kio=0,kro=1}->HttpConnectionOverHTTP";

        assertThat(ErrorClassifier.detail(new EOFException(dump))).isEqualTo("EOFException");
    }

    @Test
    void whatATargetMightHaveSentIsNotCopied() {
        assertThat(ErrorClassifier.detail(new IllegalStateException("bad header \u0000\u00ff secret=abc")))
                .isEqualTo("IllegalStateException");
        assertThat(ErrorClassifier.detail(new IllegalStateException("x".repeat(200))))
                .isEqualTo("IllegalStateException");
    }

    @Test
    void theDetailIsNeverLongerThanTheBound() {
        assertThat(ErrorClassifier.detail(new ConnectException("y".repeat(ErrorClassifier.MAX_DETAIL_CHARS))))
                .hasSizeLessThanOrEqualTo(ErrorClassifier.MAX_DETAIL_CHARS);
    }
}
