import t from 'tap';
import { resolve } from 'node:path';
import { checkFile, checkTree, importsOf } from './boundaries.js';

const root = resolve(import.meta.dirname, '..');
const names = new Map([
  ['@sigstack/crypto', 'packages/crypto'],
  ['@sigstack/tlog', 'packages/tlog'],
  ['@sigstack/rekor', 'services/rekor'],
  ['@sigstack/fulcio', 'services/fulcio'],
]);

t.test('the tree obeys the import rules of STYLE.md', async (t) => {
  const { checked, violations } = checkTree(root);
  t.ok(checked > 0, `checked ${checked} files`);
  t.same(violations, [], 'no boundary violations');
});

t.test('the import scanner sees static, type-only, re-export and dynamic imports', async (t) => {
  const src = `import a from 'a';\nimport type { B } from "b";\nexport { c } from './c.js';\nconst d = await import('d');\nimport 'side-effect';\n`;
  t.same([...importsOf(src)].sort(), ['./c.js', 'a', 'b', 'd', 'side-effect']);
});

t.test('crypto importing another workspace is a violation', async (t) => {
  const v = checkFile('packages/crypto', 'src/merkle/hash.ts', `import { x } from '@sigstack/tlog';`, names, new Set(['@sigstack/tlog']));
  t.equal(v.length, 1);
  t.match(v[0]?.reason, /must not import packages\/tlog/);
});

t.test('crypto may use @peculiar/x509 only under src/x509', async (t) => {
  const declared = new Set(['@peculiar/x509']);
  t.same(checkFile('packages/crypto', 'src/x509/index.ts', `import * as x509 from '@peculiar/x509';`, names, declared), []);
  t.equal(checkFile('packages/crypto', 'src/keys/parse.ts', `import * as x509 from '@peculiar/x509';`, names, declared).length, 1);
  t.equal(checkFile('packages/crypto', 'src/keys/parse.ts', `import pino from 'pino';`, names, new Set(['pino'])).length, 1);
});

t.test('a service importing another service is a violation', async (t) => {
  const v = checkFile('services/fulcio', 'src/ca/issue.ts', `import { app } from '@sigstack/rekor';`, names, new Set(['@sigstack/rekor']));
  t.equal(v.length, 1);
  t.match(v[0]?.reason, /must not import services\/rekor/);
});

t.test('tlog importing fastify is a violation', async (t) => {
  t.equal(checkFile('packages/tlog', 'src/sequencer.ts', `import Fastify from 'fastify';`, names, new Set(['fastify'])).length, 1);
});

t.test('service domain code must not touch fastify, src/http or process.env', async (t) => {
  const declared = new Set(['fastify']);
  t.equal(checkFile('services/rekor', 'src/log/append.ts', `import type { FastifyInstance } from 'fastify';`, names, declared).length, 1);
  t.equal(checkFile('services/rekor', 'src/kinds/dsse.ts', `import { send } from '../http/reply.js';`, names, declared).length, 1);
  t.equal(checkFile('services/rekor', 'src/kinds/dsse.ts', `const port = process.env.PORT;`, names, declared).length, 1);
  t.same(checkFile('services/rekor', 'src/http/routes.ts', `import type { FastifyInstance } from 'fastify';`, names, declared), []);
  t.same(checkFile('services/rekor', 'src/main.ts', `const port = process.env.PORT;`, names, declared), []);
  t.same(checkFile('services/rekor', 'src/kinds/dsse.ts', `/** No process.env here. */\n// nor process.env\nconst a = 1;`, names, declared), [], 'comments may name it');
});

t.test('a workspace import must be declared in package.json', async (t) => {
  const v = checkFile('services/rekor', 'src/log/append.ts', `import { hashLeaf } from '@sigstack/crypto/merkle';`, names, new Set());
  t.equal(v.length, 1);
  t.match(v[0]?.reason, /not declared/);
});

t.test('a relative import may not climb out of the workspace', async (t) => {
  t.equal(checkFile('services/rekor', 'src/log/append.ts', `import { x } from '../../../fulcio/src/ca.js';`, names, new Set()).length, 1);
  t.same(checkFile('services/rekor', 'src/log/append.ts', `import { x } from '../kinds/index.js';`, names, new Set()), []);
});
