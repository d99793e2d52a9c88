/** Avatica's remote protocol (protobuf and JSON) over identity-bound engine sessions. */
package dev.pangate.endpoint.avatica;
