package dev.lattice.runtime.net;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A CIDR range ({@code 10.0.0.0/8}, {@code fc00::/7}): outbound federation and URL previews check every address they
 * would connect to against lists of them.
 *
 * @param network the network address
 * @param prefixLength how many leading bits must match
 */
public record IpRange(InetAddress network, int prefixLength) {
    /**
     * Loopback, private, link-local, carrier-grade NAT, documentation, benchmarking, multicast and other non-public
     * ranges (Synapse's {@code ip_range_blacklist} defaults, plus the unspecified address {@code ::}): the default
     * blocklist wherever a remote party chooses where we connect.
     */
    public static final List<String> NON_PUBLIC = List.of(
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.88.99.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "224.0.0.0/4",
            "::/128",
            "::1/128",
            "fe80::/10",
            "fc00::/7",
            "2001:db8::/32",
            "ff00::/8",
            "fec0::/10");

    public IpRange {
        requireNonNull(network, "network is null");
        if (prefixLength < 0 || prefixLength > network.getAddress().length * 8) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
    }

    /**
     * Parses {@code address/prefix}, or a bare address (a single host).
     *
     * @throws IllegalArgumentException if it is not an IP literal range
     */
    public static IpRange parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!(address.startsWith("[")
                || address.contains(":")
                || address.matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+"))) {
            throw new IllegalArgumentException("not an IP range: " + cidr);
        }
        try {
            InetAddress network = InetAddress.getByName(
                    address.startsWith("[") && address.endsWith("]")
                            ? address.substring(1, address.length() - 1)
                            : address);
            int prefix = slash < 0 ? network.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
            return new IpRange(network, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not an IP range: " + cidr, e);
        }
    }

    /** Whether {@code address} lies in this range; an IPv4 address never matches an IPv6 range and vice versa. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }
}
