package io.gantry.provisioner.placement;

/** A node a filter rejected, with the filter's status: what {@link Filter#explain} summarises. */
public record Rejection(NodeInfo node, NodeView view, FilterStatus status) {
}
