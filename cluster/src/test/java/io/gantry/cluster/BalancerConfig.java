package io.gantry.cluster;

import java.util.List;

/**
 * HAProxy's configuration for the cloud API instances: round robin, a TCP health check every 500 ms (two misses
 * take an instance out), a refused connection tried on the other instance, and the instances' addresses looked up
 * again in Docker's DNS, so a restarted instance is found at whatever address it gets.
 */
final class BalancerConfig {
    private BalancerConfig() {
    }

    static String forApis(List<String> apis, int port) {
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 4096
                resolvers docker
                  nameserver dns 127.0.0.11:53
                  hold valid 1s
                defaults
                  mode http
                  timeout connect 1s
                  timeout client 60s
                  timeout server 60s
                  timeout check 500ms
                  retries 3
                  option redispatch
                frontend api
                  bind :%d
                  default_backend apis
                backend apis
                  balance roundrobin
                """.formatted(port));
        for (String api : apis) {
            cfg.append("  server ").append(api).append(' ').append(api).append(':').append(port)
                    .append(" check inter 500 fall 2 rise 2 resolvers docker init-addr libc,none\n");
        }
        return cfg.toString();
    }
}
