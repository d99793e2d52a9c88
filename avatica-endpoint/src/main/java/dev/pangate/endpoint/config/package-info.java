/** The gateway's configuration file: its format, checks and error messages. */
package dev.pangate.endpoint.config;
