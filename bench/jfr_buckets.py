#!/usr/bin/env python3
"""Groups a JFR recording's execution samples by what they were doing (ApiBench's profile summary).

    jfr print --stack-depth 200 --events jdk.ExecutionSample api.jfr > api.txt
    python3 bench/jfr_buckets.py api.txt

A sample counts for the first bucket (top to bottom) one of whose markers appears anywhere in its stack, so the
order is the priority. JFR samples Java code only: PostgreSQL's own CPU is not in it.
"""
import collections
import sys

BUCKETS = [
    ('client: signing in the same JVM (RSA private key)', ['RSACore.crtCrypt', 'SignedClient', 'RequestSigner']),
    ('client: java.net.http in the same JVM', ['jdk.internal.net.http', 'java.net.http']),
    ('server: signature verify (RSA)', ['SignatureVerifier.verify']),
    ('server: SSH key parse', ['SshPublicKey.parse']),
    ('server: Hibernate Reactive / ORM', ['org.hibernate']),
    ('server: PostgreSQL client (vertx-pg-client)', ['io.vertx.pgclient', 'io.vertx.sqlclient']),
    ('server: key cache and its listener', ['io.gantry.cloudapi.auth.KeyCache', 'io.gantry.cloudapi.auth.AuthChanges']),
    ('server: JSON (Jackson)', ['com.fasterxml.jackson']),
    ('server: Vert.x Web routing and the API handlers', ['io.vertx.ext.web', 'io.gantry.cloudapi']),
    ('server: HTTP codec, Netty, Vert.x core I/O', ['io.netty', 'io.vertx.core']),
    ('class loading', ['jdk.internal.loader', 'java.util.zip', 'java.util.jar']),
]


def main(path):
    samples = open(path, encoding='utf-8').read().split('jdk.ExecutionSample')[1:]
    counts = collections.Counter()
    leaves = collections.Counter()
    total = 0
    for sample in samples:
        frames = [line.strip() for line in sample.split('\n') if 'line:' in line]
        if not frames:
            continue
        total += 1
        leaves[frames[0].split(' line:')[0]] += 1
        stack = '\n'.join(frames)
        for name, markers in BUCKETS:
            if any(m in stack for m in markers):
                counts[name] += 1
                break
        else:
            counts['other'] += 1
    print(f'{total} samples')
    print('| where | share of samples |')
    print('|---|---:|')
    for name, n in counts.most_common():
        print(f'| {name} | {100.0 * n / total:.1f}% |')
    print()
    print('top frames (self):')
    for frame, n in leaves.most_common(10):
        print(f'  {100.0 * n / total:5.1f}%  {frame}')


if __name__ == '__main__':
    main(sys.argv[1])
