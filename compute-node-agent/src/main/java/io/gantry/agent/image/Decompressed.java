package io.gantry.agent.image;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The plain bytes of a possibly compressed stream (a layer blob), its compression told from its first
 * bytes: gzip in the JDK, zstd, xz and bzip2 by the same programs tar would run, fed from a thread.
 * A decompressor that fails shows as an IOException at the end of the stream.
 */
final class Decompressed {
    private Decompressed() {
    }

    static InputStream of(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(6);
        byte[] head = in.readNBytes(6);
        in.reset();
        Compression compression = Compression.of(head);
        return switch (compression) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            default -> new ThroughProgram(in, compression);
        };
    }

    /** Feeds the compressed bytes to the program's stdin from a thread and reads its stdout. */
    private static final class ThroughProgram extends FilterInputStream {
        private final Process process;
        private final Thread feeder;
        private final String program;
        private volatile IOException feedFailure;

        ThroughProgram(InputStream compressed, Compression compression) {
            super(null);
            program = compression.program();
            try {
                process = new ProcessBuilder(List.of(program, "-d", "-c")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new GantryException(ErrorCode.InternalError, "cannot run " + program + " to read a " + compression.name().toLowerCase()
                        + " layer (apt-get install " + program + "): " + e.getMessage());
            }
            this.in = process.getInputStream();
            feeder = new Thread(() -> {
                try (OutputStream stdin = process.getOutputStream()) {
                    compressed.transferTo(stdin);
                } catch (IOException e) {
                    feedFailure = e; // the program stopped reading: its exit status tells why
                }
            }, program + "-feeder");
            feeder.setDaemon(true);
            feeder.start();
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                finish();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                finish();
            }
            return n;
        }

        private void finish() throws IOException {
            try {
                if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new IOException(program + " cannot decompress it");
                }
                feeder.join(TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while decompressing");
            }
            if (feedFailure != null) {
                throw feedFailure;
            }
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            super.close();
        }
    }
}
