/**
 * Checks the Kubernetes manifests of a kustomization (its resources and the ConfigMaps and Secrets
 * its generators make) against the services' config schemas: the container rules of ./container.ts
 * plus what a production cluster needs (probes, resources, hardening, Secrets for keys, one log
 * writer per log, a scalable CA, Services that lead somewhere).
 */
import { posix } from 'node:path';
import { checkContainer, fetchedUrls, productionProblems } from './container.js';
import type { Container, Mount, MountKind, Probe, ServiceContainer } from './container.js';
import type { Schemas } from './schemas.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A Kubernetes object as parsed from YAML, with the file it came from. */
export type Manifest = { file: string; doc: Obj };

/** ConfigMaps and Secrets (made by generators or listed as resources): name → keys. */
export type DataObjects = { configMaps: Map<string, string[]>; secrets: Map<string, string[]> };

/** Services that write a log: exactly one writer each. */
export const LOG_WRITERS = ['rekor', 'ctlog'];
/** The CA: horizontally scaled. */
export const SCALED = ['fulcio'];

/** The ConfigMaps and Secrets a kustomization's generators make, with the keys they hold. */
export function generatedObjects(kustomization: unknown): DataObjects {
  const out: DataObjects = { configMaps: new Map(), secrets: new Map() };
  const k = obj(kustomization);
  for (const [field, into] of [['configMapGenerator', out.configMaps], ['secretGenerator', out.secrets]] as const) {
    for (const gen of list(k[field])) {
      const g = obj(gen);
      const keys = list(g.files).map((f) => {
        const s = str(f);
        return s.includes('=') ? (s.split('=')[0] as string) : posix.basename(s);
      });
      for (const lit of list(g.literals)) keys.push(str(lit).split('=')[0] as string);
      into.set(str(g.name), keys);
    }
  }
  return out;
}

type Workload = { m: Manifest; kind: string; name: string; replicas: number | undefined; labels: Obj; containers: { c: Container; raw: Obj; init: boolean }[]; claimTemplates: string[]; podSecurity: Obj };

function volumeMounts(raw: Obj, volumes: Map<string, Obj>, claims: readonly string[], data: DataObjects, at: (msg: string) => void): Mount[] {
  const mounts: Mount[] = [];
  for (const vm of list(raw.volumeMounts)) {
    const m = obj(vm);
    const name = str(m.name);
    const readOnly = m.readOnly === true;
    const path = str(m.mountPath);
    if (claims.includes(name)) {
      mounts.push({ path, readOnly, kind: 'pvc', source: name });
      continue;
    }
    const v = volumes.get(name);
    if (v === undefined) {
      at(`mounts volume ${name}, which the pod does not declare`);
      continue;
    }
    let kind: MountKind = 'other';
    let source = name;
    let files: string[] | undefined;
    for (const [field, k, store] of [['secret', 'secret', data.secrets], ['configMap', 'configMap', data.configMaps]] as const) {
      if (!isObj(v[field])) continue;
      kind = k;
      const ref = obj(v[field]);
      source = str(field === 'secret' ? ref.secretName : ref.name);
      const keys = store.get(source);
      if (keys === undefined) at(`volume ${name} uses the ${field} ${source}, which neither the kustomization nor the manifests make`);
      const items = list(ref.items).map(obj);
      for (const item of items) if (keys !== undefined && !keys.includes(str(item.key))) at(`volume ${name} wants key ${str(item.key)} of ${field} ${source}, which holds ${keys.join(', ')}`);
      files = items.length > 0 ? items.map((i) => str(i.path)) : keys ?? [];
    }
    if (isObj(v.emptyDir)) kind = obj(v.emptyDir).medium === 'Memory' ? 'tmpfs' : 'emptyDir';
    if (isObj(v.persistentVolumeClaim)) kind = 'pvc';
    mounts.push({ path, readOnly, kind, source, ...(files ? { files } : {}) });
  }
  return mounts;
}

function probesOf(raw: Obj, named: Map<string, number>, at: (msg: string) => void): Probe[] {
  const probes: Probe[] = [];
  for (const what of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const p = raw[what];
    if (p === undefined) {
      if (what !== 'startupProbe') at(`has no ${what}`);
      continue;
    }
    const get = obj(obj(p).httpGet);
    const port = typeof get.port === 'number' ? get.port : named.get(str(get.port));
    probes.push({ what, path: str(get.path), port });
  }
  return probes;
}

function workloads(manifests: readonly Manifest[], data: DataObjects, problems: string[]): Workload[] {
  const out: Workload[] = [];
  for (const m of manifests) {
    const kind = str(m.doc.kind);
    if (kind !== 'Deployment' && kind !== 'StatefulSet') {
      if (['DaemonSet', 'Pod', 'ReplicaSet', 'Job', 'CronJob'].includes(kind)) problems.push(`${m.file}: ${kind} is not checked by this test: use a Deployment or a StatefulSet`);
      continue;
    }
    const name = str(obj(m.doc.metadata).name);
    const spec = obj(m.doc.spec);
    const template = obj(spec.template);
    const pod = obj(template.spec);
    const volumes = new Map(list(pod.volumes).map((v) => [str(obj(v).name), obj(v)] as const));
    // Only a StatefulSet makes claims from templates; elsewhere the field is not part of the API.
    const claimTemplates = kind !== 'StatefulSet' ? [] : list(spec.volumeClaimTemplates).map((t) => str(obj(obj(t).metadata).name));
    const w: Workload = { m, kind, name, replicas: typeof spec.replicas === 'number' ? spec.replicas : undefined, labels: obj(obj(template.metadata).labels), containers: [], claimTemplates, podSecurity: obj(pod.securityContext) };
    for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
      for (const rc of list(pod[field])) {
        const raw = obj(rc);
        const where = `${m.file} ${kind}/${name} ${field}.${str(raw.name)}`;
        const at = (msg: string) => problems.push(`${where}: ${msg}`);
        const command = list(raw.command).map(String);
        const args = list(raw.args).map(String);
        const tool = init || (command.length > 0 && command[0] !== 'node');
        const script = tool ? (command[0] ?? args[0] ?? '') : command.length > 0 ? (command[1] ?? '') : (args[0] ?? '');
        const env: Record<string, string> = {};
        for (const e of list(raw.env)) {
          const item = obj(e);
          if (item.valueFrom !== undefined) at(`${str(item.name)} comes from valueFrom: secrets are files on read-only mounts, settings are literal values`);
          env[str(item.name)] = typeof item.value === 'string' ? item.value : String(item.value ?? '');
        }
        const named = new Map<string, number>();
        const ports: number[] = [];
        for (const p of list(raw.ports)) {
          const port = obj(p);
          ports.push(Number(port.containerPort));
          if (port.name !== undefined) named.set(str(port.name), Number(port.containerPort));
        }
        const mounts = volumeMounts(raw, volumes, claimTemplates, data, at);
        const probes = tool ? [] : probesOf(raw, named, at);
        w.containers.push({ c: { where, script, env, mounts, ports, probes, tool }, raw, init });
      }
    }
    out.push(w);
  }
  return out;
}

function hardening(w: Workload, raw: Obj, at: (msg: string) => void): void {
  const res = obj(raw.resources);
  const requests = obj(res.requests);
  if (requests.cpu === undefined || requests.memory === undefined) at('needs resources.requests.cpu and .memory');
  if (obj(res.limits).memory === undefined) at('needs resources.limits.memory');
  const sc = obj(raw.securityContext);
  if (sc.readOnlyRootFilesystem !== true) at('securityContext.readOnlyRootFilesystem must be true');
  if (sc.allowPrivilegeEscalation !== false) at('securityContext.allowPrivilegeEscalation must be false');
  if (!list(obj(sc.capabilities).drop).includes('ALL')) at('securityContext.capabilities.drop must include ALL');
  const nonRoot = sc.runAsNonRoot ?? w.podSecurity.runAsNonRoot;
  const uid = sc.runAsUser ?? w.podSecurity.runAsUser;
  if (nonRoot !== true || typeof uid !== 'number' || uid === 0) at('must run as a non-root uid (runAsNonRoot: true and runAsUser)');
}

/** Problems of a set of manifests (an empty list when they are right). */
export function checkKubernetes(manifests: readonly Manifest[], generated: DataObjects, schemas: Schemas): string[] {
  const problems: string[] = [];
  const data: DataObjects = { configMaps: new Map(generated.configMaps), secrets: new Map(generated.secrets) };
  for (const { doc } of manifests) {
    const name = str(obj(doc.metadata).name);
    if (doc.kind === 'ConfigMap') data.configMaps.set(name, [...Object.keys(obj(doc.data)), ...Object.keys(obj(doc.binaryData))]);
    if (doc.kind === 'Secret') data.secrets.set(name, [...Object.keys(obj(doc.data)), ...Object.keys(obj(doc.stringData))]);
  }
  const ws = workloads(manifests, data, problems);
  const services: { w: Workload; s: ServiceContainer }[] = [];
  for (const w of ws) {
    for (const { c, raw } of w.containers) {
      const at = (msg: string) => problems.push(`${c.where}: ${msg}`);
      hardening(w, raw, at);
      const checked = checkContainer(c, schemas, ['secret']);
      problems.push(...checked.problems);
      if (checked.service === undefined) continue;
      services.push({ w, s: checked.service });
      problems.push(...productionProblems(checked.service));
    }
  }
  const hpas = manifests.filter((m) => m.doc.kind === 'HorizontalPodAutoscaler');
  const hpaFor = (w: Workload) => hpas.filter((h) => { const ref = obj(obj(h.doc.spec).scaleTargetRef); return ref.kind === w.kind && ref.name === w.name; });
  for (const h of hpas) {
    const ref = obj(obj(h.doc.spec).scaleTargetRef);
    if (!ws.some((w) => w.kind === ref.kind && w.name === ref.name)) problems.push(`${h.file} HorizontalPodAutoscaler/${str(obj(h.doc.metadata).name)}: scales ${str(ref.kind)}/${str(ref.name)}, which does not exist`);
  }
  for (const { w, s } of services) {
    const where = `${w.m.file} ${w.kind}/${w.name}`;
    if (LOG_WRITERS.includes(s.kind)) {
      if (w.kind !== 'StatefulSet') problems.push(`${where}: the ${s.kind} log writer must be a StatefulSet`);
      if (w.replicas !== 1) problems.push(`${where}: the ${s.kind} log writer must have exactly 1 replica, not ${String(w.replicas)}`);
      if (hpaFor(w).length > 0) problems.push(`${where}: a log writer must not be autoscaled`);
      const dataMount = s.mounts.find((m) => m.path === s.config.dataDir);
      if (dataMount?.kind !== 'pvc') problems.push(`${where}: the ${s.kind} data directory must be a PersistentVolumeClaim mounted at ${String(s.config.dataDir)}`);
    }
    if (SCALED.includes(s.kind)) {
      if (w.kind !== 'Deployment') problems.push(`${where}: the ${s.kind} must be a Deployment`);
      if ((w.replicas ?? 1) < 2) problems.push(`${where}: the ${s.kind} needs at least 2 replicas, not ${String(w.replicas ?? 1)}`);
      const hpa = hpaFor(w);
      if (hpa.length !== 1) problems.push(`${where}: the ${s.kind} needs one HorizontalPodAutoscaler, found ${hpa.length}`);
      for (const h of hpa) {
        const spec = obj(h.doc.spec);
        if (typeof spec.minReplicas !== 'number' || spec.minReplicas < 2 || typeof spec.maxReplicas !== 'number' || spec.maxReplicas < spec.minReplicas) {
          problems.push(`${h.file} HorizontalPodAutoscaler/${str(obj(h.doc.metadata).name)}: needs minReplicas ≥ 2 and maxReplicas ≥ minReplicas`);
        }
      }
    }
  }
  problems.push(...checkServices(manifests, ws, services));
  return problems;
}

/** Each Service selects one workload and its targetPorts exist; in-cluster URLs lead to the right Service and port. */
function checkServices(manifests: readonly Manifest[], ws: readonly Workload[], services: readonly { w: Workload; s: ServiceContainer }[]): string[] {
  const problems: string[] = [];
  const routes = new Map<string, { port: number; kinds: string[] }[]>();
  for (const m of manifests.filter((x) => x.doc.kind === 'Service')) {
    const name = str(obj(m.doc.metadata).name);
    const where = `${m.file} Service/${name}`;
    const selector = obj(obj(m.doc.spec).selector);
    const selected = ws.filter((w) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => w.labels[k] === v));
    if (selected.length !== 1) {
      problems.push(`${where}: selects ${selected.length} workloads, want 1`);
      continue;
    }
    const w = selected[0] as Workload;
    const main = w.containers.filter((c) => !c.init);
    const ports: { port: number; kinds: string[] }[] = [];
    for (const p of list(obj(m.doc.spec).ports)) {
      const port = obj(p);
      const target = port.targetPort ?? port.port;
      const hits = main.filter(({ raw }) => list(raw.ports).some((cp) => obj(cp).containerPort === target || (typeof target === 'string' && obj(cp).name === target)));
      if (hits.length === 0) problems.push(`${where}: targetPort ${String(target)} is no container port of ${w.kind}/${w.name}`);
      ports.push({ port: Number(port.port), kinds: services.filter((s) => s.w === w && hits.some((h) => h.c.where === s.s.where)).map((s) => s.s.kind) });
    }
    routes.set(name, ports);
  }
  for (const { w, s } of services) {
    for (const u of fetchedUrls(s)) {
      const { hostname, port } = new URL(u.value);
      const svc = hostname.split('.')[0] as string;
      const hit = routes.get(svc)?.find((r) => r.port === Number(port || (u.value.startsWith('https:') ? 443 : 80)));
      if (hit === undefined) problems.push(`${w.m.file} ${w.kind}/${w.name}: ${u.env}=${u.value} leads to no Service port`);
      else if (!hit.kinds.includes(u.target)) problems.push(`${w.m.file} ${w.kind}/${w.name}: ${u.env}=${u.value} leads to ${hit.kinds.join(', ') || 'nothing'}, not to the ${u.target}`);
    }
  }
  return problems;
}
