#!/usr/bin/env node
// Container health check for every sigstack service: `GET http://127.0.0.1:<port>/healthz` must answer
// 200 within 3 s. The port is the first argument or else the one `*_PORT` variable of the service the
// container runs. Exit 0 when healthy, 1 otherwise (Docker's and Compose's contract). The slim Node
// image has no curl, so this uses Node's fetch.
const PORT_VARS = ['FULCIO_PORT', 'REKOR_PORT', 'CTLOG_PORT', 'TSA_PORT', 'TRUST_PORT', 'DEV_OIDC_PORT'];

const set = PORT_VARS.filter((name) => process.env[name] !== undefined);
const port = process.argv[2] ?? (set.length === 1 ? process.env[set[0]] : undefined);
if (port === undefined || !/^[1-9][0-9]{0,4}$/.test(port)) {
  console.error(`healthcheck: pass the port as the argument or set exactly one of ${PORT_VARS.join(', ')}`);
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) console.error(`healthcheck: /healthz answered ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  console.error(`healthcheck: ${err.message}`);
  process.exit(1);
}
