// The official TypeScript MCP SDK's client against pangate: over Streamable HTTP straight to the
// gateway's /mcp (credentials in the Authorization header, as an MCP host sends them), and over
// stdio through `pangate mcp` (the secret in the child's environment).
//   node ts-client.mjs <gateway URL> <identity> <pangate.jar>   (secret in PANGATE_SECRET)
// Exits non-zero with the failed check when one fails.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [base, identity, jar] = process.argv.slice(2);
const secret = process.env.PANGATE_SECRET;
const authorization = 'Basic ' + Buffer.from(`${identity}:${secret}`).toString('base64');
let checks = 0;

function check(condition, what) {
  assert.ok(condition, what);
  checks++;
}

async function exercise(client, how) {
  const tools = (await client.listTools()).tools.map((tool) => tool.name);
  check(['query', 'list_tables', 'describe_table', 'explain', 'approval_status', 'wait_for_approval']
    .every((name) => tools.includes(name)), `${how}: the tools are listed (${tools})`);

  // The SDK validates structuredContent against the tool's outputSchema here.
  const result = await client.callTool({
    name: 'query',
    arguments: { sql: 'select card_id, pan from payments.cards order by card_id limit 3' },
  });
  check(!result.isError, `${how}: query runs (${JSON.stringify(result.content)})`);
  const rows = result.structuredContent;
  check(rows.row_count === 3 && rows.rows.length === 3, `${how}: three rows`);
  check(rows.columns[1].name === 'pan' && rows.columns[1].masked === true, `${how}: pan is masked`);
  check(rows.rows.every((row) => /^\d{6}\*+\d{4}$/.test(row[1])), `${how}: PANs truncated`);
  check(JSON.parse(result.content[0].text).length === 3, `${how}: rows as JSON text`);

  const failed = await client.callTool({ name: 'query', arguments: { sql: 'selec' } });
  check(failed.isError === true && failed.content[0].text.startsWith('SQL_PARSE_ERROR: '),
    `${how}: a SQL error is an isError result with its code first`);

  const resources = (await client.listResources()).resources.map((resource) => resource.uri);
  check(resources.includes('pangate://tables/payments.cards'), `${how}: table resources (${resources})`);
  const read = await client.readResource({ uri: 'pangate://tables/payments.cards' });
  const table = JSON.parse(read.contents[0].text);
  check(table.name === 'payments.cards' && table.columns.some((c) => c.name === 'pan' && c.mask !== 'clear'),
    `${how}: the resource describes the table with its masks`);
}

const http = new Client({ name: 'pangate-ci-typescript', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL('/mcp', base), {
  requestInit: { headers: { Authorization: authorization } },
});
await http.connect(transport);
check(transport.sessionId, 'Streamable HTTP: the gateway gave a session id');
await exercise(http, 'Streamable HTTP');
await transport.terminateSession();
await http.close();

const stdio = new Client({ name: 'pangate-ci-typescript-stdio', version: '1.0.0' });
await stdio.connect(new StdioClientTransport({
  command: 'java',
  args: ['-jar', jar, 'mcp', '--url', base, '--user', identity],
  env: { ...process.env, PANGATE_SECRET: secret },
  stderr: 'inherit',
}));
await exercise(stdio, 'stdio bridge');
await stdio.close();

console.log(`TypeScript SDK client: all ${checks} checks held (Streamable HTTP and the stdio bridge)`);
