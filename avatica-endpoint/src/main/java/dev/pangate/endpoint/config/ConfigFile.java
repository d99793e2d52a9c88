package dev.pangate.endpoint.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The configuration file as written, before checking: every key the format knows, all optional
 * here. {@link ConfigLoader} turns it into a {@link GatewayConfig} or says what is wrong.
 */
record ConfigFile(
    @JsonProperty("postgres") PostgresSection postgres,
    @JsonProperty("policy") String policy,
    @JsonProperty("keys") KeysSection keys,
    @JsonProperty("audit") AuditSection audit,
    @JsonProperty("listen") ListenSection listen,
    @JsonProperty("tls") TlsSection tls,
    @JsonProperty("auth") AuthSection auth,
    @JsonProperty("limits") LimitsSection limits,
    @JsonProperty("admins") List<String> admins,
    @JsonProperty("health") HealthSection health,
    @JsonProperty("plan_cache") PlanCacheSection planCache,
    @JsonProperty("cluster") ClusterSection cluster) {

  record ClusterSection(
      @JsonProperty("postgres") AuditPostgresSection postgres,
      @JsonProperty("heartbeat") String heartbeat,
      @JsonProperty("node_timeout") String nodeTimeout) {}

  record PostgresSection(
      @JsonProperty("url") String url,
      @JsonProperty("url_env") String urlEnv,
      @JsonProperty("user") String user,
      @JsonProperty("user_env") String userEnv,
      @JsonProperty("password") String password,
      @JsonProperty("password_env") String passwordEnv,
      @JsonProperty("password_file") String passwordFile,
      @JsonProperty("schemas") List<String> schemas,
      @JsonProperty("pool_size") Integer poolSize,
      @JsonProperty("fetch_size") Integer fetchSize,
      @JsonProperty("statement_timeout") String statementTimeout) {}

  record KeysSection(
      @JsonProperty("files") Map<String, String> files,
      @JsonProperty("kek_file") String kekFile,
      @JsonProperty("kek_env") String kekEnv,
      @JsonProperty("cleartext_for_demo") Boolean cleartextForDemo) {}

  record AuditSection(
      @JsonProperty("node") String node,
      @JsonProperty("signing_keyset") String signingKeyset,
      @JsonProperty("file") AuditFileSection file,
      @JsonProperty("postgres") AuditPostgresSection postgres,
      @JsonProperty("witness") AuditWitnessSection witness,
      @JsonProperty("verify") AuditVerifySection verify,
      @JsonProperty("siem") AuditSiemSection siem) {}

  record AuditSiemSection(
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("ca_file") String caFile,
      @JsonProperty("server_name") String serverName,
      @JsonProperty("hostname") String hostname,
      @JsonProperty("cursor_file") String cursorFile,
      @JsonProperty("facility") Integer facility,
      @JsonProperty("batch") Integer batch,
      @JsonProperty("interval") String interval,
      @JsonProperty("retry_interval") String retryInterval,
      @JsonProperty("timeout") String timeout,
      @JsonProperty("witness") Boolean witness) {}

  record AuditWitnessSection(
      @JsonProperty("files") List<String> files,
      @JsonProperty("postgres") AuditPostgresSection postgres,
      @JsonProperty("on_failure") String onFailure,
      @JsonProperty("max_lag") String maxLag,
      @JsonProperty("retry_interval") String retryInterval) {}

  record AuditVerifySection(
      @JsonProperty("interval") String interval,
      @JsonProperty("recheck_bytes") Long recheckBytes) {}

  record AuditFileSection(
      @JsonProperty("directory") String directory,
      @JsonProperty("durability") String durability) {}

  record AuditPostgresSection(
      @JsonProperty("url") String url,
      @JsonProperty("url_env") String urlEnv,
      @JsonProperty("user") String user,
      @JsonProperty("user_env") String userEnv,
      @JsonProperty("password") String password,
      @JsonProperty("password_env") String passwordEnv,
      @JsonProperty("password_file") String passwordFile) {}

  record ListenSection(
      @JsonProperty("address") String address,
      @JsonProperty("port") Integer port,
      @JsonProperty("allow_plain_http") Boolean allowPlainHttp,
      @JsonProperty("host_names") List<String> hostNames) {}

  record TlsSection(
      @JsonProperty("keystore") String keystore,
      @JsonProperty("password") String password,
      @JsonProperty("password_env") String passwordEnv,
      @JsonProperty("password_file") String passwordFile) {}

  record AuthSection(
      @JsonProperty("secrets_file") String secretsFile,
      @JsonProperty("jwt") JwtSection jwt,
      @JsonProperty("free_failures") Integer freeFailures,
      @JsonProperty("first_delay") String firstDelay,
      @JsonProperty("max_delay") String maxDelay,
      @JsonProperty("verified_cache_time") String verifiedCacheTime,
      @JsonProperty("secret_max_age") String secretMaxAge) {}

  record JwtSection(
      @JsonProperty("public_keyset") String publicKeyset,
      @JsonProperty("issuer") String issuer,
      @JsonProperty("audience") String audience,
      @JsonProperty("max_lifetime") String maxLifetime,
      @JsonProperty("acting_for_claim") String actingForClaim) {}

  record LimitsSection(
      @JsonProperty("connections_per_agent") Integer connectionsPerAgent,
      @JsonProperty("idle_timeout") String idleTimeout,
      @JsonProperty("result_idle_timeout") String resultIdleTimeout,
      @JsonProperty("max_frame_rows") Integer maxFrameRows,
      @JsonProperty("json_max_rows") Long jsonMaxRows,
      @JsonProperty("max_request_bytes") Integer maxRequestBytes,
      @JsonProperty("write_timeout") String writeTimeout,
      @JsonProperty("approval_lifetime") String approvalLifetime,
      @JsonProperty("unused_connection_timeout") String unusedConnectionTimeout,
      @JsonProperty("streaming_result_idle_timeout") String streamingResultIdleTimeout,
      @JsonProperty("postgres_connections_per_agent") Integer postgresConnectionsPerAgent,
      @JsonProperty("queue_size") Integer queueSize,
      @JsonProperty("queue_timeout") String queueTimeout,
      @JsonProperty("result_buffer_bytes") Long resultBufferBytes,
      @JsonProperty("roles") java.util.Map<String, RoleSection> roles,
      @JsonProperty("http_threads") Integer httpThreads,
      @JsonProperty("requests_per_identity") Integer requestsPerIdentity,
      @JsonProperty("min_request_data_rate") Long minRequestDataRate,
      @JsonProperty("header_timeout") String headerTimeout,
      @JsonProperty("body_timeout") String bodyTimeout,
      @JsonProperty("drain_timeout") String drainTimeout) {}

  record RoleSection(
      @JsonProperty("postgres_connections") Integer postgresConnections,
      @JsonProperty("statement_timeout") String statementTimeout) {}

  record PlanCacheSection(
      @JsonProperty("entries") Integer entries,
      @JsonProperty("max_bytes") Long maxBytes) {}

  record HealthSection(@JsonProperty("public") Boolean publicAccess) {}
}
