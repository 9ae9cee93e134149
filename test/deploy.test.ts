// The deployment files (docker-compose.yml, deploy/) against the services' config schemas. No Docker
// engine runs here: Compose files are validated by `docker-compose config` (Debian's docker-compose,
// a test dependency installed by .ci/run) and then checked setting by setting; the Kubernetes
// manifests are checked the same way. The checkers are fed broken copies too, so that a typo in a
// variable name, a port or a mount cannot pass.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkCompose } from './deploy/compose.js';
import { composeConfig, loadKustomization } from './deploy/files.js';
import { checkKubernetes } from './deploy/kubernetes.js';
import type { Manifest } from './deploy/kubernetes.js';
import { loadSchemas } from './deploy/schemas.js';
import { loadP256LogKey } from '@sigstack/service-kit';

const ROOT = resolve(import.meta.dirname, '..');
const DEV = resolve(ROOT, 'docker-compose.yml');
const PROD = resolve(ROOT, 'deploy', 'compose.production.yml');
const K8S = resolve(ROOT, 'deploy', 'kubernetes');
const DEV_OPTIONS = { file: 'docker-compose.yml', bindAddress: '127.0.0.1', production: false };
const PROD_OPTIONS = { file: 'deploy/compose.production.yml', bindAddress: '127.0.0.1', production: true };

const schemas = await loadSchemas(ROOT);
const dev = composeConfig([DEV]);
const prod = composeConfig([PROD]);
const k8s = loadKustomization(K8S);

type Obj = Record<string, any>;
type UpService = { name: string; packageName: string; bin: string; port: number; env: Record<string, string> };
/** Settings that differ from `sigstack up` because the service fetches them inside the compose network. */
const IN_NETWORK: Record<string, string> = {
  FULCIO_CT_LOG_URL: 'http://ctlog:6962',
};
/** Set by compose only: where a service fetches another inside the network (sigstack up fetches at the public URLs). */
const FETCH_URL = /^(TRUST_[A-Z]+_FETCH_URL|FULCIO_DEV_ISSUER_FETCH_URL)$/;
const clone = <T>(value: T): T => structuredClone(value);
const service = (doc: unknown, name: string): Obj => (doc as Obj).services[name] as Obj;
/** The manifest of `kind`/`name`, in a deep copy of the manifests that the caller may break. */
function k8sCopy(): { manifests: Manifest[]; find(kind: string, name: string): Obj } {
  const manifests = clone(k8s.manifests);
  return {
    manifests,
    find(kind, name) {
      const m = manifests.find((x) => x.doc.kind === kind && (x.doc.metadata as Obj).name === name);
      if (m === undefined) throw new Error(`no ${kind}/${name}`);
      return m.doc as Obj;
    },
  };
}
const podSpec = (w: Obj): Obj => w.spec.template.spec as Obj;
const container = (w: Obj): Obj => podSpec(w).containers[0] as Obj;
const setEnv = (c: Obj, name: string, value: string) => {
  const e = (c.env as Obj[]).find((x) => x.name === name);
  if (e) e.value = value;
  else (c.env as Obj[]).push({ name, value });
};

t.test('docker-compose config accepts docker-compose.yml without warnings', async (t) => {
  t.equal(dev.stderr.trim(), '');
  t.same(Object.keys((dev.doc as Obj).services as Obj).sort(), ['ca-roots', 'ctlog', 'dev-oidc', 'fulcio', 'rekor', 'trust', 'tsa']);
});

t.test('docker-compose config accepts deploy/compose.production.yml without warnings', async (t) => {
  t.equal(prod.stderr.trim(), '');
  t.same(Object.keys((prod.doc as Obj).services as Obj).sort(), ['ctlog', 'fulcio', 'rekor', 'trust', 'tsa'], 'no dev issuer');
});

t.test('every setting, port, path and health check of docker-compose.yml fits the config schemas', async (t) => {
  t.same(checkCompose(dev.doc, schemas, DEV_OPTIONS), []);
});

t.test('deploy/compose.production.yml fits the config schemas and mounts keys read-only without dev modes', async (t) => {
  t.same(checkCompose(prod.doc, schemas, PROD_OPTIONS), []);
  const volumes = (service(prod.doc, 'fulcio').volumes as string[]).filter((v) => v.includes('/etc/sigstack/keys/'));
  t.ok(volumes.length >= 2 && volumes.every((v) => v.endsWith(':ro')), 'the CA key and its password are bind-mounted read-only');
});

t.test('docker-compose.yml runs the stack of sigstack up (npm start) with the same settings', async (t) => {
  const plan = (await import(pathToFileURL(resolve(ROOT, 'packages/cli/dist/up/plan.js')).href)) as {
    stackPlan(settings: unknown): { core: UpService[]; trust: UpService };
  };
  const { DEFAULT_PORTS } = (await import(pathToFileURL(resolve(ROOT, 'packages/cli/dist/up/settings.js')).href)) as { DEFAULT_PORTS: Record<string, number> };
  const { core, trust } = plan.stackPlan({ host: '127.0.0.1', urlHost: '127.0.0.1', ports: DEFAULT_PORTS, dataDir: '/data', timeoutMs: 60_000 });
  const services = Object.values((dev.doc as Obj).services as Obj);
  for (const spec of [...core, trust]) {
    // The script a package's bin runs, relative to the repository: what the compose command names.
    const dir = realpathSync(resolve(ROOT, 'node_modules', spec.packageName));
    const bin = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin[spec.bin] as string;
    const script = relative(ROOT, resolve(dir, bin));
    const svc = services.find((s) => (s.command as string[])[0] === script);
    if (svc === undefined) {
      t.fail(`no compose service runs ${script} (${spec.name})`);
      continue;
    }
    t.same(svc.ports, [`127.0.0.1:${spec.port}:${spec.port}/tcp`], `${spec.name} is published on 127.0.0.1:${spec.port}`);
    const env = svc.environment as Record<string, string>;
    for (const [name, value] of Object.entries(spec.env)) {
      // Differences a container needs: bind address, paths in volumes, URLs fetched inside the network.
      if (/_HOST$/.test(name)) t.equal(env[name], '0.0.0.0', name);
      else if (/_(DIR|FILE)$/.test(name)) t.ok(env[name]?.startsWith('/var/lib/sigstack/'), `${name} is in a volume`);
      else if (name in IN_NETWORK) t.equal(env[name], IN_NETWORK[name], name);
      else t.equal(env[name], value, `${name} as sigstack up sets it`);
    }
    const extra = Object.keys(env).filter((name) => !(name in spec.env) && !FETCH_URL.test(name));
    t.same(extra, [], `${spec.name}: nothing set that sigstack up does not set, besides the fetch URLs`);
  }
});

t.test('the CA trusts the dev issuer at the iss of sigstack up and fetches it at the dev-oidc service', async (t) => {
  const oidc = service(dev.doc, 'dev-oidc').environment as Record<string, string>;
  const fulcio = service(dev.doc, 'fulcio').environment as Record<string, string>;
  t.equal(oidc.DEV_OIDC_ISSUER, 'http://127.0.0.1:5556', 'tokens and certificates name the issuer as with npm start');
  t.equal(fulcio.FULCIO_DEV_ISSUER_URL, oidc.DEV_OIDC_ISSUER, 'the CA trusts exactly that iss');
  t.equal(fulcio.FULCIO_DEV_ISSUER_FETCH_URL, `http://dev-oidc:${oidc.DEV_OIDC_PORT}`, 'and fetches discovery and keys from the dev-oidc service on its port');
});

t.test('the Kubernetes manifests fit the config schemas and the production rules', async (t) => {
  t.same(checkKubernetes(k8s.manifests, k8s.generated, schemas), []);
});

t.test('the kustomization lists every manifest of deploy/kubernetes', async (t) => {
  const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  t.same([...new Set(k8s.manifests.map((m) => m.file))].sort(), files.sort());
});

t.test('every file the kustomization generates from is committed, or is a key, chain or repository the operator adds', async (t) => {
  const sources = ['configMapGenerator', 'secretGenerator'].flatMap((field) =>
    (((k8s.kustomization as Obj)[field] ?? []) as Obj[]).flatMap((g) => (g.files as string[]).map((f) => f.split('=').pop() as string)));
  t.ok(sources.length >= 10);
  for (const file of sources) {
    // deploy/.gitignore keeps these out of the repository: private keys and deployment-specific material.
    const operator = /^secrets\//.test(file) || /^config\/[^/]+\.(pem|tar\.gz)$/.test(file);
    t.ok(operator || existsSync(resolve(K8S, file)), `${file} is ${operator ? 'added by the operator' : 'committed'}`);
  }
  const ignored = readFileSync(resolve(ROOT, 'deploy', '.gitignore'), 'utf8').split('\n');
  for (const entry of ['kubernetes/secrets/', 'kubernetes/config/*.pem', 'kubernetes/config/*.tar.gz', 'secrets/']) t.ok(ignored.includes(entry), `deploy/.gitignore has ${entry}`);
});

t.test('the example issuer configurations parse with the CA\'s own parser', async (t) => {
  const { parseIssuerConfig } = (await import(pathToFileURL(resolve(ROOT, 'services/fulcio/dist/identity/index.js')).href)) as {
    parseIssuerConfig(text: string, options: { source: string }): { oidcIssuers: Record<string, unknown> };
  };
  for (const file of ['deploy/config/fulcio-issuers.example.yaml', 'deploy/kubernetes/config/fulcio-issuers.yaml']) {
    const config = parseIssuerConfig(readFileSync(resolve(ROOT, file), 'utf8'), { source: file });
    t.ok(Object.keys(config.oidcIssuers).length > 0, `${file} names issuers`);
  }
});

t.test('the Dockerfile builds on Node 20 bookworm-slim in stages and runs as a non-root user', async (t) => {
  const dockerfile = readFileSync(resolve(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  t.match(dockerfile, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  t.equal([...dockerfile.matchAll(/^FROM \$\{NODE_IMAGE\} AS (\w+)$/gm)].length, 2, 'a build stage and a runtime stage');
  t.match(dockerfile, /^USER 10001:10001$/m);
  t.match(dockerfile, /^HEALTHCHECK .*deploy\/docker\/healthcheck\.mjs/m);
  for (const m of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) t.ok(existsSync(resolve(ROOT, m[1] as string)), `COPY source ${m[1]} exists`);
  const ignored = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n');
  for (const entry of ['**/node_modules', '**/dist', 'data', 'deploy/secrets', '**/*.pem']) t.ok(ignored.includes(entry), `.dockerignore has ${entry}`);
});

t.test('every script the deployment files run exists in the repository', async (t) => {
  const scripts = new Set<string>();
  for (const doc of [dev.doc, prod.doc]) {
    for (const s of Object.values((doc as Obj).services as Obj)) {
      scripts.add((s.command as string[])[0] as string);
      const test = (s.healthcheck?.test ?? []) as string[];
      if (test.includes('node')) scripts.add(test[test.indexOf('node') + 1] as string);
    }
  }
  for (const m of k8s.manifests) for (const c of (m.doc as Obj).spec?.template?.spec?.containers ?? []) scripts.add((c.args as string[])[0] as string);
  for (const script of scripts) {
    const source = script.replace(/\/dist\/(.*)\.js$/, '/src/$1.ts');
    t.ok(existsSync(resolve(ROOT, source)), `${script} comes from ${source}`);
  }
});

// --- the checkers catch mistakes ---

t.test('the Compose checker reports a misspelled variable and an invalid value', async (t) => {
  const doc = clone(dev.doc);
  service(doc, 'rekor').environment.REKOR_DATA_DIRR = '/var/lib/sigstack/rekor';
  service(doc, 'fulcio').environment.FULCIO_DEV_MODE = 'yes';
  const problems = checkCompose(doc, schemas, DEV_OPTIONS);
  t.ok(problems.some((p) => p.includes('services.rekor') && p.includes('REKOR_DATA_DIRR is not a setting of rekor')), problems.join('\n'));
  t.ok(problems.some((p) => p.includes('services.fulcio') && p.includes('FULCIO_DEV_MODE')), problems.join('\n'));
});

t.test('the Compose checker reports a port, a health check or a bind address that does not match the service', async (t) => {
  const doc = clone(dev.doc);
  service(doc, 'rekor').environment.REKOR_PORT = '3001';
  service(doc, 'tsa').healthcheck.test = ['CMD', 'node', 'deploy/docker/healthcheck.mjs', '3005'];
  service(doc, 'ctlog').ports = ['0.0.0.0:6962:6962/tcp'];
  service(doc, 'fulcio').environment.FULCIO_HOST = '127.0.0.1';
  const problems = checkCompose(doc, schemas, DEV_OPTIONS).join('\n');
  t.match(problems, /services\.rekor: declares port 3000 but rekor listens on 3001/);
  t.match(problems, /services\.tsa: healthcheck asks port 3005 but tsa listens on 3004/);
  t.match(problems, /services\.ctlog: port 6962 is published on "0\.0\.0\.0", not 127\.0\.0\.1/);
  t.match(problems, /services\.fulcio: FULCIO_HOST is "127\.0\.0\.1": in a container the service must listen on 0\.0\.0\.0/);
});

t.test('the Compose checker reports paths off the volumes and keys on writable mounts', async (t) => {
  const doc = clone(dev.doc);
  delete service(doc, 'rekor').environment.REKOR_DATA_DIR;
  service(doc, 'ctlog').volumes = service(doc, 'ctlog').volumes.map((v: string) => v.replace(':ro', ':rw'));
  service(doc, 'tsa').environment.TSA_DATA_DIR = '/tmp/tsa';
  const p = clone(prod.doc);
  service(p, 'rekor').volumes = service(p, 'rekor').volumes.map((v: string) => v.replace('rekor-key.pem:ro', 'rekor-key.pem:rw'));
  service(p, 'tsa').environment.TSA_CERT_CHAIN_FILE = '/etc/sigstack/tsa-chain.pem';
  const problems = [...checkCompose(doc, schemas, DEV_OPTIONS), ...checkCompose(p, schemas, PROD_OPTIONS)].join('\n');
  t.match(problems, /services\.rekor: REKOR_DATA_DIR=\.\/data\/rekor: \/app\/data\/rekor is on the read-only image filesystem/);
  t.match(problems, /services\.ctlog: CTLOG_ROOTS_FILE=\S+: read-only input under \/var\/lib\/sigstack\/ca-roots, which is mounted writable/);
  t.match(problems, /services\.tsa: TSA_DATA_DIR=\/tmp\/tsa: tsa keeps state there but \/tmp is a tmpfs/);
  t.match(problems, /services\.rekor: REKOR_KEY_FILE=\S+: secret under \S+, which is not mounted read-only/);
  t.match(problems, /services\.tsa: TSA_CERT_CHAIN_FILE=\/etc\/sigstack\/tsa-chain\.pem is not under any mount/);
});

t.test('the Compose checker reports URLs a container cannot reach and an issuer the CA would not trust', async (t) => {
  const doc = clone(dev.doc);
  service(doc, 'fulcio').environment.FULCIO_CT_LOG_URL = 'http://127.0.0.1:6962';
  service(doc, 'trust').environment.TRUST_REKOR_FETCH_URL = 'http://rekor:3001';
  delete service(doc, 'trust').environment.TRUST_TSA_FETCH_URL;
  service(doc, 'trust').environment.TRUST_CTLOG_URL = 'http://127.0.0.1:3000';
  service(doc, 'dev-oidc').environment.DEV_OIDC_ISSUER = 'http://dev-oidc:5556';
  const problems = checkCompose(doc, schemas, DEV_OPTIONS).join('\n');
  t.match(problems, /services\.fulcio: FULCIO_CT_LOG_URL=http:\/\/127\.0\.0\.1:6962: fulcio fetches it from inside its container/);
  t.match(problems, /services\.trust: TRUST_REKOR_FETCH_URL=http:\/\/rekor:3001: rekor listens on 3000/);
  t.match(problems, /services\.trust: TRUST_TSA_URL=http:\/\/127\.0\.0\.1:3004: trust fetches it from inside its container/);
  t.match(problems, /services\.trust: TRUST_CTLOG_URL=http:\/\/127\.0\.0\.1:3000: port 3000 is published by rekor, not by the ctlog service/);
  t.match(problems, /services\.fulcio: FULCIO_DEV_ISSUER_URL=http:\/\/127\.0\.0\.1:5556 differs from the dev issuer's iss http:\/\/dev-oidc:5556/);
});

t.test('the Compose checker reports a dev issuer fetch URL that misses the dev-oidc service or its port', async (t) => {
  for (const [value, problem] of [
    [undefined, /services\.fulcio: FULCIO_DEV_ISSUER_URL=http:\/\/127\.0\.0\.1:5556: fulcio fetches it from inside its container/],
    ['http://127.0.0.1:5556', /services\.fulcio: FULCIO_DEV_ISSUER_FETCH_URL=http:\/\/127\.0\.0\.1:5556: fulcio fetches it from inside its container/],
    ['http://dev-oidc:5557', /services\.fulcio: FULCIO_DEV_ISSUER_FETCH_URL=http:\/\/dev-oidc:5557: dev-oidc listens on 5556/],
    ['http://rekor:5556', /services\.fulcio: FULCIO_DEV_ISSUER_FETCH_URL=http:\/\/rekor:5556 leads to rekor, not to the dev-oidc service dev-oidc/],
    ['http://dev-oidcc:5556', /services\.fulcio: FULCIO_DEV_ISSUER_FETCH_URL=http:\/\/dev-oidcc:5556: dev-oidcc is no service of this file/],
  ] as const) {
    const doc = clone(dev.doc);
    if (value === undefined) delete service(doc, 'fulcio').environment.FULCIO_DEV_ISSUER_FETCH_URL;
    else service(doc, 'fulcio').environment.FULCIO_DEV_ISSUER_FETCH_URL = value;
    t.match(checkCompose(doc, schemas, DEV_OPTIONS).join('\n'), problem, String(value));
  }
});

t.test('the Compose checker reports missing hardening and start order without health conditions', async (t) => {
  const doc = clone(dev.doc);
  delete service(doc, 'rekor').read_only;
  service(doc, 'tsa').user = 'root';
  service(doc, 'trust').depends_on.rekor = { condition: 'service_started' };
  service(doc, 'ctlog').depends_on['ca-roots'] = { condition: 'service_healthy' };
  const p = clone(prod.doc);
  service(p, 'fulcio').environment.FULCIO_CA_BACKEND = 'ephemeral';
  service(p, 'fulcio').environment.FULCIO_DATA_DIR = '/var/lib/sigstack/fulcio';
  service(p, 'fulcio').volumes.push('ctlog-data:/var/lib/sigstack/fulcio:rw');
  service(p, 'rekor').environment.REKOR_PUBLIC_URL = 'http://rekor.example.com';
  service(p, 'fulcio').environment.FULCIO_DEV_ISSUER_FETCH_URL = 'http://dev-oidc:5556';
  const problems = [...checkCompose(doc, schemas, DEV_OPTIONS), ...checkCompose(p, schemas, PROD_OPTIONS)].join('\n');
  t.match(problems, /services\.rekor: read_only must be true/);
  t.match(problems, /services\.tsa: user must be a non-root uid/);
  t.match(problems, /services\.trust: depends on rekor with condition "service_started"; want service_healthy/);
  t.match(problems, /services\.ctlog: depends on ca-roots with condition "service_healthy"; want service_completed_successfully/);
  t.match(problems, /compose\.production\.yml services\.fulcio: FULCIO_CA_BACKEND is ephemeral in production/);
  t.match(problems, /compose\.production\.yml services\.rekor: REKOR_PUBLIC_URL=http:\/\/rekor\.example\.com: clients need an https URL/);
  t.match(problems, /compose\.production\.yml services\.fulcio: FULCIO_DEV_ISSUER_FETCH_URL is set in production/);
});

t.test('the Kubernetes checker reports a misspelled variable, a wrong port and probes that miss /healthz', async (t) => {
  const k = k8sCopy();
  setEnv(container(k.find('StatefulSet', 'rekor')), 'REKOR_PUBLIC_ULR', 'https://rekor.example.com');
  container(k.find('Deployment', 'tsa')).readinessProbe.httpGet.path = '/health';
  setEnv(container(k.find('Deployment', 'trust')), 'TRUST_PORT', '8082');
  k.find('Service', 'fulcio').spec.ports[0].targetPort = 'https';
  const problems = checkKubernetes(k.manifests, k8s.generated, schemas).join('\n');
  t.match(problems, /StatefulSet\/rekor containers\.rekor: REKOR_PUBLIC_ULR is not a setting of rekor/);
  t.match(problems, /Deployment\/tsa containers\.tsa: readinessProbe asks "\/health", not \/healthz/);
  t.match(problems, /Deployment\/trust containers\.trust: declares port 8081 but trust listens on 8082/);
  t.match(problems, /Deployment\/trust containers\.trust: livenessProbe asks port 8081 but trust listens on 8082/);
  t.match(problems, /Service\/fulcio: targetPort https is no container port of Deployment\/fulcio/);
});

t.test('the Kubernetes checker reports keys outside read-only Secret mounts and files the volumes do not hold', async (t) => {
  const k = k8sCopy();
  const fulcio = k.find('Deployment', 'fulcio');
  (container(fulcio).volumeMounts as Obj[]).find((m) => m.name === 'keys')!.readOnly = false;
  setEnv(container(fulcio), 'FULCIO_CA_CHAIN_FILE', '/etc/sigstack/certificates/ca-chain.crt');
  const tsa = k.find('Deployment', 'tsa');
  setEnv(container(tsa), 'TSA_KEY_FILE', '/etc/sigstack/certificates/tsa-key.pem');
  const ctlog = k.find('StatefulSet', 'ctlog');
  (podSpec(ctlog).volumes as Obj[]).find((v) => v.name === 'keys')!.secret.items[0].key = 'key.pem';
  const problems = checkKubernetes(k.manifests, k8s.generated, schemas).join('\n');
  t.match(problems, /Deployment\/fulcio containers\.fulcio: FULCIO_CA_KEY_FILE=\S+: secret under \/etc\/sigstack\/keys, which is not mounted read-only/);
  t.match(problems, /Deployment\/fulcio containers\.fulcio: FULCIO_CA_CHAIN_FILE=\S+: the configMap sigstack-certificates mounted at \/etc\/sigstack\/certificates holds ca-chain\.pem, not ca-chain\.crt/);
  t.match(problems, /Deployment\/tsa containers\.tsa: TSA_KEY_FILE=\S+: secret under \/etc\/sigstack\/certificates, a configMap mount/);
  t.match(problems, /StatefulSet\/ctlog containers\.ctlog: volume keys wants key key\.pem of secret sigstack-ctlog-key/);
});

t.test('the Kubernetes checker reports a CA that cannot scale and a log with more than one writer', async (t) => {
  const k = k8sCopy();
  k.find('Deployment', 'fulcio').spec.replicas = 1;
  k.find('HorizontalPodAutoscaler', 'fulcio').spec.minReplicas = 1;
  k.find('StatefulSet', 'rekor').spec.replicas = 2;
  const ctlog = k.find('StatefulSet', 'ctlog');
  ctlog.kind = 'Deployment';
  const problems = checkKubernetes(k.manifests, k8s.generated, schemas).join('\n');
  t.match(problems, /Deployment\/fulcio: the fulcio needs at least 2 replicas, not 1/);
  t.match(problems, /HorizontalPodAutoscaler\/fulcio: needs minReplicas ≥ 2/);
  t.match(problems, /StatefulSet\/rekor: the rekor log writer must have exactly 1 replica, not 2/);
  t.match(problems, /Deployment\/ctlog: the ctlog log writer must be a StatefulSet/);
  t.match(problems, /Deployment\/ctlog: the ctlog data directory must be a PersistentVolumeClaim/);
});

t.test('the Kubernetes checker reports missing resources, hardening, dev modes and in-cluster URLs that lead nowhere', async (t) => {
  const k = k8sCopy();
  const fulcio = container(k.find('Deployment', 'fulcio'));
  delete fulcio.resources.requests.memory;
  fulcio.securityContext.readOnlyRootFilesystem = false;
  setEnv(fulcio, 'FULCIO_CT_LOG_URL', 'http://rekor:3000');
  setEnv(container(k.find('StatefulSet', 'rekor')), 'REKOR_DEV_MODE', 'true');
  setEnv(container(k.find('Deployment', 'tsa')), 'TSA_CERT_CHAIN_FILE', '');
  (container(k.find('Deployment', 'tsa')).env as Obj[]).push({ name: 'TSA_KEY_PASSWORD', valueFrom: { secretKeyRef: { name: 'x', key: 'y' } } });
  const problems = checkKubernetes(k.manifests, k8s.generated, schemas).join('\n');
  t.match(problems, /Deployment\/fulcio containers\.fulcio: needs resources\.requests\.cpu and \.memory/);
  t.match(problems, /Deployment\/fulcio containers\.fulcio: securityContext\.readOnlyRootFilesystem must be true/);
  t.match(problems, /Deployment\/fulcio: FULCIO_CT_LOG_URL=http:\/\/rekor:3000 leads to rekor, not to the ctlog/);
  t.match(problems, /StatefulSet\/rekor containers\.rekor: REKOR_DEV_MODE is true in production/);
  t.match(problems, /Deployment\/tsa containers\.tsa: TSA_KEY_PASSWORD comes from valueFrom/);
});

// --- the container scripts ---

/** Runs a script of deploy/ (path relative to it) with a minimal environment. */
async function run(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [resolve(ROOT, 'deploy', script), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  return { code, stderr };
}

async function serve(t: Test, handler: (path: string) => [number, string]): Promise<number> {
  const server = createServer((req, res) => {
    const [status, body] = handler(req.url ?? '');
    res.writeHead(status).end(body);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  t.teardown(() => new Promise<void>((res) => server.close(() => res())));
  return (server.address() as AddressInfo).port;
}

t.test('the health check script exits 0 only when /healthz answers 200 on the given or configured port', async (t) => {
  let status = 200;
  const port = await serve(t, (path) => (path === '/healthz' ? [status, '{}'] : [404, '']));
  t.equal((await run('docker/healthcheck.mjs', [String(port)])).code, 0);
  t.equal((await run('docker/healthcheck.mjs', [], { REKOR_PORT: String(port) })).code, 0);
  status = 503;
  t.equal((await run('docker/healthcheck.mjs', [String(port)])).code, 1);
  const none = await run('docker/healthcheck.mjs', []);
  t.equal(none.code, 1);
  t.match(none.stderr, /pass the port/);
});

t.test('the ca-roots script writes the CA chain it fetches and refuses an answer that is not PEM', async (t) => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const good = await serve(t, (path) => (path === '/api/v1/rootCert' ? [200, pem] : [404, '']));
  const dir = t.testdir();
  const out = join(dir, 'roots.pem');
  t.equal((await run('docker/ca-roots.mjs', [`http://127.0.0.1:${good}`, out])).code, 0);
  t.equal(readFileSync(out, 'utf8'), pem);
  t.notOk(existsSync(`${out}.tmp`), 'no temporary file is left');
  const bad = await serve(t, () => [200, '<html>not a chain</html>']);
  const refused = await run('docker/ca-roots.mjs', [`http://127.0.0.1:${bad}`, join(dir, 'other.pem'), '1']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /answer is not a PEM certificate chain/);
  t.notOk(existsSync(join(dir, 'other.pem')));
  t.equal((await run('docker/ca-roots.mjs', [])).code, 2);
});

t.test('generate-key writes an encrypted P-256 key with its password file that the logs load, and never overwrites it', async (t) => {
  const dir = t.testdir();
  t.equal((await run('scripts/generate-key.mjs', [dir, 'rekor-key'])).code, 0);
  const keyFile = join(dir, 'rekor-key.pem');
  t.match(readFileSync(keyFile, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  t.equal(statSync(keyFile).mode & 0o777, 0o600);
  t.equal(statSync(join(dir, 'rekor-key.password')).mode & 0o777, 0o600);
  const key = loadP256LogKey({ keyFile, keyPasswordFile: join(dir, 'rekor-key.password'), devMode: false, dataDir: dir });
  t.equal(key.publicKeyPem.replace(/\s/g, ''), readFileSync(join(dir, 'rekor-key.pub.pem'), 'utf8').replace(/\s/g, ''));
  const before = readFileSync(keyFile, 'utf8');
  const again = await run('scripts/generate-key.mjs', [dir, 'rekor-key']);
  t.equal(again.code, 1);
  t.match(again.stderr, /exists; not overwriting a key/);
  t.equal(readFileSync(keyFile, 'utf8'), before);
});
