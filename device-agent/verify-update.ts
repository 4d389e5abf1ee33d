/**
 * The device-side verdict on an update package: key chain, signature, freshness, roll-back, fit and file bytes,
 * checked in a fixed order so the first failure names the real problem. Needs only node:crypto and the keys the
 * device trusts; it never asks the service whether something is fine.
 */
import type { UpdateManifest } from '../domain/packages/manifest';
import type { PublicJwk, RevocationListClaims, SigningKeyCertificateClaims } from '../domain/packages/signing';
import { isCompatible } from '../common/compatibility';
import { decodeJws, jwsTypes, parseJsonBytes, verifyJwsSignature, type DecodedJws } from './jws';
import { isNonNegativeInteger, isRecord, parseTimestamp } from './json-shape';
import { certificateValidityProblem, checkRootSignature, decodeCertificate, decodeRevocationList, type RootSigned } from './key-chain';
import { parseManifest } from './manifest-shape';
import { refuse, type Refusal } from './refusal';
import { compareSemver, isSemver } from '../common/semver';
import { verifyFileAgainstManifest } from './verify-file';

export { verifyFileAgainstManifest } from './verify-file';
export type { Refusal, RefusalCode } from './refusal';

export interface InstalledUpdate {
  version: string;
  releaseCounter: number;
}

export interface DeviceState {
  model: string;
  properties?: Record<string, string>;
  /** By update name (`updateId.name`). */
  installed: Record<string, InstalledUpdate>;
}

export interface VerifyUpdateInput {
  signedManifest: string;
  trustedRoots: PublicJwk[];
  /** Root-signed JWS of RevocationListClaims: the newest the device has. */
  revocationList?: string;
  device: DeviceState;
  /** The full files by fileName (after any delta was applied). */
  files: Record<string, Uint8Array>;
  /** RFC 3339 time on the device. */
  now: string;
}

export type VerifyResult = { ok: true; manifest: UpdateManifest } | Refusal;

interface Package {
  now: number;
  jws: DecodedJws;
  certificate: RootSigned<SigningKeyCertificateClaims>;
  manifest: UpdateManifest;
  revocationList?: RootSigned<RevocationListClaims>;
}

type Check = (pkg: Package, input: Omit<VerifyUpdateInput, 'files'>) => Refusal | undefined;

/** Everything but the file bytes: lets a device refuse before it downloads anything. */
export function verifySignedManifest(input: Omit<VerifyUpdateInput, 'files'>): VerifyResult {
  const pkg = decodePackage(input);
  if (!('jws' in pkg)) return pkg;
  for (const check of [checkCertificate, checkRevocation, checkKeyId, checkSignature, checkExpiry, checkDowngrade, checkCompatibility, checkPrerequisites]) {
    const refusal = check(pkg, input);
    if (refusal) return refusal;
  }
  return { ok: true, manifest: pkg.manifest };
}

export function verifyUpdatePackage(input: VerifyUpdateInput): VerifyResult {
  const verdict = verifySignedManifest(input);
  if (!verdict.ok) return verdict;
  const { manifest } = verdict;
  for (const file of manifest.files) {
    const bytes = input.files[file.fileName];
    if (!bytes) return refuse('file-mismatch', `file ${file.fileName} listed in the signed manifest is missing`);
    const checked = verifyFileAgainstManifest(manifest, file.fileName, bytes);
    if (!checked.ok) return checked;
  }
  // Unsigned extras are refused too: an installer must not be offered bytes that nobody signed.
  const extra = Object.keys(input.files).find((name) => !manifest.files.some((file) => file.fileName === name));
  if (extra !== undefined) return refuse('file-mismatch', `file ${extra} is not listed in the signed manifest`);
  return verdict;
}

function decodePackage(input: Omit<VerifyUpdateInput, 'files'>): Package | Refusal {
  const now = parseTimestamp(input.now);
  if (now === undefined) return refuse('malformed', `now ${JSON.stringify(input.now)} is not an RFC 3339 timestamp`);
  const deviceProblem = deviceStateProblem(input.device);
  if (deviceProblem) return refuse('malformed', deviceProblem);
  const decoded = decodeJws(input.signedManifest);
  if (!decoded.ok) return refuse('malformed', `the signed manifest is not a valid JWS: ${decoded.reason}`);
  const { jws } = decoded;
  if (jws.header.typ !== jwsTypes.manifest) return refuse('malformed', `the signed manifest has JWS type ${jws.header.typ}, expected ${jwsTypes.manifest}`);
  const certificateJws = jws.header['x-cert'];
  if (certificateJws === undefined) return refuse('malformed', 'the signed manifest carries no signing-key certificate (x-cert)');
  const certificate = decodeCertificate(certificateJws);
  if (!certificate.ok) return refuse('malformed', certificate.reason);
  const manifest = parseManifest(parseJsonBytes(jws.payload));
  if (!manifest.ok) return refuse('malformed', manifest.reason);
  // An unreadable list is ignored, not fatal: withholding the list is always possible, so refusing adds no safety.
  const revocationList = input.revocationList === undefined ? undefined : decodeRevocationList(input.revocationList);
  return { now, jws, certificate: certificate.value, manifest: manifest.value, revocationList: revocationList?.ok ? revocationList.value : undefined };
}

function deviceStateProblem(device: DeviceState): string | undefined {
  if (!isRecord(device) || typeof device.model !== 'string' || !isRecord(device.installed)) return 'the device state has no model and installed updates';
  for (const [name, installed] of Object.entries(device.installed)) {
    if (!isRecord(installed) || typeof installed.version !== 'string' || !isSemver(installed.version) || !isNonNegativeInteger(installed.releaseCounter)) {
      return `the device's installed ${name} has no semver version and release counter`;
    }
  }
  return undefined;
}

const checkCertificate: Check = ({ certificate, now }, { trustedRoots }) => {
  const signed = checkRootSignature(certificate.jws, trustedRoots, 'signing-key certificate');
  if (!signed.ok) return refuse('untrusted-certificate', signed.reason);
  const problem = certificateValidityProblem(certificate.claims, now);
  return problem ? refuse('untrusted-certificate', problem) : undefined;
};

const checkRevocation: Check = ({ jws, certificate, revocationList }, { trustedRoots }) => {
  // Only a list that a trusted root signed may revoke anything.
  if (!revocationList || !checkRootSignature(revocationList.jws, trustedRoots, 'revocation list').ok) return undefined;
  const { serial, revokedKids } = revocationList.claims;
  const revoked = [certificate.claims.kid, jws.header.kid].find((kid) => revokedKids.includes(kid));
  return revoked === undefined ? undefined : refuse('revoked-key', `signing key ${revoked} is revoked by revocation list ${serial}`);
};

const checkKeyId: Check = ({ jws, certificate }) =>
  jws.header.kid === certificate.claims.kid
    ? undefined
    : refuse('unknown-key', `the manifest names signing key ${jws.header.kid}, but its certificate is for key ${certificate.claims.kid}`);

const checkSignature: Check = ({ jws, certificate }) =>
  verifyJwsSignature(jws, certificate.claims.jwk)
    ? undefined
    : refuse('bad-signature', `the manifest's signature does not verify with certified key ${certificate.claims.kid}: altered after signing`);

const checkExpiry: Check = ({ manifest, now }) =>
  now < (parseTimestamp(manifest.expiresAt) ?? Number.NaN) ? undefined : refuse('expired', `the manifest expired at ${manifest.expiresAt}`);

const checkDowngrade: Check = ({ manifest }, { device }) => {
  const { name, version } = manifest.updateId;
  const installed = device.installed[name];
  if (!installed) return undefined;
  if (manifest.releaseCounter <= installed.releaseCounter) {
    return refuse('downgrade', `release counter ${manifest.releaseCounter} of ${name} is not above the installed ${installed.releaseCounter}`);
  }
  if (compareSemver(version, installed.version) <= 0) {
    return refuse('downgrade', `version ${version} of ${name} is not above the installed ${installed.version}`);
  }
  return undefined;
};

const checkCompatibility: Check = ({ manifest }, { device }) => {
  // The model is a property like any other; the explicit field wins over a stale copy in `properties`.
  if (isCompatible({ ...device.properties, model: device.model }, manifest.compatibility)) return undefined;
  return refuse('incompatible', `device model ${device.model} matches none of the compatibility sets ${JSON.stringify(manifest.compatibility)}`);
};

// The service predicts this verdict before it sends a command (domain/packages/prerequisites.ts), from what devices
// report; here the installed list was checked strictly on load, and the refusal names what is installed.
const checkPrerequisites: Check = ({ manifest }, { device }) => {
  const missing = manifest.prerequisites
    .filter(({ name, minVersion }) => {
      const installed = device.installed[name];
      return !installed || compareSemver(installed.version, minVersion) < 0;
    })
    .map(({ name, minVersion }) => `${name} ≥ ${minVersion} (installed: ${device.installed[name]?.version ?? 'none'})`);
  return missing.length === 0 ? undefined : refuse('missing-prerequisite', `missing prerequisites: ${missing.join(', ')}`);
};
