/**
 * Import activities, built from ports. Safe to run twice (a kill -9 re-runs the activity it interrupted): files are
 * written under fixed paths, the release counter is claimed once per event (the counter store answers a repeated
 * claim with the same number; the import record shows it), and registering an existing update changes nothing.
 */
import { createHash } from 'node:crypto';
import { findRule } from '../domain/imports/import-rule';
import type { ImportRecordStore, ImportRuleStore, PackageStore, ReleaseCounterStore } from '../domain/imports/import-ports';
import { versionOf, type PushedArtifact } from '../domain/imports/pushed-artifact';
import type { ManifestDelta, UpdateManifest } from '../domain/packages/manifest';
import type { UpdateStore } from '../domain/rollouts/rollout-store-port';
import { compareSemver } from '../domain/semver';
import { deltaFileName, packageFolder } from '../domain/packages/package-paths';
import type { ImportActivityContract, ResolvedImport, StagedFile } from '../orchestrations/import-contracts';
import type { RecordLifecycle } from './lifecycle';
import type { Observability } from '../domain/observability/observability-port';

export interface ImportPorts {
  rules: ImportRuleStore;
  records: ImportRecordStore;
  counters: ReleaseCounterStore;
  packages: PackageStore;
  updates: UpdateStore;
  /** The current signing key: `keyId` names it, `sign` makes the manifest's compact JWS (ES256). Loaded lazily. */
  signer: () => Promise<{ keyId: string; sign(manifest: UpdateManifest): Promise<string> }>;
  deltas: { tool: string; create(base: Uint8Array, target: Uint8Array): Promise<Uint8Array> };
  now: () => Date;
  lifecycle?: RecordLifecycle;
  /** Operators' telemetry: how long imports take, and which fail (none when absent). */
  observability?: Observability;
}

const dayMs = 86_400_000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

export function createImportActivities(ports: ImportPorts) {
  const { rules, records, counters, packages, updates } = ports;

  /** Stores `candidate` as the event's release counter unless one is stored already; the stored one is returned. */
  async function assignReleaseCounter(eventId: string, candidate: number): Promise<number> {
    const saved = await records.update(eventId, (r) => (r.releaseCounter === undefined ? { ...r, releaseCounter: candidate } : r));
    return saved.releaseCounter ?? candidate;
  }

  return {
    async resolveImport(artifact: PushedArtifact): Promise<ResolvedImport> {
      const pushed = artifact.kind === 'image' ? { repository: artifact.repository } : { blobPath: artifact.blobPath };
      const rule = findRule(await rules.list(), pushed);
      if (!rule) {
        return { ignored: artifact.kind === 'image' ? `no import rule for repository '${artifact.repository}'` : `no import rule for blob path '${artifact.blobPath}'` };
      }
      const version = versionOf(artifact);
      if ('reason' in version) return { ignored: version.reason };
      const updateId = { ...rule.update, version: version.version };
      const existing = await updates.get(updateId);
      if (existing && existing.manifest?.provenance.eventId !== artifact.eventId) {
        return { ignored: `${updateId.provider}/${updateId.name} ${updateId.version} is imported already${existing.manifest ? ` (event ${existing.manifest.provenance.eventId})` : ''}` };
      }
      return { ruleId: rule.ruleId, updateId, deltaFromPrevious: rule.deltaFromPrevious };
    },

    async stageFile({ artifact, updateId }: ImportActivityContract['stageFile']['input']): Promise<StagedFile> {
      if (artifact.kind === 'image') {
        // Images stay in the registry; the manifest binds their digest.
        const hex = artifact.digest.slice('sha256:'.length);
        return { fileName: `${artifact.repository}:${artifact.tag}`, sizeInBytes: artifact.sizeInBytes, sha256: Buffer.from(hex, 'hex').toString('base64') };
      }
      const bytes = await packages.readUpload(artifact.url);
      const fileName = artifact.blobPath.split('/').pop()!;
      const path = `${packageFolder(updateId)}/${fileName}`;
      await packages.put(path, bytes, 'application/octet-stream');
      return { fileName, sizeInBytes: bytes.length, sha256: sha256(bytes), path };
    },

    async generateDeltas({ updateId, file, count }: ImportActivityContract['generateDeltas']['input']): Promise<ManifestDelta[]> {
      if (!file.path) return [];
      const target = await packages.get(file.path);
      if (!target) throw new Error(`staged file ${file.path} is missing`);
      const earlier = (await updates.list({ provider: updateId.provider, name: updateId.name }))
        .filter((u) => u.manifest && compareSemver(u.updateId.version, updateId.version) < 0)
        .sort((a, b) => compareSemver(b.updateId.version, a.updateId.version))
        .slice(0, count);
      const deltas: ManifestDelta[] = [];
      for (const base of earlier) {
        const baseFile = base.manifest!.files[0];
        const baseBytes = baseFile && (await packages.get(`${packageFolder(base.updateId)}/${baseFile.fileName}`));
        if (!baseFile || !baseBytes) continue;
        const delta = await ports.deltas.create(baseBytes, target);
        if (delta.length >= target.length) continue; // no gain: devices take the full file
        const fileName = deltaFileName(file.fileName, base.updateId.version);
        await packages.put(`${packageFolder(updateId)}/${fileName}`, delta, 'application/octet-stream');
        deltas.push({ fileName, sizeInBytes: delta.length, hashes: { sha256: sha256(delta) }, baseVersion: base.updateId.version, baseSha256: baseFile.hashes.sha256, tool: ports.deltas.tool });
      }
      return deltas;
    },

    async publishManifest({ artifact, ruleId, updateId, file, deltas }: ImportActivityContract['publishManifest']['input']): Promise<{ releaseCounter: number }> {
      const published = await updates.get(updateId);
      if (published?.manifest?.provenance.eventId === artifact.eventId) return { releaseCounter: published.manifest.releaseCounter }; // a re-run
      const rule = await rules.get(ruleId);
      if (!rule) throw new Error(`import rule ${ruleId} was deleted`);
      const record = await records.get(artifact.eventId);
      // The stored counter wins: a run that raced this one and stored its counter first signs with that one too; the
      // counter store hands this event the same number however often it asks (a re-run after a kill takes no second one).
      const releaseCounter = record?.releaseCounter ?? await assignReleaseCounter(artifact.eventId, await counters.next(updateId.name, artifact.eventId));
      const now = ports.now();
      const signer = await ports.signer();
      const manifest: UpdateManifest = {
        manifestVersion: '5.0',
        updateId,
        compatibility: rule.compatibility,
        instructions: { steps: [{ handler: artifact.kind === 'image' ? 'microsoft/oci-image:1' : 'microsoft/swupdate:2', files: [file.fileName] }] },
        files: [{ fileName: file.fileName, sizeInBytes: file.sizeInBytes, hashes: { sha256: file.sha256 }, ...(deltas.length ? { deltas } : {}) }],
        prerequisites: rule.prerequisites,
        releaseCounter,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + rule.manifestLifetimeDays * dayMs).toISOString(),
        provenance: {
          source: artifact.kind === 'image' ? 'containerRegistry' : 'blobStorage',
          eventId: artifact.eventId,
          location: artifact.kind === 'image' ? `${artifact.registry}/${artifact.repository}:${artifact.tag}` : artifact.url,
          digest: artifact.kind === 'image' ? artifact.digest : `sha256:${Buffer.from(file.sha256, 'base64').toString('hex')}`,
          pushedBy: artifact.pushedBy,
          signerKeyId: signer.keyId,
          importedAt: now.toISOString(),
        },
      };
      const signedManifest = await signer.sign(manifest);
      await packages.put(`${packageFolder(updateId)}/manifest.json`, Buffer.from(JSON.stringify(manifest, null, 2)), 'application/json');
      await packages.put(`${packageFolder(updateId)}/manifest.jws`, Buffer.from(signedManifest), 'application/jose');
      await updates.put({
        updateId, compatibility: rule.compatibility, createdAt: now.toISOString(), prerequisites: rule.prerequisites,
        files: [{ fileName: file.fileName, sizeInBytes: file.sizeInBytes, hashes: { sha256: file.sha256 } }],
        manifest, signedManifest,
      });
      return { releaseCounter };
    },

    async recordImport({ eventId, status, reason, updateId, ruleId }: ImportActivityContract['recordImport']['input']): Promise<null> {
      const at = ports.now().toISOString();
      const saved = await records.update(eventId, (r) => ({ ...r, status, reason, updatedAt: at, ...(updateId ? { updateId } : {}), ...(ruleId ? { ruleId } : {}) }));
      // From the event's arrival to its outcome, whatever the outcome.
      const dimensions = { status, eventType: saved.eventType, ...(ruleId ? { ruleId } : {}) };
      ports.observability?.metric('ota.import.duration', Date.parse(at) - Date.parse(saved.receivedAt), dimensions);
      if (status === 'Failed') ports.observability?.event('ota.import.failed', { ...dimensions, eventId, subject: saved.subject, reason });
      if (status === 'Imported' && updateId) {
        await ports.lifecycle?.({
          stepId: `import:${eventId}`, action: 'update.imported', eventType: 'Contoso.Ota.UpdateImported', at, actor: 'system',
          subject: `updates/${updateId.provider}/${updateId.name}/${updateId.version}`, details: { eventId, ruleId, reason, subject: saved.subject },
        });
      }
      return null;
    },
  };
}
