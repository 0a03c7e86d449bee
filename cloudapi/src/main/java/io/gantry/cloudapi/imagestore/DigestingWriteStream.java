package io.gantry.cloudapi.imagestore;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Writes through to another stream (a file), hashing every byte with sha256 and counting them on the way. */
final class DigestingWriteStream implements WriteStream<Buffer> {
    private final WriteStream<Buffer> target;
    private final MessageDigest sha256;
    private long bytes;

    DigestingWriteStream(WriteStream<Buffer> target) {
        this.target = target;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sha256 of what was written, in lower-case hex; call once, after the last write. */
    String hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    long bytes() {
        return bytes;
    }

    private void account(Buffer data) {
        sha256.update(data.getByteBuf().nioBuffer());
        bytes += data.length();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        target.exceptionHandler(handler);
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        account(data);
        return target.write(data);
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        account(data);
        target.write(data, handler);
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        target.end(handler);
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        target.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return target.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        target.drainHandler(handler);
        return this;
    }
}
