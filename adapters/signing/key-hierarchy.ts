/**
 * The key hierarchy on disk, shared by `npm run keys` and the local stack:
 *   root dir:    root-private.pem (PKCS#8, 0600), root-public.jwk.json (what devices trust)
 *   signing dir: signing-private.pem (PKCS#8, 0600), signing-public.jwk.json, signing-certificate.jws (root-signed)
 *   revocation list: one file holding a root-signed compact JWS of RevocationListClaims
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PublicJwk, RevocationListClaims, SigningKeyCertificateClaims } from '../../domain/packages/signing';
import { verifyRevocationList } from '../../device-agent/key-chain';
import { generateEs256Key, parsePrivateKeyPem, privateKeyPem, publicJwkOf } from './ec-keys';
import { isErrno, replaceFile, writeKeyDir } from './key-dir';
import { issueCertificate, issueRevocationList, type Validity } from './root-documents';

export const keyFileNames = {
  rootPrivateKey: 'root-private.pem',
  rootPublicJwk: 'root-public.jwk.json',
  signingPrivateKey: 'signing-private.pem',
  signingPublicJwk: 'signing-public.jwk.json',
  certificate: 'signing-certificate.jws',
} as const;

export async function createRootKey(outDir: string): Promise<PublicJwk> {
  const key = generateEs256Key();
  const jwk = publicJwkOf(key);
  await writeKeyDir(outDir, {
    [keyFileNames.rootPrivateKey]: { content: privateKeyPem(key), secret: true },
    [keyFileNames.rootPublicJwk]: { content: `${JSON.stringify(jwk, null, 2)}\n` },
  });
  return jwk;
}

export async function readRootKey(rootDir: string): Promise<KeyObject> {
  return parsePrivateKeyPem(await readFile(path.join(rootDir, keyFileNames.rootPrivateKey), 'utf8'));
}

/** A new signing key pair in `outDir` with a certificate from the root in `rootDir`. */
export async function issueSigningKey(options: { rootDir: string; outDir: string; validity: Validity; now: Date }): Promise<SigningKeyCertificateClaims> {
  const root = await readRootKey(options.rootDir);
  const key = generateEs256Key();
  const jwk = publicJwkOf(key);
  const certificate = await issueCertificate(root, jwk, options.validity, options.now);
  await writeKeyDir(options.outDir, {
    [keyFileNames.signingPrivateKey]: { content: privateKeyPem(key), secret: true },
    [keyFileNames.signingPublicJwk]: { content: `${JSON.stringify(jwk, null, 2)}\n` },
    [keyFileNames.certificate]: { content: `${certificate}\n` },
  });
  return { kid: jwk.kid, jwk, notBefore: options.validity.notBefore.toISOString(), notAfter: options.validity.notAfter.toISOString(), issuedAt: options.now.toISOString() };
}

/**
 * Adds `kid` to the root-signed revocation list in `listPath` (creating it), with the serial one higher so devices
 * prefer it to the list they have. Revoking a key twice changes nothing.
 */
export async function revokeSigningKey(options: { rootDir: string; kid: string; listPath: string; now: Date }): Promise<{ claims: RevocationListClaims; changed: boolean }> {
  const root = await readRootKey(options.rootDir);
  const current = await readRevocationList(options.listPath, publicJwkOf(root));
  if (current?.revokedKids.includes(options.kid)) return { claims: current, changed: false };
  const claims: RevocationListClaims = {
    serial: (current?.serial ?? 0) + 1,
    revokedKids: [...(current?.revokedKids ?? []), options.kid],
    issuedAt: options.now.toISOString(),
  };
  await replaceFile(options.listPath, `${await issueRevocationList(root, claims)}\n`);
  return { claims, changed: true };
}

/** The list's claims, after checking this root signed it; undefined when there is no list yet. */
async function readRevocationList(listPath: string, root: PublicJwk): Promise<RevocationListClaims | undefined> {
  let text: string;
  try {
    text = await readFile(listPath, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const verified = verifyRevocationList(text.trim(), [root]);
  if (!verified.ok) throw new Error(`${listPath} is not a revocation list of root ${root.kid}: ${verified.reason}`);
  return verified.value;
}
