import t from 'tap';
import { parseHex } from '@sigstack/crypto/encoding';
import { verifyConsistency } from '@sigstack/crypto/merkle';
import { startService } from './helpers/service.js';
import { hashedrekord } from './helpers/entries.js';

// kill -9 in the middle of a write load, restart on the same data, and check that every
// acknowledged entry is there at its index with its body, that no index was reused, and that the
// new tree is consistent with every checkpoint a client saw before the crash.

type Ack = { index: number; entryId: string; body: string; treeSize: number; rootHash: string };

t.test('every acknowledged entry survives kill -9 at the same index', async (t) => {
  const dir = t.testdir();
  const env = { REKOR_PORT: '0', REKOR_DEV_MODE: 'true', REKOR_DATA_DIR: dir };
  const first = await startService('rekor', env);
  const acks: Ack[] = [];
  let stop = false;
  let sent = 0;
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      sent++;
      try {
        const res = await fetch(`${first.url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hashedrekord(`writer ${w} entry ${i}`)) });
        if (res.status !== 201) continue;
        const [entryId, e] = Object.entries((await res.json()) as Record<string, { body: string; logIndex: number; verification: { inclusionProof: { treeSize: number; rootHash: string } } }>)[0]!;
        acks.push({ index: e.logIndex, entryId, body: e.body, treeSize: e.verification.inclusionProof.treeSize, rootHash: e.verification.inclusionProof.rootHash });
      } catch {
        // the connection died with the process: this request was never acknowledged
      }
    }
  };
  const writers = Array.from({ length: 16 }, (_, w) => writer(w));
  // Crash after a few hundred acknowledgements, while requests are in flight.
  while (acks.length < 400) await new Promise((r) => setTimeout(r, 5));
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  stop = true;
  await Promise.all(writers);
  t.ok(sent > acks.length, `requests were in flight at the crash (${sent} sent, ${acks.length} acknowledged)`);

  const second = await startService('rekor', env);
  t.teardown(() => second.stop());
  const info = (await (await fetch(`${second.url}/api/v1/log`)).json()) as { treeSize: number; rootHash: string };
  t.ok(info.treeSize >= Math.max(...acks.map((a) => a.index + 1)), 'the tree holds every acknowledged index');

  const indexes = new Set(acks.map((a) => a.index));
  t.equal(indexes.size, acks.length, 'no index was handed out twice');
  for (const ack of acks) {
    const res = await fetch(`${second.url}/api/v1/log/entries?logIndex=${ack.index}`);
    t.equal(res.status, 200);
    const got = (await res.json()) as Record<string, { body: string }>;
    t.same(Object.keys(got), [ack.entryId], `index ${ack.index} holds the same entry`);
    t.equal(Object.values(got)[0]!.body, ack.body);
  }

  // Every checkpoint a client saw is a prefix of the tree after the restart.
  const seen = new Map(acks.map((a) => [a.treeSize, a.rootHash]));
  for (const [size, root] of seen) {
    const proof = (await (await fetch(`${second.url}/api/v1/log/proof?firstSize=${size}&lastSize=${info.treeSize}`)).json()) as { hashes: string[] };
    verifyConsistency(size, info.treeSize, parseHex(root, 32), parseHex(info.rootHash, 32), proof.hashes.map((h) => parseHex(h, 32)));
  }
  t.pass(`consistent with all ${seen.size} checkpoints seen before the crash`);

  // And the log goes on appending after the crash.
  const after = await fetch(`${second.url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hashedrekord('after the crash')) });
  t.equal(after.status, 201);
  t.equal(Object.values((await after.json()) as Record<string, { logIndex: number }>)[0]!.logIndex, info.treeSize);
});
