package io.gantry.agent.mdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** A test's hand-made protocol client: writes bytes, reads lines. */
final class RawClient implements AutoCloseable {
    private final SocketChannel channel;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private RawClient(SocketChannel channel) {
        this.channel = channel;
    }

    static RawClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawClient(channel);
    }

    void send(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The next line, without its LF; null at end of stream. */
    String readLine() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (true) {
            byte[] seen = pending.toByteArray();
            for (int i = 0; i < seen.length; i++) {
                if (seen[i] == '\n') {
                    pending.reset();
                    pending.write(seen, i + 1, seen.length - i - 1);
                    return new String(seen, 0, i, StandardCharsets.ISO_8859_1);
                }
            }
            b.clear();
            if (channel.read(b) < 0) {
                return null;
            }
            pending.write(b.array(), 0, b.position());
        }
    }

    String ask(String text) throws IOException {
        send(text);
        return readLine();
    }

    /** A V2 GET; the decoded value, or null when not found. */
    String get(String key) throws IOException {
        String id = String.format("%08x", ThreadLocalRandom.current().nextInt());
        String answer = ask(MetadataProtocol.frame(id + " GET " + MetadataProtocol.encode(key)));
        String[] parts = answer.split(" ");
        if (!parts[3].equals(id)) {
            throw new IllegalStateException("answer for another request: " + answer);
        }
        return parts[4].equals("SUCCESS") ? (parts.length > 5 ? MetadataProtocol.decode(parts[5]) : "") : null;
    }

    /** Sends a line of {@code size} bytes; true when the server then answers and closes the connection. */
    boolean askOversized(int size) throws IOException {
        byte[] line = new byte[size];
        java.util.Arrays.fill(line, (byte) 'A');
        ByteBuffer b = ByteBuffer.wrap(line);
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException closedWhileWriting) {
            return true;
        }
        String answer = readLine();
        return "invalid command".equals(answer) && readLine() == null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
