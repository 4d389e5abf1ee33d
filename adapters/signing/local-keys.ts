/**
 * The local stack's key hierarchy, made on first use so `npm start` needs no manual step:
 *   <dir>/root/              root key (stands in for the offline root; devices of the simulated fleet trust it)
 *   <dir>/signing/           the current certified signing key (stands in for the Key Vault key)
 *   <dir>/retired/<kid>/     signing keys replaced because their certificate ran out
 *   <dir>/revocation-list.jws  written by `npm run keys -- revoke`, absent until then
 */
import { mkdir, readFile, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { SigningKeyCertificateClaims } from '../../domain/packages/signing';
import { decodeCertificate } from '../../device-agent/key-chain';
import { KeyDirExistsError, isErrno } from './key-dir';
import { createRootKey, issueSigningKey, keyFileNames } from './key-hierarchy';

export interface LocalKeyPaths {
  rootPublicJwk: string;
  rootPrivateKey: string;
  privateKey: string;
  certificate: string;
  /** May not exist yet. */
  revocationList: string;
  /** Certificates of earlier signing keys, for the JWKS. */
  retiredCertificates: string[];
}

const day = 24 * 60 * 60 * 1000;
// Local clocks may run accelerated or skip ahead (soak times of hours pass in seconds), so local certificates are
// long-lived and start a day early; the real signing keys get short certificates from `npm run keys -- issue`.
const validityDays = 3650;
const renewWithinDays = 30;

export async function ensureLocalKeys(dir: string, now: Date = new Date()): Promise<LocalKeyPaths> {
  const rootDir = path.join(dir, 'root');
  const signingDir = path.join(dir, 'signing');
  await ignoreIfExists(createRootKey(rootDir).then(() => undefined));

  const certificatePath = path.join(signingDir, keyFileNames.certificate);
  const current = await readCertificateClaims(certificatePath);
  if (!current || Date.parse(current.notAfter) - now.getTime() < renewWithinDays * day) {
    if (current) await retire(dir, signingDir, current.kid);
    const validity = { notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + validityDays * day) };
    await ignoreIfExists(issueSigningKey({ rootDir, outDir: signingDir, validity, now }).then(() => undefined));
  }

  return {
    rootPublicJwk: path.join(rootDir, keyFileNames.rootPublicJwk),
    rootPrivateKey: path.join(rootDir, keyFileNames.rootPrivateKey),
    privateKey: path.join(signingDir, keyFileNames.signingPrivateKey),
    certificate: certificatePath,
    revocationList: path.join(dir, 'revocation-list.jws'),
    retiredCertificates: await retiredCertificates(dir),
  };
}

async function readCertificateClaims(certificatePath: string): Promise<SigningKeyCertificateClaims | undefined> {
  let text: string;
  try {
    text = await readFile(certificatePath, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const decoded = decodeCertificate(text.trim());
  if (!decoded.ok) throw new Error(`${certificatePath}: ${decoded.reason}`);
  return decoded.value.claims;
}

async function retire(dir: string, signingDir: string, kid: string): Promise<void> {
  await mkdir(path.join(dir, 'retired'), { recursive: true });
  // Another process starting at the same moment may have moved it already.
  await rename(signingDir, path.join(dir, 'retired', kid)).catch((err: unknown) => {
    if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
  });
}

async function retiredCertificates(dir: string): Promise<string[]> {
  const retiredDir = path.join(dir, 'retired');
  const kids = await readdir(retiredDir).catch((err: unknown) => {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  });
  return kids.sort().map((kid) => path.join(retiredDir, kid, keyFileNames.certificate));
}

/** Two processes may create the same keys at once: whoever renames first wins, the other uses those. */
async function ignoreIfExists(creating: Promise<void>): Promise<void> {
  await creating.catch((err: unknown) => {
    if (!(err instanceof KeyDirExistsError)) throw err;
  });
}
