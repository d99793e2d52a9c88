/** A running gateway assembled from its configuration. */
package dev.pangate.endpoint.server;
