package io.gantry.cloudapi.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A parsed CreateMachine request. {@code id} is the caller's chosen UUID (or a fresh one): a retried
 * create with the same id returns the machine the first one made.
 */
public record CreateMachine(UUID id, String name, String image, String pkg, List<String> networks, List<String> affinity,
                            Map<String, Object> tags, Map<String, Object> metadata, boolean firewallEnabled,
                            boolean deletionProtection) {
}
