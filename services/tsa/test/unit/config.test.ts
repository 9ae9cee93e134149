import t from 'tap';
import { loadConfig, SCHEMA } from '../../src/config.js';

const load = (env: Record<string, string> = {}, argv: string[] = [], files: Record<string, string> = {}) =>
  loadConfig({ env, argv, readFile: (p) => {
    const f = files[p];
    if (f === undefined) throw new Error(`no such file ${p}`);
    return f;
  } });

t.test('defaults follow upstream: port 3004, Sigstore policy, 1 s accuracy, 1 MiB bodies', async (t) => {
  const c = load();
  t.equal(c.port, 3004);
  t.equal(c.host, '127.0.0.1');
  t.equal(c.signer, 'file', 'nothing is generated unless asked for');
  t.equal(c.policyOid, '1.3.6.1.4.1.57264.2');
  t.same(c.acceptedPolicyOids, []);
  t.equal(c.accuracySeconds, 1);
  t.equal(c.maxRequestBytes, 1024 * 1024);
  t.equal(c.refuseOnClockFault, true);
  t.ok(Object.isFrozen(c));
  for (const [key, field] of Object.entries(SCHEMA)) {
    t.ok(field.description.length > 10, `${key} is described`);
    t.match(field.env, /^TSA_[A-Z0-9_]+$/, `${key} has an env var`);
  }
});

t.test('the file overrides defaults and the environment overrides the file', async (t) => {
  const files = { '/etc/tsa.json': JSON.stringify({ port: 4000, signer: 'ephemeral', acceptedPolicyOids: ['1.2.3'] }) };
  const c = load({ TSA_PORT: '5000' }, ['--config', '/etc/tsa.json'], files);
  t.equal(c.port, 5000);
  t.equal(c.signer, 'ephemeral');
  t.same(c.acceptedPolicyOids, ['1.2.3']);
  t.same(load({ TSA_ACCEPTED_POLICY_OIDS: '1.2.3, 1.2.4,1.2.3' }).acceptedPolicyOids, ['1.2.3', '1.2.4'], 'comma-separated, duplicates dropped');
});

t.test('bad settings are all reported at once', async (t) => {
  t.throws(() => load({ TSA_SIGNER: 'kms', TSA_POLICY_OID: '1.3.x', TSA_ACCEPTED_POLICY_OIDS: `1.3${'.1'.repeat(200)}`, TSA_ACCURACY_SECONDS: '-1' }), {
    code: 'ERR_CONFIG_INVALID',
    problems: [/TSA_SIGNER: must be one of ephemeral, file, pkcs11/, /TSA_POLICY_OID must be a dotted object identifier/, /TSA_ACCEPTED_POLICY_OIDS has more than 128 arcs/, /TSA_ACCURACY_SECONDS/],
  });
  t.throws(() => load({}, ['--config', '/etc/tsa.json'], { '/etc/tsa.json': '{"acceptedPolicyOids": 5}' }), { code: 'ERR_CONFIG_INVALID', problems: [/acceptedPolicyOids: must be a list of dotted OIDs/] });
});
