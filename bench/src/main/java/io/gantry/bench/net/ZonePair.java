package io.gantry.bench.net;

/** Two zones' network namespaces, traffic going from the client to the server's address. */
record ZonePair(String label, String clientNetns, String serverNetns, String serverIp) {
}
