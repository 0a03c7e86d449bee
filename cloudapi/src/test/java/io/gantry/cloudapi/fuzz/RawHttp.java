package io.gantry.cloudapi.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket, one connection per request, that sends exactly the bytes
 * it is given (malformed request lines, raw non-ASCII bytes, lying Content-Length) and reads one
 * answer within a deadline. java.net.http refuses to send most of what a fuzzer needs to send.
 */
public final class RawHttp {
    private final String host;
    private final int port;
    private final int timeoutMillis;

    public RawHttp(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** What came back: an answer, or why none did. */
    public sealed interface Outcome permits Answer, NoAnswer {
        long nanos();
    }

    /** Header names lower-cased. */
    public record Answer(int status, Map<String, List<String>> headers, byte[] body, long nanos) implements Outcome {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public enum Why { TIMEOUT, CLOSED, MALFORMED_ANSWER, IO_ERROR }

    public record NoAnswer(Why why, String detail, long nanos) implements Outcome {
    }

    /**
     * Sends {@code wire}; with {@code halfClose} the client then shuts its sending side, as a client
     * that stops mid-body does. {@code head}: the answer has no body whatever its headers say.
     */
    public Outcome send(byte[] wire, boolean halfClose, boolean head) {
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L;
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(wire);
                out.flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the server may answer and close before reading everything (e.g. 413, 431): read the answer
            }
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            return read(socket, in, head, start, deadline);
        } catch (SocketTimeoutException e) {
            return new NoAnswer(Why.TIMEOUT, "no complete answer within " + timeoutMillis + " ms", System.nanoTime() - start);
        } catch (IOException e) {
            return new NoAnswer(Why.IO_ERROR, e.toString(), System.nanoTime() - start);
        }
    }

    private Outcome read(Socket socket, InputStream in, boolean head, long start, long deadline) throws IOException {
        Reader r = new Reader(socket, in, deadline);
        String statusLine = r.line();
        while (statusLine != null && statusLine.startsWith("HTTP/1.1 1")) { // an interim answer (100 Continue): skip it
            for (String line = r.line(); line != null && !line.isEmpty(); line = r.line()) {
                // its headers
            }
            statusLine = r.line();
        }
        if (statusLine == null) {
            return new NoAnswer(Why.CLOSED, "connection closed without an answer", System.nanoTime() - start);
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            return new NoAnswer(Why.MALFORMED_ANSWER, "status line '" + statusLine + "'", System.nanoTime() - start);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return new NoAnswer(Why.MALFORMED_ANSWER, "status line '" + statusLine + "'", System.nanoTime() - start);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = r.line(); line != null && !line.isEmpty(); line = r.line()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
        }
        byte[] body;
        List<String> length = headers.get("content-length");
        List<String> encoding = headers.get("transfer-encoding");
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            body = r.chunked();
        } else if (length != null) {
            body = r.exactly(Integer.parseInt(length.get(0)));
        } else {
            body = r.rest();
        }
        return new Answer(status, headers, body, System.nanoTime() - start);
    }

    /** Reads lines and bodies, each read bounded by what is left of the deadline. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        Reader(Socket socket, InputStream in, long deadline) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
        }

        int next() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("deadline");
            }
            socket.setSoTimeout((int) left);
            return in.read();
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = next()) != -1) {
                if (c == '\n') {
                    break;
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c == -1 && b.size() == 0) {
                return null;
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        byte[] exactly(int n) throws IOException {
            byte[] out = new byte[n];
            int got = 0;
            while (got < n) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new SocketTimeoutException("deadline");
                }
                socket.setSoTimeout((int) left);
                int k = in.read(out, got, n - got);
                if (k < 0) {
                    throw new IOException("answer body cut short: " + got + " of " + n + " bytes");
                }
                got += k;
            }
            return out;
        }

        byte[] chunked() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                if (size == null) {
                    throw new IOException("chunked answer cut short");
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                        // trailers are not looked at
                    }
                    return b.toByteArray();
                }
                b.writeBytes(exactly(n));
                line();
            }
        }

        byte[] rest() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = next()) != -1) {
                b.write(c);
            }
            return b.toByteArray();
        }
    }
}
