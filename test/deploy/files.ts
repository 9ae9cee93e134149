/**
 * Reading the deployment files the way their tools do: Compose files through `docker-compose config`
 * (which validates them and resolves anchors, merges and relative paths), Kubernetes manifests as a
 * kustomization's resources. YAML is read as YAML 1.1, as docker-compose and kubectl read it (`0440`
 * is octal there, `yes` a boolean).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { generatedObjects } from './kubernetes.js';
import type { DataObjects, Manifest } from './kubernetes.js';

export function parseYaml(text: string): unknown {
  return parse(text, { version: '1.1', merge: true });
}

/**
 * `docker-compose -f <files…> config`: the validated, resolved configuration. Throws when
 * docker-compose is missing (it is a test dependency: apt-get install docker-compose) or refuses the file.
 */
export function composeConfig(files: readonly string[]): { doc: unknown; stderr: string } {
  const run = spawnSync('docker-compose', [...files.flatMap((f) => ['-f', f]), 'config'], { encoding: 'utf8', cwd: dirname(files[0] as string) });
  if (run.error !== undefined) {
    throw new Error(`docker-compose is needed to validate the Compose files (Debian: apt-get install -y docker-compose; .ci/run installs it): ${run.error.message}`);
  }
  if (run.status !== 0) throw new Error(`docker-compose config refused ${files.join(', ')}:\n${run.stderr}`);
  return { doc: parseYaml(run.stdout), stderr: run.stderr };
}

/** The manifests listed under `resources` of `<dir>/kustomization.yaml`, and what its generators make. */
export function loadKustomization(dir: string): { kustomization: unknown; manifests: Manifest[]; generated: DataObjects } {
  const kustomization = parseYaml(readFileSync(resolve(dir, 'kustomization.yaml'), 'utf8'));
  const resources = (kustomization as { resources?: unknown }).resources;
  if (!Array.isArray(resources)) throw new Error(`${dir}/kustomization.yaml lists no resources`);
  const manifests: Manifest[] = [];
  for (const file of resources.map(String)) {
    for (const doc of parseAllDocuments(readFileSync(resolve(dir, file), 'utf8'), { version: '1.1', merge: true })) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const value: unknown = doc.toJS();
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) manifests.push({ file, doc: value as Record<string, unknown> });
    }
  }
  return { kustomization, manifests, generated: generatedObjects(kustomization) };
}
