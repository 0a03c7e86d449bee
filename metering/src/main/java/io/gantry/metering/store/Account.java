package io.gantry.metering.store;

/**
 * An account as metering names it: {@code id} is the cloud API's accounts.id as text (usage records
 * carry it as their tenant), {@code login} its login. A tenant metering knows only from usage
 * records (a zone made by hand on a node) has its tenant name as both.
 */
public record Account(String id, String login) {
}
