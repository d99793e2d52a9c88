/** The gateway server: Avatica (protobuf and JSON), authentication, sessions, REST and the CLI. */
package dev.pangate.endpoint;
