package io.gantry.cloudapi.imagestore;

/**
 * One byte range of a file, from an HTTP {@code Range} header of the forms nodes send: {@code bytes=N-} (from N to the
 * end, how a fetch resumes) and {@code bytes=N-M}. Any other form is ignored (the whole file is sent), as RFC 9110
 * allows.
 */
record ByteRange(long first, long last) {
    /** The range starts at or past the end of the file (HTTP 416). */
    static final class Unsatisfiable extends Exception {
        Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    long length() {
        return last - first + 1;
    }

    /** The range of {@code header} in a file of {@code size} bytes; null for none (or one this server does not take). */
    static ByteRange parse(String header, long size) throws Unsatisfiable {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).strip();
        int dash = spec.indexOf('-');
        if (dash <= 0) {
            return null; // "-N" (the last N bytes) is not a form nodes use
        }
        long first;
        long last;
        try {
            first = Long.parseLong(spec.substring(0, dash));
            String end = spec.substring(dash + 1);
            last = end.isEmpty() ? size - 1 : Math.min(Long.parseLong(end), size - 1);
        } catch (NumberFormatException e) {
            return null;
        }
        if (first < 0 || (last < first && first < size)) {
            return null;
        }
        if (first >= size) {
            throw new Unsatisfiable();
        }
        return new ByteRange(first, last);
    }
}
