import t from 'tap';
import { buildSigningConfig, buildTrustedRoot, carryOverSigningConfig, carryOverTrustedRoot, type TrustedRootInput } from '../src/index.js';
import { caChain, p256PublicPem, tsaChain } from './helpers.js';

const day1 = new Date('2026-01-01T00:00:00Z');
const day2 = new Date('2026-01-02T00:00:00Z');

t.test('regenerating from unchanged material keeps the first start, so the output is identical', async (t) => {
  const ca = (await caChain()).pem;
  const tsa = (await tsaChain()).pem;
  const key = p256PublicPem();
  const material = (start: Date, tsaPem = tsa): TrustedRootInput => ({
    tlogs: [{ baseUrl: 'http://r', publicKey: key, start }],
    ctlogs: [],
    certificateAuthorities: [{ uri: 'http://ca', chain: ca, start }],
    timestampAuthorities: [{ uri: 'http://tsa', chain: tsaPem, start }],
  });
  const first = await buildTrustedRoot(material(day1));
  const second = carryOverTrustedRoot(first, await buildTrustedRoot(material(day2)), day2);
  t.same(second, first);
  t.equal(carryOverTrustedRoot(undefined, first, day2), first);

  const newTsa = (await tsaChain()).pem;
  const third = carryOverTrustedRoot(second, await buildTrustedRoot(material(day2, newTsa)), day2);
  t.equal(third.timestampAuthorities.length, 2, 'a replaced TSA stays, ended');
  t.same(third.timestampAuthorities[0]!.validFor, { start: '2026-01-02T00:00:00Z' }, 'the new one starts now');
  t.same(third.timestampAuthorities[1]!.validFor, { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' }, 'the old one ends now');
  t.same(third.tlogs, first.tlogs, 'the rest is unchanged');
  const fourth = carryOverTrustedRoot(third, await buildTrustedRoot(material(new Date('2026-01-03T00:00:00Z'), newTsa)), new Date('2026-01-03T00:00:00Z'));
  t.same(fourth, third, 'an ended entry keeps its end');
  const dropped = carryOverTrustedRoot(first, await buildTrustedRoot(material(day1, newTsa)), day1);
  t.equal(dropped.timestampAuthorities.length, 1, 'an entry that would end at its start is dropped');
});

t.test('signing-config services keep their start while their URL stays', async (t) => {
  const config = (start: Date, ca = 'http://ca') => buildSigningConfig({ ca: [{ url: ca, start, operator: 'x' }], oidc: [], rekor: [{ url: 'http://r', start, operator: 'x' }], tsa: [] });
  const first = config(day1);
  t.same(carryOverSigningConfig(first, config(day2)), first);
  const moved = carryOverSigningConfig(first, config(day2, 'http://ca2'));
  t.same(moved.caUrls, [{ url: 'http://ca2', majorApiVersion: 1, validFor: { start: '2026-01-02T00:00:00Z' }, operator: 'x' }]);
  t.same(moved.rekorTlogUrls, first.rekorTlogUrls);
  t.equal(carryOverSigningConfig(undefined, first), first);
});
