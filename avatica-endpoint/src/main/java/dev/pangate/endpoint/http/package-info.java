/** The HTTP(S) server: the route table, authentication in front of every route, the JSON API, health and metrics. */
package dev.pangate.endpoint.http;
