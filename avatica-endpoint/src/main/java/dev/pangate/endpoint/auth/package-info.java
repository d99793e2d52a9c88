/** Who sent a request: agent secrets stored as salted slow hashes, HTTP Basic, signed tokens, throttling. */
package dev.pangate.endpoint.auth;
