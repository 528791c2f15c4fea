package dev.anyclaude.loadbench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The least a proxy hop can cost: a TCP forwarder that understands nothing, for the load benchmark's
 * {@code floor=} option. Each accepted connection gets one connection to the upstream and two threads that
 * copy bytes as they come, one each way; a client's kept connection keeps its upstream connection. What it adds
 * to the time to first token on a machine is the floor under any gateway there: the extra hop's wake-ups and
 * copies, with no parsing, mapping or new connection per request.
 *
 * <p>Run in a JVM of its own: {@code Forwarder UPSTREAM_PORT platform|virtual}; prints {@code port N} when it
 * listens, and stops when its standard input closes.
 */
public final class Forwarder {
    private Forwarder() {
    }

    public static void main(String[] args) throws IOException {
        int upstreamPort = Integer.parseInt(args[0]);
        Thread.Builder threads = switch (args[1]) {
            case "platform" -> Thread.ofPlatform().daemon();
            case "virtual" -> Thread.ofVirtual();
            default -> throw new IllegalArgumentException("threads: platform or virtual, not " + args[1]);
        };
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket server = new ServerSocket(0, 1024, loopback);
        Thread.ofPlatform().daemon().start(() -> accept(server, loopback, upstreamPort, threads));
        System.out.println("port " + server.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the benchmark closes our standard input (or exits)
        }
        server.close();
    }

    private static void accept(ServerSocket server, InetAddress loopback, int upstreamPort, Thread.Builder threads) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(loopback, upstreamPort));
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                threads.start(() -> copy(client, upstream));
                threads.start(() -> copy(upstream, client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("forwarder: " + e);
                }
            }
        }
    }

    /** Copies what {@code from} sends to {@code to} as it comes; closes both when either side ends. */
    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException ended) {
            // one side closed or reset: both are closed by try-with-resources
        }
    }
}
