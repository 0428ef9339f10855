// An MCP host as agents' hosts are built: the official TypeScript SDK's client over Streamable HTTP.
// Argument: {"url", "authorization" (or null), "calls": [arguments of ig_send_message, ...]} as JSON.
// Prints one JSON line: {"protocolVersion", "serverInfo", "tools", "results"}, or {"error", "code"}.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const plan = JSON.parse(process.argv[2]);
const headers = plan.authorization ? { Authorization: plan.authorization } : {};
const transport = new StreamableHTTPClientTransport(new URL(plan.url), { requestInit: { headers } });
const client = new Client({ name: 'ig-dm-gateway-tests', version: '1' });
try {
  await client.connect(transport);
  const tools = (await client.listTools()).tools;
  const results = [];
  for (const args of plan.calls) {
    results.push(await client.callTool({ name: 'ig_send_message', arguments: args }));
  }
  console.log(JSON.stringify({
    protocolVersion: transport.protocolVersion,
    serverInfo: client.getServerVersion(),
    tools,
    results,
  }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e.message), code: e.code ?? null }));
} finally {
  await client.close();
}
