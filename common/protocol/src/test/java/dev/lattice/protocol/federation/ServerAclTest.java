package dev.lattice.protocol.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import org.junit.jupiter.api.Test;

class ServerAclTest {
    private static boolean allows(String content, String server) {
        return ServerAcl.of(CanonicalJson.parseObject(content)).allows(ServerName.parse(server));
    }

    @Test
    void theSpecsExampleAllowsAllButTheDeniedAndIpLiterals() {
        String acl = "{\"allow\": [\"*\"], \"allow_ip_literals\": false, \"deny\": [\"*.evil.com\", \"evil.com\"]}";
        assertThat(allows(acl, "matrix.org")).isTrue();
        assertThat(allows(acl, "evil.com")).isFalse();
        assertThat(allows(acl, "evil.com:8448"))
                .as("the port is not considered")
                .isFalse();
        assertThat(allows(acl, "sub.EVIL.com")).as("case-insensitive").isFalse();
        assertThat(allows(acl, "notevil.com")).isTrue();
        assertThat(allows(acl, "1.2.3.4")).isFalse();
        assertThat(allows(acl, "[1234:5678::abcd]:8448")).isFalse();
    }

    @Test
    void denyWinsOverAllowAndAnythingNotAllowedIsDenied() {
        String acl = "{\"allow\": [\"*.example.org\", \"?.test\"], \"deny\": [\"bad.example.org\"]}";
        assertThat(allows(acl, "good.example.org")).isTrue();
        assertThat(allows(acl, "bad.example.org")).isFalse();
        assertThat(allows(acl, "a.test")).isTrue();
        assertThat(allows(acl, "ab.test")).as("? is exactly one character").isFalse();
        assertThat(allows(acl, "example.com")).isFalse();
        assertThat(allows(acl, "127.0.0.1:8448"))
                .as("IP literals are allowed unless said otherwise, then need an allow")
                .isFalse();
    }

    @Test
    void malformedFieldsFallBackAsTheSchemaSays() {
        assertThat(allows("{}", "matrix.org"))
                .as("no allow list denies everyone")
                .isFalse();
        assertThat(allows("{\"allow\": \"*\"}", "matrix.org")).isFalse();
        assertThat(allows("{\"allow\": [\"*\", 5], \"allow_ip_literals\": \"no\"}", "10.0.0.1"))
                .isTrue();
        assertThat(allows("{\"allow\": [\"a.b.c\"]}", "aXb.c"))
                .as("a dot is a literal dot")
                .isFalse();
    }
}
