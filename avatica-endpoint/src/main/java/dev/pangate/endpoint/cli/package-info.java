/** The {@code pangate} command: serve, demo, agents, keys, audit, policy and sqlline. */
package dev.pangate.endpoint.cli;
