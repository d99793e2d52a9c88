/** What the protocols share: the authenticated request, open results, parameters, refusals and incidents. */
package dev.pangate.endpoint.session;
