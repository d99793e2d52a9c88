/** The MCP endpoint ({@code /mcp}, Streamable HTTP): the MCP SDK's server, pangate's tools and table resources. */
package dev.pangate.endpoint.mcp;
