#!/usr/bin/env node
// Writes docs/configuration.md from the services' config schemas (the schema is the operator
// documentation). `node scripts/config-docs.mjs --check` exits 1 when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const SERVICES = [
  ['rekor', 'Transparency log (`services/rekor`)', 'REKOR_CONFIG_FILE'],
  ['tsa', 'Timestamp authority (`services/tsa`)', 'TSA_CONFIG_FILE'],
  ['ctlog', 'Certificate transparency log (`services/ctlog`)', 'CTLOG_CONFIG_FILE'],
  ['fulcio', 'Certificate authority (`services/fulcio`)', 'FULCIO_CONFIG_FILE'],
  ['trust', 'Trust distribution (`services/trust`)', 'TRUST_CONFIG_FILE'],
];

export async function render() {
  let out = `# Configuration reference

Generated from the services' config schemas by \`node scripts/config-docs.mjs\`; do not edit by hand.

Each setting comes from, in increasing precedence: the default below, a JSON file (\`--config FILE\`
or the service's \`*_CONFIG_FILE\` variable) using the setting names below as keys, and the environment
variable. Secrets (key passwords) are read from files, never from values. A service checks every
setting at start-up and reports all problems at once.
`;
  for (const [name, title, fileVar] of SERVICES) {
    const { SCHEMA } = await import(resolve(root, 'services', name, 'dist', 'config.js'));
    out += `\n## ${title}\n\nConfig file: \`--config FILE\` or \`${fileVar}\`.\n\n| setting | environment | default | meaning |\n|---|---|---|---|\n`;
    for (const [key, field] of Object.entries(SCHEMA)) {
      const def = Array.isArray(field.default) ? field.default.join(',') : String(field.default);
      out += `| \`${key}\` | \`${field.env}\` | ${def === '' ? '(empty)' : `\`${def}\``} | ${field.description} |\n`;
    }
  }
  return out;
}

const path = resolve(root, 'docs', 'configuration.md');
const text = await render();
if (process.argv.includes('--check')) {
  if (readFileSync(path, 'utf8') !== text) {
    console.error('docs/configuration.md is out of date: run node scripts/config-docs.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(path, text);
}
