package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A CIDR range ({@code 10.0.0.0/8}, {@code fc00::/7}) that outbound federation must not connect to.
 *
 * @param network the network address
 * @param prefixLength how many leading bits must match
 */
public record IpRange(InetAddress network, int prefixLength) {
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
        if (!ServerDiscovery.isIpLiteral(address)) {
            throw new IllegalArgumentException("not an IP range: " + cidr);
        }
        try {
            InetAddress network = InetAddress.getByName(ServerDiscovery.stripBrackets(address));
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
