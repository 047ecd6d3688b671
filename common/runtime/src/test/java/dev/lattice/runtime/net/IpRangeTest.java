package dev.lattice.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpRangeTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void matchesByPrefix() throws Exception {
        IpRange private172 = IpRange.parse("172.16.0.0/12");
        assertThat(private172.contains(ip("172.16.0.1"))).isTrue();
        assertThat(private172.contains(ip("172.31.255.255"))).isTrue();
        assertThat(private172.contains(ip("172.32.0.0"))).isFalse();
        assertThat(IpRange.parse("127.0.0.0/8").contains(ip("127.1.2.3"))).isTrue();
        assertThat(IpRange.parse("fc00::/7").contains(ip("fd12::1"))).isTrue();
        assertThat(IpRange.parse("fc00::/7").contains(ip("fe00::1"))).isFalse();
        assertThat(IpRange.parse("::1").contains(ip("::1"))).isTrue();
        assertThat(IpRange.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        // Families never mix; an IPv4-mapped IPv6 address is the IPv4 address.
        assertThat(IpRange.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
        assertThat(IpRange.parse("127.0.0.0/8").contains(ip("::ffff:127.0.0.1")))
                .isTrue();
    }

    @Test
    void refusesWhatIsNotARange() {
        assertThatThrownBy(() -> IpRange.parse("example.org/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }
}
