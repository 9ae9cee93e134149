import t from 'tap';
import { canonicalJsonBytes } from '@sigstack/crypto/canonical-json';
import { ALGORITHM_NAMES, createKindRegistry } from '../../../src/kinds/index.js';
import type { EntryKindName, SigningAlgorithm } from '../../../src/config.js';
import { SIGNING_ALGORITHMS } from '../../../src/config.js';
import {
  b64,
  dsseEntry,
  intotoEntry,
  INVALID,
  mutate,
  P256,
  registry,
  sha256hex,
  signedHashedRekord,
  text,
  unb64,
  viaJson,
} from '../../fixtures/kinds/helpers.js';
import { DSSE_PUBLIC_GOOD, INTOTO_PUBLISH } from '../../fixtures/kinds/public-entries.js';

const kinds = registry();
const CONFIG = { code: 'ERR_CONFIG_INVALID' };

t.test('the canonical body is JCS of apiVersion, kind and spec', async (t) => {
  const proposed = signedHashedRekord(P256);
  const entry = kinds.canonicalize(viaJson(proposed));
  t.same([...entry.body], [...canonicalJsonBytes(proposed)]);
  t.equal(entry.kind, 'hashedrekord');
  t.equal(entry.apiVersion, '0.0.1');
});

t.test('unknown and disabled kinds are refused alike', async (t) => {
  const onlyDsse = registry({ enabled: ['dsse'] });
  t.throws(() => onlyDsse.canonicalize(viaJson(signedHashedRekord(P256))), INVALID, 'hashedrekord disabled');
  t.throws(() => onlyDsse.canonicalize(viaJson(intotoEntry({}))), INVALID, 'intoto disabled');
  t.ok(onlyDsse.canonicalize(viaJson(dsseEntry({}))));
  t.throws(() => registry({ enabled: [] }).canonicalize(viaJson(dsseEntry({}))), INVALID, 'nothing enabled');
  for (const kind of ['rekord', 'rpm', 'HashedRekord', '', '__proto__', 'constructor', 'toString']) {
    t.throws(() => kinds.canonicalize(mutate(signedHashedRekord(P256), (e) => (e.kind = kind))), INVALID, `kind ${kind}`);
  }
});

t.test('only the supported apiVersion of each kind is accepted', async (t) => {
  const cases: [unknown, string][] = [
    [signedHashedRekord(P256), '0.0.2'],
    [dsseEntry({}), '0.0.2'],
    [intotoEntry({}), '0.0.1'],
    [signedHashedRekord(P256), '0.0.1 '],
  ];
  for (const [proposed, apiVersion] of cases) {
    t.throws(() => kinds.canonicalize(mutate(proposed, (e) => (e.apiVersion = apiVersion))), INVALID, apiVersion);
  }
});

t.test('malformed top-level entries are refused with ERR_ENTRY_INVALID', async (t) => {
  const good = signedHashedRekord(P256);
  const cases: Record<string, unknown> = {
    null: null,
    'a string': 'hashedrekord',
    'a number': 1,
    'an array': [good],
    'an empty object': {},
    'missing kind': mutate(good, (e) => delete e.kind),
    'kind null': mutate(good, (e) => (e.kind = null)),
    'kind a number': mutate(good, (e) => (e.kind = 1)),
    'missing apiVersion': mutate(good, (e) => delete e.apiVersion),
    'apiVersion a number': mutate(good, (e) => (e.apiVersion = 1)),
    'missing spec': mutate(good, (e) => delete e.spec),
    'spec null': mutate(good, (e) => (e.spec = null)),
    'an extra field': mutate(good, (e) => (e.verification = {})),
  };
  for (const [name, proposed] of Object.entries(cases)) {
    t.throws(() => kinds.canonicalize(proposed as never), INVALID, name);
  }
});

t.test('ordinary objects work as well as parseJson output, without prototype surprises', async (t) => {
  const plain = JSON.parse(JSON.stringify(signedHashedRekord(P256)));
  t.ok(kinds.canonicalize(plain));
  const sneaky = JSON.parse(JSON.stringify(signedHashedRekord(P256)));
  delete sneaky.spec.data;
  t.throws(() => kinds.canonicalize(sneaky), INVALID, 'a missing field is not found on the prototype');
  const inherited = Object.create({ kind: 'hashedrekord' });
  t.throws(() => kinds.canonicalize(inherited), INVALID, 'inherited members do not count');
});

t.test('the options are checked', async (t) => {
  const base = { enabled: ['dsse'] as EntryKindName[], algorithms: [...SIGNING_ALGORITHMS] };
  t.throws(() => createKindRegistry({ ...base, enabled: ['rekord' as EntryKindName] }), CONFIG);
  t.throws(() => createKindRegistry({ ...base, algorithms: ['rsa-sign-pss-2048-sha256' as SigningAlgorithm] }), CONFIG);
  for (const bad of [0, -1, 1.5, 101, Number.NaN]) {
    t.throws(() => createKindRegistry({ ...base, maxChain: bad }), CONFIG, `maxChain ${bad}`);
    t.throws(() => createKindRegistry({ ...base, maxVerifiers: bad }), CONFIG, `maxVerifiers ${bad}`);
    t.throws(() => createKindRegistry({ ...base, maxDsseSignatures: bad }), CONFIG, `maxDsseSignatures ${bad}`);
  }
  t.ok(createKindRegistry({ ...base, maxChain: 100, maxVerifiers: 1, maxDsseSignatures: 50 }));
  t.ok(SIGNING_ALGORITHMS.every((name) => (ALGORITHM_NAMES as readonly string[]).includes(name)), 'every configurable name is known');
});

t.test('search keys can be re-derived from any canonical body, enabled or not', async (t) => {
  const none = registry({ enabled: [] });
  for (const proposed of [signedHashedRekord(P256), dsseEntry({}), intotoEntry({})]) {
    const entry = kinds.canonicalize(viaJson(proposed));
    const keys = none.searchKeys(entry.body);
    t.ok(keys.length >= 2, proposed.kind);
    t.ok(keys.every((k) => entry.searchKeys.includes(k)), `${proposed.kind}: a subset of the original keys`);
  }
  t.same(kinds.searchKeys(canonicalJsonBytes(signedHashedRekord(P256) as never)).slice(0, 1), [sha256hex(P256.publicPem)]);
});

t.test('search keys of a malformed body are refused with ERR_ENTRY_INVALID', async (t) => {
  const dsse = JSON.parse(unb64(DSSE_PUBLIC_GOOD.body).toString());
  const intoto = JSON.parse(unb64(INTOTO_PUBLISH.body).toString());
  const bodies: Record<string, unknown> = {
    'dsse without signatures': mutate(dsse, (e) => (e.spec.signatures = [])),
    'dsse with a null signature': mutate(dsse, (e) => (e.spec.signatures = [null])),
    'dsse with a bad verifier': mutate(dsse, (e) => (e.spec.signatures[0].verifier = b64('x'))),
    'dsse with a bad signature': mutate(dsse, (e) => (e.spec.signatures[0].signature = '?')),
    'dsse with a sha512 payload hash': mutate(dsse, (e) => (e.spec.payloadHash.algorithm = 'sha512')),
    'dsse without envelope hash': mutate(dsse, (e) => delete e.spec.envelopeHash),
    'dsse with a proposedContent': mutate(dsse, (e) => (e.spec.proposedContent = {})),
    'intoto without payloadHash': mutate(intoto, (e) => delete e.spec.content.payloadHash),
    'intoto without hash': mutate(intoto, (e) => delete e.spec.content.hash),
    'intoto with a payload': mutate(intoto, (e) => (e.spec.content.envelope.payload = 'e30=')),
    'intoto without payloadType': mutate(intoto, (e) => delete e.spec.content.envelope.payloadType),
    'intoto with a bad key': mutate(intoto, (e) => (e.spec.content.envelope.signatures[0].publicKey = b64('x'))),
    'an unknown kind': mutate(dsse, (e) => (e.kind = 'rekord')),
    'not an object': [],
  };
  for (const [name, body] of Object.entries(bodies)) {
    t.throws(() => kinds.searchKeys(Buffer.from(JSON.stringify(body))), INVALID, name);
  }
  t.throws(() => kinds.searchKeys(Buffer.from('{"kind":')), INVALID, 'not json');
  t.throws(() => kinds.searchKeys(Uint8Array.of(0xff)), INVALID, 'not utf-8');
});

t.test('a body is returned as bytes that decode to the canonical text', async (t) => {
  const entry = kinds.canonicalize(viaJson(dsseEntry({})));
  t.type(entry.body, Uint8Array);
  t.match(text(entry.body), /^\{"apiVersion":"0\.0\.1","kind":"dsse","spec":\{"envelopeHash"/);
});

t.test('random structural damage to valid entries only ever gives ERR_ENTRY_INVALID', async (t) => {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const replacements: unknown[] = [null, 0, -1, 1.5, true, '', 'x', 'AAAA', [], {}, [null], { a: null }, 'Z'.repeat(5000)];
  const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
    if (typeof value !== 'object' || value === null) return [prefix];
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
  };
  const damage = (value: unknown): unknown => {
    const copy = JSON.parse(JSON.stringify(value));
    const all = paths(copy).filter((p) => p.length > 0);
    const path = all[random(all.length)] as (string | number)[];
    let parent = copy;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const last = path[path.length - 1] as string | number;
    if (random(4) === 0 && !Array.isArray(parent)) delete parent[last];
    else parent[last] = replacements[random(replacements.length)];
    return copy;
  };
  const dsse = dsseEntry({});
  const envelope = JSON.parse(dsse.spec.proposedContent.envelope);
  const samples = [signedHashedRekord(P256), dsse, intotoEntry({})];
  let refused = 0;
  for (let i = 0; i < 600; i++) {
    const base = samples[i % 3];
    let proposed = damage(base);
    if (i % 6 === 1) proposed = mutate(dsse, (e) => (e.spec.proposedContent.envelope = JSON.stringify(damage(envelope))));
    try {
      kinds.canonicalize(proposed as never);
    } catch (err) {
      refused++;
      if ((err as { code?: string }).code !== 'ERR_ENTRY_INVALID') t.fail(`unexpected ${String(err)} for ${JSON.stringify(proposed).slice(0, 200)}`);
    }
  }
  t.ok(refused > 500, `${refused} of 600 damaged entries refused`);
});
