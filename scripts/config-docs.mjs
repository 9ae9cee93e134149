#!/usr/bin/env node
// Writes the configuration reference from the services' config schemas (the schema is the operator
// documentation) into docs/configuration.md and into README.md between its configuration markers.
// `node scripts/config-docs.mjs --check` exits 1 when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// [config module relative to the root, title, the variable naming a config file]
const SERVICES = [
  ['services/fulcio/dist/config.js', 'Certificate authority (`services/fulcio`)', 'FULCIO_CONFIG_FILE'],
  ['services/rekor/dist/config.js', 'Transparency log (`services/rekor`)', 'REKOR_CONFIG_FILE'],
  ['services/ctlog/dist/config.js', 'Certificate transparency log (`services/ctlog`)', 'CTLOG_CONFIG_FILE'],
  ['services/tsa/dist/config.js', 'Timestamp authority (`services/tsa`)', 'TSA_CONFIG_FILE'],
  ['services/trust/dist/config.js', 'Trust distribution (`services/trust`)', 'TRUST_CONFIG_FILE'],
  ['packages/testkit/dist/dev-oidc-config.js', 'Dev OIDC issuer (`packages/testkit`, dev only)', 'DEV_OIDC_CONFIG_FILE'],
];

const BEGIN = '<!-- configuration:begin -->';
const END = '<!-- configuration:end -->';

/** One section per service: `level` is the heading level of the service titles. */
async function sections(level) {
  let out = '';
  for (const [module, title, fileVar] of SERVICES) {
    const { SCHEMA } = await import(resolve(root, module));
    out += `\n${'#'.repeat(level)} ${title}\n\nConfig file: \`--config FILE\` or \`${fileVar}\`.\n\n| setting | environment | default | meaning |\n|---|---|---|---|\n`;
    for (const [key, field] of Object.entries(SCHEMA)) {
      const def = Array.isArray(field.default) ? field.default.join(',') : String(field.default);
      out += `| \`${key}\` | \`${field.env}\` | ${def === '' ? '(empty)' : `\`${def}\``} | ${field.description} |\n`;
    }
  }
  return out;
}

export async function renderDoc() {
  return `# Configuration reference

Generated from the services' config schemas by \`node scripts/config-docs.mjs\`; do not edit by hand.
The same tables are in the README.

Each setting comes from, in increasing precedence: the default below, a JSON file (\`--config FILE\`
or the service's \`*_CONFIG_FILE\` variable) using the setting names below as keys, and the environment
variable. Secrets (key passwords) are read from files, never from values. A service checks every
setting at start-up and reports all problems at once.
${await sections(2)}`;
}

export async function renderReadme(readme) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${await sections(3)}\n${readme.slice(end)}`;
}

const docPath = resolve(root, 'docs', 'configuration.md');
const readmePath = resolve(root, 'README.md');
const doc = await renderDoc();
const readme = await renderReadme(readFileSync(readmePath, 'utf8'));
if (process.argv.includes('--check')) {
  const stale = [[docPath, doc], [readmePath, readme]].filter(([path, text]) => readFileSync(path, 'utf8') !== text).map(([path]) => path);
  if (stale.length > 0) {
    console.error(`${stale.join(' and ')} out of date: run node scripts/config-docs.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(docPath, doc);
  writeFileSync(readmePath, readme);
}
