/**
 * The signer port with a key file: the local stack's stand-in for Key Vault. The private key never leaves this
 * object; the certificate says which key it is, so the key id cannot drift from what devices are told.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ManifestSigner } from '../../domain/packages/signing';
import { decodeCertificate } from '../../device-agent/key-chain';
import { es256Signer, parsePrivateKeyPem, publicJwkOf } from './ec-keys';

export interface LocalKeySignerConfig {
  /** PKCS#8 PEM of the P-256 signing key. */
  privateKeyPath: string;
  /** The root-signed certificate (compact JWS) of that key. */
  certificatePath: string;
}

export class LocalKeySigner implements ManifestSigner {
  readonly keyId: string;
  private readonly signer: (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

  constructor(privateKey: KeyObject, readonly certificate: string) {
    const decoded = decodeCertificate(certificate);
    if (!decoded.ok) throw new Error(`signing-key certificate: ${decoded.reason}`);
    const { claims } = decoded.value;
    // A certificate for another key would make every signature fail on devices as "bad signature": fail here instead.
    if (publicJwkOf(privateKey).kid !== claims.kid) throw new Error(`the signing key is not the key ${claims.kid} its certificate is for`);
    this.keyId = claims.kid;
    this.signer = es256Signer(privateKey);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return this.signer(data);
  }
}

export async function loadLocalKeySigner(config: LocalKeySignerConfig): Promise<LocalKeySigner> {
  const [pem, certificate] = await Promise.all([readFile(config.privateKeyPath, 'utf8'), readFile(config.certificatePath, 'utf8')]);
  return new LocalKeySigner(parsePrivateKeyPem(pem), certificate.trim());
}
