import { eventTypes, parsePushedArtifact, versionOf } from '../../../../domain/imports/pushed-artifact';
import { findRule, type ImportRule } from '../../../../domain/imports/import-rule';

const digest = `sha256:${'ab'.repeat(32)}`;
const pushed = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  id: 'evt-1', topic: '/registries/acr', subject: 'edge/line-controller:2.1.0', eventType: eventTypes.imagePushed, eventTime: '2026-11-25T10:00:00Z',
  data: { id: 'x', action: 'push', target: { repository: 'edge/line-controller', tag: '2.1.0', digest, size: 1234 }, request: { host: 'contoso.azurecr.io' }, actor: { name: 'ci-bot' }, ...data },
  dataVersion: '1', metadataVersion: '1', ...overrides,
});
const blob = (subject: string) => ({
  id: 'evt-2', subject, eventType: eventTypes.blobCreated, eventTime: '2026-11-25T10:00:00Z',
  data: { url: 'http://127.0.0.1:10000/devstoreaccount1/firmware-uploads/line-controller/lc-2.1.0.bin', contentLength: 10 },
});

describe('parsePushedArtifact', () => {
  it('reads an ImagePushed event (Event Grid schema)', () => {
    expect(parsePushedArtifact(pushed(), eventTypes.imagePushed, 'firmware-uploads')).toEqual({
      ok: true,
      artifact: expect.objectContaining({ kind: 'image', eventId: 'evt-1', registry: 'contoso.azurecr.io', repository: 'edge/line-controller', tag: '2.1.0', digest, sizeInBytes: 1234, pushedBy: 'ci-bot' }),
    });
  });

  it('reads the CloudEvents form of the same event', () => {
    const cloud = { specversion: '1.0', id: 'evt-3', type: eventTypes.imagePushed, source: '/registries/acr', subject: 's', data: pushed().data };
    expect(parsePushedArtifact(cloud, eventTypes.imagePushed, 'firmware-uploads')).toMatchObject({ ok: true, artifact: { eventId: 'evt-3' } });
  });

  it.each([
    ['not an object', 'hello', /not a JSON object/],
    ['no id', pushed({ id: undefined }), /missing 'id'/],
    ['another event type', pushed({ eventType: 'Microsoft.ContainerRegistry.ImageDeleted' }), /unsupported event type 'Microsoft.ContainerRegistry.ImageDeleted'/],
    ['no target tag', pushed({}, { target: { repository: 'r', digest } }), /missing 'data.target.tag'/],
    ['a bad digest', pushed({}, { target: { repository: 'r', tag: '1.0.0', digest: 'md5:x' } }), /not a sha256 digest/],
  ])('refuses %s, saying why', (_what, event, reason) => {
    const parsed = parsePushedArtifact(event, eventTypes.imagePushed, 'firmware-uploads');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('reads a BlobCreated event in the firmware container and ignores other containers', () => {
    expect(parsePushedArtifact(blob('/blobServices/default/containers/firmware-uploads/blobs/line-controller/lc-2.1.0.bin'), eventTypes.blobCreated, 'firmware-uploads'))
      .toMatchObject({ ok: true, artifact: { kind: 'blob', container: 'firmware-uploads', blobPath: 'line-controller/lc-2.1.0.bin' } });
    const other = parsePushedArtifact(blob('/blobServices/default/containers/logs/blobs/x.bin'), eventTypes.blobCreated, 'firmware-uploads');
    expect(!other.ok && other.reason).toMatch(/not the firmware upload container/);
  });
});

describe('versionOf', () => {
  it.each([
    [{ kind: 'image', tag: '2.1.0' }, '2.1.0'],
    [{ kind: 'image', tag: 'v3.0.0-rc.1' }, '3.0.0-rc.1'],
    [{ kind: 'blob', blobPath: 'line-controller/lc-2.1.0.bin' }, '2.1.0'],
    [{ kind: 'blob', blobPath: 'fw/gateway_v1.4.2.swu' }, '1.4.2'],
  ])('%j carries version %s', (artifact, version) => {
    expect(versionOf(artifact as never)).toEqual({ version });
  });

  it.each([
    [{ kind: 'image', tag: 'latest' }, /tag 'latest' is not a semantic version/],
    [{ kind: 'blob', blobPath: 'fw/firmware.bin' }, /carries no semantic version/],
  ])('%j carries none', (artifact, reason) => {
    const result = versionOf(artifact as never);
    expect('reason' in result && result.reason).toMatch(reason);
  });
});

describe('findRule', () => {
  const rule = (ruleId: string, source: ImportRule['source']): ImportRule => ({
    ruleId, source, update: { provider: 'contoso', name: ruleId }, compatibility: [], prerequisites: [], deltaFromPrevious: 2, manifestLifetimeDays: 30, updatedAt: '',
  });
  const rules = [rule('lc', { repository: 'edge/line-controller' }), rule('fw', { blobPrefix: 'fw/' }), rule('fw-gw', { blobPrefix: 'fw/gateway/' })];

  it.each([
    [{ repository: 'edge/line-controller' }, 'lc'],
    [{ repository: 'edge/other' }, undefined],
    [{ blobPath: 'fw/gateway/gw-1.0.0.bin' }, 'fw-gw'],
    [{ blobPath: 'fw/plc-1.0.0.bin' }, 'fw'],
    [{ blobPath: 'other/plc-1.0.0.bin' }, undefined],
  ])('%j → rule %s (the most specific prefix wins)', (pushedArtifact, ruleId) => {
    expect(findRule(rules, pushedArtifact)?.ruleId).toBe(ruleId);
  });
});
