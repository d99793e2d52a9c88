// A loopback proxy that adds the identity's Authorization header and forwards everything else
// unchanged (Host and Origin included, so the gateway's DNS rebinding check is what is tested).
// The conformance suite's server mode sends no credentials; the gateway keeps requiring them.
//   PANGATE_URL=http://127.0.0.1:PORT PANGATE_USER=... PANGATE_SECRET=... node proxy.mjs
// Prints "PROXY_PORT=<port>" once listening on 127.0.0.1.
import http from 'node:http';

const target = new URL(process.env.PANGATE_URL);
const authorization = 'Basic ' + Buffer.from(
  `${process.env.PANGATE_USER}:${process.env.PANGATE_SECRET}`).toString('base64');

const server = http.createServer((request, response) => {
  const headers = { ...request.headers, authorization };
  const upstream = http.request({
    host: target.hostname, port: target.port, method: request.method, path: request.url, headers,
  }, (answer) => {
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', () => {
    if (!response.headersSent) {
      response.writeHead(502);
    }
    response.end();
  });
  request.pipe(upstream);
});
server.listen(0, '127.0.0.1', () => {
  console.log(`PROXY_PORT=${server.address().port}`);
});
