import t from 'tap';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcceptedRoots, parseRoots } from '../../../src/x509/roots.js';
import { makeRoot, pemOf } from '../../fixtures/ca.js';

const a = await makeRoot('root a');
const b = await makeRoot('root b');

t.test('a PEM bundle gives the accepted roots, each once', async (t) => {
  const roots = parseRoots(pemOf(a, b, a), 'bundle');
  t.equal(roots.length, 2);
  t.throws(() => parseRoots('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'bundle'), /want "CERTIFICATE"/);
  t.throws(() => parseRoots('# a comment\n' + pemOf(a), 'bundle'), /outside a pem block/);
});

t.test('outside dev mode the roots file must exist and hold a certificate', async (t) => {
  const dir = t.testdir();
  t.throws(() => AcceptedRoots.load({ path: join(dir, 'none.pem'), follow: false }), { code: 'ERR_CONFIG_INVALID', message: /does not exist/ });
  writeFileSync(join(dir, 'empty.pem'), '\n');
  t.throws(() => AcceptedRoots.load({ path: join(dir, 'empty.pem'), follow: false }), { code: 'ERR_CONFIG_INVALID', message: /no pem block/ });
  writeFileSync(join(dir, 'bad.pem'), 'nonsense');
  t.throws(() => AcceptedRoots.load({ path: join(dir, 'bad.pem'), follow: true }), { code: 'ERR_CONFIG_INVALID' }, 'a bad file refuses the start even in dev mode');
  writeFileSync(join(dir, 'ok.pem'), pemOf(a));
  const roots = AcceptedRoots.load({ path: join(dir, 'ok.pem'), follow: false });
  t.equal(roots.all.length, 1);
  writeFileSync(join(dir, 'ok.pem'), pemOf(a, b));
  t.notOk(roots.refresh(), 'outside dev mode the file is read once');
  t.equal(roots.all.length, 1);
});

t.test('in dev mode the file is followed: at most one look a second, bad content keeps the old set', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'roots.pem');
  let now = 0;
  const events: { count: number; error?: string }[] = [];
  const roots = AcceptedRoots.load({ path, follow: true, clock: () => now, onReload: (e) => events.push(e) });
  t.equal(roots.all.length, 0, 'a missing file is an empty set');
  const v0 = roots.version;
  writeFileSync(path, pemOf(a));
  t.ok(roots.refresh());
  t.equal(roots.all.length, 1);
  t.ok(roots.version > v0);
  writeFileSync(`${path}.tmp`, pemOf(a, b));
  renameSync(`${path}.tmp`, path);
  now += 500;
  t.notOk(roots.refresh(), 'too soon to look again');
  t.ok(roots.refresh(true), 'unless forced');
  t.equal(roots.all.length, 2);
  now += 600;
  t.notOk(roots.refresh(), 'nothing changed since');
  t.equal(roots.withSubject(new Uint8Array(b.cert.subjectName.toArrayBuffer())).length, 1);
  writeFileSync(path, 'broken');
  now += 1001;
  t.notOk(roots.refresh());
  t.equal(roots.all.length, 2, 'the previous set is kept');
  t.match(events.at(-1), { count: 2, error: /./ });
});
