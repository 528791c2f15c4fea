package dev.anyclaude.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The test JVM's name service: the JDK's own resolver, answering as always, with every reverse lookup (address to
 * host name) noted, so a test can show that a code path asks none. A reverse lookup of an address that no hosts
 * file names is a DNS query, which on a LAN without PTR records can take seconds. Installed for every test through
 * {@code META-INF/services/java.net.spi.InetAddressResolverProvider} in the test resources.
 */
public final class RecordingResolver extends InetAddressResolverProvider {

    private static final List<String> REVERSE_LOOKUPS = new CopyOnWriteArrayList<>();

    /** The addresses looked up by address since the JVM started, as text ({@code 127.0.0.1}), in order. */
    public static List<String> reverseLookups() {
        return List.copyOf(REVERSE_LOOKUPS);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException {
                return builtin.lookupByName(host, lookupPolicy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                REVERSE_LOOKUPS.add(InetAddress.getByAddress(addr).getHostAddress());
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "anyclaude-tests-recording";
    }
}
