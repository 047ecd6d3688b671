package dev.lattice.federationapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * An authoritative DNS server on a UDP loopback port, answering from records the test adds: a real server on the
 * wire (dnsjava's message codec), so resolution code is tested through its own resolver, not a stub. Unknown names
 * are NXDOMAIN; known names without records of the asked type answer NOERROR with no records.
 */
final class TestDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<org.xbill.DNS.Record> records = new CopyOnWriteArrayList<>();

    TestDnsServer() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().daemon().name("test-dns").start(this::serve);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    TestDnsServer srv(String name, int priority, int weight, int port, String target) {
        records.add(new SRVRecord(name(name), DClass.IN, 60, priority, weight, port, name(target)));
        return this;
    }

    TestDnsServer a(String name, String ipv4) {
        try {
            records.add(new ARecord(name(name), DClass.IN, 60, InetAddress.getByName(ipv4)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire();
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                // a malformed query: ignore it, as a real server would answer FORMERR or drop it
            }
        }
    }

    private Message answer(Message query) {
        org.xbill.DNS.Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        boolean known = false;
        for (org.xbill.DNS.Record record : records) {
            if (record.getName().equals(question.getName())) {
                known = true;
                if (record.getType() == question.getType()) {
                    response.addRecord(record, Section.ANSWER);
                }
            }
        }
        if (!known) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return response;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
