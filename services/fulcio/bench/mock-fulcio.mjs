#!/usr/bin/env node
// @sigstore/mock's Fulcio handler (its CT log in memory, no check of the token's signature) served
// by a bare node:http server in its own process, so that it gets its own event loop as our CA does.
// Prints `{"msg":"mock-fulcio ready","address":…}` once listening. Used by certificates.mjs only.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock';

const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const handler = fulcioHandler(await initializeCA(keys, await initializeCTLog(keys)), { strict: true });
const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const out = await handler.fn(Buffer.concat(chunks).toString());
    res.writeHead(out.statusCode, { 'content-type': out.contentType ?? 'application/json' });
    res.end(out.response);
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'mock-fulcio ready', address: `http://127.0.0.1:${server.address().port}` })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
