package io.gantry.agent.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The journal's framing: every file starts with an 8-byte magic, followed by frames of
 * {@code [int32 length][int32 CRC32 of the payload][payload]}. A frame cut short by a crash, or one
 * whose checksum does not match, ends what can be trusted of the file.
 */
final class Frames {
    static final int HEADER = 8;
    static final int FRAME_OVERHEAD = 8;
    /** No frame is this large (a tick of 2,000 zones is about 100 KB); a larger length is damage. */
    static final int MAX_PAYLOAD = 64 << 20;

    enum Status { OK, END, TORN, CORRUPT }

    record Frame(Status status, byte[] payload, long next) {
    }

    private Frames() {
    }

    static byte[] magic(String eightChars) {
        byte[] m = eightChars.getBytes(StandardCharsets.US_ASCII);
        if (m.length != HEADER) {
            throw new IllegalArgumentException("magic must be 8 ASCII characters");
        }
        return m;
    }

    static ByteBuffer frame(byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(FRAME_OVERHEAD + payload.length);
        buf.putInt(payload.length).putInt((int) crc(payload)).put(payload).flip();
        return buf;
    }

    /** A whole file's bytes: magic then one frame. */
    static byte[] file(byte[] magic, byte[] payload) {
        ByteBuffer f = frame(payload);
        byte[] out = new byte[HEADER + f.remaining()];
        System.arraycopy(magic, 0, out, 0, HEADER);
        f.get(out, HEADER, f.remaining());
        return out;
    }

    /** The payload of a file made by {@link #file}, or null if it is not whole. */
    static byte[] payloadOf(byte[] magic, byte[] file) {
        if (file.length < HEADER + FRAME_OVERHEAD || !Arrays.equals(Arrays.copyOf(file, HEADER), magic)) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(file, HEADER, file.length - HEADER);
        int len = buf.getInt();
        int crc = buf.getInt();
        if (len < 0 || len != buf.remaining()) {
            return null;
        }
        byte[] payload = new byte[len];
        buf.get(payload);
        return (int) crc(payload) == crc ? payload : null;
    }

    static boolean hasMagic(FileChannel ch, byte[] magic) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER);
        readFully(ch, buf, 0);
        return !buf.hasRemaining() && Arrays.equals(buf.array(), magic);
    }

    /** The frame at {@code pos}, reading no further than {@code limit}. */
    static Frame read(FileChannel ch, long pos, long limit) throws IOException {
        if (pos >= limit) {
            return new Frame(Status.END, null, pos);
        }
        if (limit - pos < FRAME_OVERHEAD) {
            return new Frame(Status.TORN, null, pos);
        }
        ByteBuffer head = ByteBuffer.allocate(FRAME_OVERHEAD);
        readFully(ch, head, pos);
        if (head.hasRemaining()) {
            return new Frame(Status.TORN, null, pos);
        }
        head.flip();
        int len = head.getInt();
        int crc = head.getInt();
        if (len <= 0 || len > MAX_PAYLOAD) {
            return new Frame(Status.CORRUPT, null, pos);
        }
        if (limit - pos - FRAME_OVERHEAD < len) {
            return new Frame(Status.TORN, null, pos);
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        readFully(ch, body, pos + FRAME_OVERHEAD);
        if (body.hasRemaining()) {
            return new Frame(Status.TORN, null, pos);
        }
        byte[] payload = body.array();
        if ((int) crc(payload) != crc) {
            return new Frame(Status.CORRUPT, null, pos);
        }
        return new Frame(Status.OK, payload, pos + FRAME_OVERHEAD + len);
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                return;
            }
            pos += n;
        }
    }

    static long crc(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return crc.getValue();
    }
}
