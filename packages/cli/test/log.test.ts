import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBase64, toBase64, toHex } from '@sigstack/crypto/encoding';
import { parseNote, formatNote } from '@sigstack/crypto/note';
import { run, EXIT } from '../src/index.js';
import { FakeLog, URL_, captureIo, hashedrekordBody, keyPair } from './fixtures/fake-log.js';
import { publicKeyToPem } from '@sigstack/crypto/keys';

function setup(t: { testdir(): string }, entries = 20) {
  const log = new FakeLog();
  log.addMany(entries);
  const dir = t.testdir();
  const keyFile = join(dir, 'log.pem');
  writeFileSync(keyFile, log.pem);
  return { log, dir, keyFile };
}

/** Flips the last byte of the (first) signature of a note: still well-formed, no longer valid. */
function breakSignature(note: string): string {
  const parsed = parseNote(note);
  const sig = parsed.signatures[0]!;
  const bytes = sig.signature.slice();
  bytes[bytes.length - 1]! ^= 1;
  return formatNote(parsed.text, [{ ...sig, signature: bytes }]);
}

async function cli(log: FakeLog, args: string[]) {
  const c = captureIo(log.fetch);
  const code = await run(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

t.test('log info verifies the checkpoint with the pinned key and prints size, root and origin', async (t) => {
  const { log, keyFile, dir } = setup(t);
  const save = join(dir, 'cp');
  const r = await cli(log, ['log', 'info', '--url', URL_, '--key', keyFile, '--save', save]);
  t.equal(r.code, EXIT.ok, r.err);
  t.match(r.out, /origin:\s+fake\.example - 42/);
  t.match(r.out, /tree size:\s+20/);
  t.match(r.out, new RegExp(`root hash:\\s+${toHex(log.rootAt(20))}`));
  t.match(r.out, /\(pinned\)/);
  t.equal(r.err, '');
  t.equal(readFileSync(save, 'utf8'), log.note());
});

t.test('log info without --key uses the served key and says it is unpinned', async (t) => {
  const { log } = setup(t);
  const r = await cli(log, ['log', 'info', '--url', URL_, '--json']);
  t.equal(r.code, EXIT.ok);
  t.match(r.err, /unpinned key/);
  const out = JSON.parse(r.out);
  t.same(out.key.pinned, false);
  t.equal(out.size, 20);
});

t.test('log info with another key exits 10, with a broken signature 11, with a malformed note 5', async (t) => {
  const { log, dir, keyFile } = setup(t);
  const other = join(dir, 'other.pem');
  writeFileSync(other, publicKeyToPem(keyPair().publicKey));
  t.equal((await cli(log, ['log', 'info', '--url', URL_, '--key', other])).code, EXIT.checkpointKey);
  log.tamper.checkpoint = breakSignature;
  t.equal((await cli(log, ['log', 'info', '--url', URL_, '--key', keyFile])).code, EXIT.checkpointSignature);
  log.tamper.checkpoint = (n) => n.replace('\n\n', '\n');
  t.equal((await cli(log, ['log', 'info', '--url', URL_, '--key', keyFile])).code, EXIT.badResponse);
});

t.test('an unreachable log exits 4 and a missing key file 3', async (t) => {
  const { keyFile } = setup(t);
  const c = captureIo((async () => {
    throw new TypeError('fetch failed');
  }) as typeof fetch);
  t.equal(await run(['log', 'info', '--url', URL_, '--key', keyFile], c.io), EXIT.unreachable);
  t.match(c.err(), /couldn't reach/);
  const d = captureIo(new FakeLog().fetch);
  t.equal(await run(['log', 'info', '--url', URL_, '--key', '/nonexistent/key.pem'], d.io), EXIT.input);
  const bad = join(t.testdir(), 'bad.pem');
  writeFileSync(bad, 'not a key');
  t.equal(await run(['log', 'info', '--url', URL_, '--key', bad], d.io), EXIT.input);
});

t.test('usage mistakes exit 2 and help exits 0 listing every exit code', async (t) => {
  const log = new FakeLog();
  t.equal((await cli(log, ['log', 'info'])).code, EXIT.usage, 'missing --url');
  t.equal((await cli(log, ['log', 'info', '--url', 'ftp://x'])).code, EXIT.usage);
  t.equal((await cli(log, ['log', 'info', '--url', URL_, '--bogus'])).code, EXIT.usage);
  t.equal((await cli(log, ['log', 'get', '--url', URL_, '--index', '1', '--uuid', 'ab'])).code, EXIT.usage);
  t.equal((await cli(log, ['log', 'get', '--url', URL_, '--index', '0x10'])).code, EXIT.usage);
  t.equal((await cli(log, ['frobnicate'])).code, EXIT.usage);
  t.equal((await cli(log, [])).code, EXIT.usage);
  const help = await cli(log, ['--help']);
  t.equal(help.code, EXIT.ok);
  for (const code of Object.values(EXIT)) t.match(help.out, new RegExp(`^ *${code}  `, 'm'));
  for (const verb of ['info', 'get', 'search', 'prove', 'consistency']) {
    const h = await cli(log, ['log', verb, '--help']);
    t.equal(h.code, EXIT.ok);
    t.match(h.out, `usage: sigstack log ${verb}`);
  }
  t.match((await cli(log, ['monitor', '--help'])).out, 'usage: sigstack monitor');
});

t.test('log get decodes an entry for people and prints the raw entry with --json', async (t) => {
  const { log } = setup(t, 3);
  const r = await cli(log, ['log', 'get', '--url', URL_, '--index', '1']);
  t.equal(r.code, EXIT.ok, r.err);
  t.match(r.out, /kind:\s+hashedrekord 0\.0\.1/);
  t.match(r.out, /log index:\s+1/);
  t.match(r.out, /artifact:\s+sha256:[0-9a-f]{64}/);
  t.match(r.out, /signer:\s+public key, ecdsa P-256, sha256:/);
  t.match(r.out, /integrated:\s+2023-11-14T22:13:21\.000Z/);
  const j = await cli(log, ['log', 'get', '--url', URL_, '--index', '1', '--json']);
  const raw = JSON.parse(j.out);
  const [id] = Object.keys(raw);
  t.equal(raw[id!].logIndex, 1);
  const byUuid = await cli(log, ['log', 'get', '--url', URL_, '--uuid', id!.slice(16)]);
  t.equal(byUuid.code, EXIT.ok);
  t.equal((await cli(log, ['log', 'get', '--url', URL_, '--index', '99'])).code, EXIT.notFound);
});

t.test('log get shows the certificate identity, issuer and validity', async (t) => {
  const { leafCertificate } = await import('./fixtures/certs.js');
  const leaf = await leafCertificate({ type: 'email', value: 'alice@example.com' }, 'https://issuer.example');
  const log = new FakeLog();
  log.add(hashedrekordBody('signed', Buffer.from(leaf.pem).toString('base64'), leaf.privateKey));
  const r = await cli(log, ['log', 'get', '--url', URL_, '--index', '0']);
  t.equal(r.code, EXIT.ok, r.err);
  t.match(r.out, /identity:\s+email:alice@example\.com/);
  t.match(r.out, /oidc issuer:\s+https:\/\/issuer\.example/);
  t.match(r.out, /valid:\s+2025-01-01T00:00:00\.000Z to 2035-01-01T00:00:00\.000Z/);
  t.match(r.out, /issued by:\s+CN=test-ca/);
});

t.test('log get refuses a body that does not hash to its uuid (15) or another index (15)', async (t) => {
  const { log } = setup(t, 3);
  log.tamper.entry = (e) => {
    e.body = toBase64(hashedrekordBody('other'));
  };
  t.equal((await cli(log, ['log', 'get', '--url', URL_, '--index', '1'])).code, EXIT.body);
  log.tamper.entry = (e) => {
    e.logIndex = 2;
  };
  t.equal((await cli(log, ['log', 'get', '--url', URL_, '--index', '1'])).code, EXIT.body);
});

t.test('log search lists entry ids, and exits 6 when nothing matches', async (t) => {
  const { log } = setup(t, 3);
  const body = JSON.parse(Buffer.from(log.bodies[2]!).toString());
  const hash = body.spec.data.hash.value as string;
  const r = await cli(log, ['log', 'search', '--url', URL_, '--sha256', `sha256:${hash.toUpperCase()}`]);
  t.equal(r.code, EXIT.ok, r.err);
  t.equal(r.out.trim().split('\n').length, 1);
  t.equal((await cli(log, ['log', 'search', '--url', URL_, '--sha256', '0'.repeat(64)])).code, EXIT.notFound);
  t.equal((await cli(log, ['log', 'search', '--url', URL_, '--sha256', 'abc'])).code, EXIT.usage);
  t.equal((await cli(log, ['log', 'search', '--url', URL_, '--email', 'nobody@example.com', '--json'])).out.trim(), '[]');
  const keyFile = join(t.testdir(), 'k.pem');
  writeFileSync(keyFile, 'garbage');
  t.equal((await cli(log, ['log', 'search', '--url', URL_, '--public-key', keyFile])).code, EXIT.input);
});

t.test('log prove verifies body, checkpoint, inclusion proof and SET', async (t) => {
  const { log, keyFile, dir } = setup(t, 37);
  const r = await cli(log, ['log', 'prove', '--url', URL_, '--key', keyFile, '--index', '13', '--json']);
  t.equal(r.code, EXIT.ok, r.err);
  const p = JSON.parse(r.out);
  t.equal(p.logIndex, 13);
  t.equal(p.treeSize, 37);
  t.equal(p.rootHash, toHex(log.rootAt(37)));
  t.equal(p.keyPinned, true);
  const text = await cli(log, ['log', 'prove', '--url', URL_, '--key', keyFile, '--index', '13']);
  t.match(text.out, /SET:\s+verified/);
  t.match(text.out, /inclusion:\s+proof verified/);
  const artifact = join(dir, 'artifact');
  writeFileSync(artifact, 'artifact 5');
  const a = await cli(log, ['log', 'prove', '--url', URL_, '--key', keyFile, '--artifact', artifact, '--json']);
  t.equal(a.code, EXIT.ok, a.err);
  t.equal(JSON.parse(a.out)[0].logIndex, 5);
  writeFileSync(artifact, 'never logged');
  t.equal((await cli(log, ['log', 'prove', '--url', URL_, '--key', keyFile, '--artifact', artifact])).code, EXIT.notFound);
});

t.test('log prove detects each tampered part with its own exit code', async (t) => {
  const { log, keyFile } = setup(t, 37);
  const prove = async () => (await cli(log, ['log', 'prove', '--url', URL_, '--key', keyFile, '--index', '13'])).code;
  log.tamper.entry = (e) => {
    const h = e.verification.inclusionProof.hashes as string[];
    h[2] = `${h[2]!.slice(0, 63)}${h[2]!.endsWith('0') ? '1' : '0'}`;
  };
  t.equal(await prove(), EXIT.inclusion, 'a flipped proof hash');
  log.tamper.entry = (e) => {
    e.verification.inclusionProof.hashes.pop();
  };
  t.equal(await prove(), EXIT.inclusion, 'a missing proof hash');
  log.tamper.entry = (e) => {
    e.verification.inclusionProof.treeSize = 36;
  };
  t.equal(await prove(), EXIT.inclusion, 'a proof for another size than its checkpoint');
  log.tamper.entry = (e) => {
    const set = parseBase64(e.verification.signedEntryTimestamp);
    set[set.length - 1]! ^= 1;
    e.verification.signedEntryTimestamp = toBase64(set);
  };
  t.equal(await prove(), EXIT.set, 'a broken SET');
  log.tamper.entry = (e) => {
    e.integratedTime += 1;
  };
  t.equal(await prove(), EXIT.set, 'another integrated time than the SET signed');
  log.tamper.entry = (e) => {
    e.body = toBase64(hashedrekordBody('not the leaf'));
  };
  t.equal(await prove(), EXIT.body, 'a body that does not match the leaf');
  log.tamper.entry = (e) => {
    e.logID = 'ab'.repeat(32);
  };
  t.equal(await prove(), EXIT.checkpointKey, 'another log id');
  log.tamper.entry = undefined;
  log.tamper.checkpoint = breakSignature;
  t.equal(await prove(), EXIT.checkpointSignature, 'a broken checkpoint signature');
});

t.test('log consistency proves growth from a saved checkpoint and saves the new one', async (t) => {
  const { log, keyFile, dir } = setup(t, 10);
  const old = join(dir, 'old');
  writeFileSync(old, log.note());
  log.addMany(290);
  const save = join(dir, 'new');
  const r = await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from', old, '--save', save, '--json']);
  t.equal(r.code, EXIT.ok, r.err);
  const out = JSON.parse(r.out);
  t.equal(out.old.size, 10);
  t.equal(out.new.size, 300);
  t.equal(readFileSync(save, 'utf8'), log.note());
  const sizes = await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from-size', '7', '--to-size', '257']);
  t.equal(sizes.code, EXIT.ok, sizes.err);
  t.match(sizes.out, /prefix of the tree of size 257/);
  t.equal((await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from-size', '301'])).code, EXIT.notFound);
});

t.test('log consistency prints evidence and exits 13 for a fork, a bad proof or a rollback', async (t) => {
  const { log, keyFile, dir } = setup(t, 10);
  const old = join(dir, 'old');
  writeFileSync(old, log.note());
  log.tamper.checkpoint = () => log.forge(10, new Uint8Array(32).fill(7));
  const fork = await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from', old]);
  t.equal(fork.code, EXIT.inconsistent);
  const evidence = JSON.parse(fork.out);
  t.equal(evidence.event, 'inconsistent');
  t.equal(evidence.old.checkpoint, readFileSync(old, 'utf8'));
  t.equal(evidence.new.rootHash, '07'.repeat(32));
  t.match(fork.err, /two different roots for size 10/);

  log.tamper = {};
  log.addMany(20);
  log.tamper.consistency = (h) => h.map((x, i) => (i === 0 ? `${x.slice(0, 63)}${x.endsWith('0') ? '1' : '0'}` : x));
  const bad = await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from', old]);
  t.equal(bad.code, EXIT.inconsistent);
  t.equal(JSON.parse(bad.out).proof.hashes.length, JSON.parse(bad.out).proof.hashes.length);
  t.equal(JSON.parse(bad.out).proof.from, 10);

  log.tamper = {};
  const ahead = join(dir, 'ahead');
  writeFileSync(ahead, log.forge(100, new Uint8Array(32)));
  t.equal((await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from', ahead])).code, EXIT.inconsistent, 'the log rolled back');
  const otherOrigin = join(dir, 'other');
  writeFileSync(otherOrigin, log.forge(5, new Uint8Array(32), 'other.example - 1'));
  t.equal((await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from', otherOrigin])).code, EXIT.checkpointKey);
  const garbage = join(dir, 'garbage');
  writeFileSync(garbage, 'not a checkpoint');
  t.equal((await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from', garbage])).code, EXIT.input);
});

t.test('log consistency --from-size needs the tiles API', async (t) => {
  const { log, keyFile } = setup(t, 10);
  log.tamper.noTiles = true;
  const r = await cli(log, ['log', 'consistency', '--url', URL_, '--key', keyFile, '--from-size', '3']);
  t.equal(r.code, EXIT.usage);
  t.match(r.err, /serves no tiles/);
});
