package dev.lattice.federationapi.internal;

import dev.lattice.federationapi.internal.ServerDiscovery.SrvRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import reactor.core.publisher.Mono;

/**
 * The DNS lookups of server discovery (SRV, AAAA and A) through dnsjava's asynchronous lookups, against the system's
 * resolvers or one configured server. Names are absolute: no search path is applied.
 */
public final class DnsLookups {
    private final LookupSession session;

    private DnsLookups(LookupSession session) {
        this.session = session;
    }

    /** Lookups through the resolvers in the system configuration ({@code /etc/resolv.conf}) and the hosts file. */
    public static DnsLookups system() {
        return new DnsLookups(LookupSession.defaultBuilder().clearSearchPath().build());
    }

    /** Lookups through one DNS server only (an operator's choice, or a test's server on loopback). */
    public static DnsLookups server(InetSocketAddress server) {
        return new DnsLookups(LookupSession.builder()
                .resolver(new SimpleResolver(server))
                .clearCaches()
                .cycleResults(false)
                .build());
    }

    /** The SRV records of {@code name}; empty if the name or the records do not exist. */
    public Mono<List<SrvRecord>> srv(String name) {
        return lookup(name, Type.SRV)
                .map(result -> {
                    List<SrvRecord> out = new ArrayList<>();
                    for (var record : result.getRecords()) {
                        if (record instanceof SRVRecord srv) {
                            out.add(new SrvRecord(
                                    srv.getPriority(), srv.getWeight(), srv.getPort(), hostname(srv.getTarget())));
                        }
                    }
                    return (List<SrvRecord>) out;
                })
                .defaultIfEmpty(List.of());
    }

    /**
     * The addresses of {@code host}, in the order to try them: an IP literal as it is, else every A record then every
     * AAAA record (the spec says "AAAA or A"; IPv4 first is the JVM's own default, and a host without an IPv6 route
     * still reaches servers that publish both). Fails with {@link UnknownHostException} when there are none.
     */
    public Mono<List<InetAddress>> addresses(String host) {
        if (ServerDiscovery.isIpLiteral(host)) {
            return Mono.fromCallable(() -> List.of(InetAddress.getByName(ServerDiscovery.stripBrackets(host))));
        }
        return Mono.zip(records(host, Type.A), records(host, Type.AAAA)).flatMap(both -> {
            List<InetAddress> out = new ArrayList<>();
            for (var record : both.getT1()) {
                if (record instanceof ARecord a) {
                    out.add(a.getAddress());
                }
            }
            for (var record : both.getT2()) {
                if (record instanceof AAAARecord aaaa) {
                    out.add(aaaa.getAddress());
                }
            }
            return out.isEmpty()
                    ? Mono.error(new UnknownHostException(host + " has no A or AAAA record"))
                    : Mono.just(List.copyOf(out));
        });
    }

    private Mono<List<org.xbill.DNS.Record>> records(String host, int type) {
        return lookup(host, type).map(LookupResult::getRecords).defaultIfEmpty(List.of());
    }

    /** The records of type {@code type}; empty (not an error) when the name or the records do not exist. */
    private Mono<LookupResult> lookup(String name, int type) {
        Name absolute;
        try {
            absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return Mono.error(new UnknownHostException("not a DNS name: " + name));
        }
        return Mono.fromCompletionStage(() -> session.lookupAsync(absolute, type))
                .onErrorResume(
                        e -> unwrap(e) instanceof NoSuchDomainException || unwrap(e) instanceof NoSuchRRSetException,
                        e -> Mono.empty());
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String hostname(Name name) {
        String text = name.toString();
        return text.length() > 1 && text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
