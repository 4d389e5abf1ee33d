/**
 * The signer port with Azure Key Vault: the private key never leaves the vault (or its HSM). Key Vault signs a
 * digest we compute, and returns ES256 signatures as raw r‖s, which is what JWS wants. The credential comes from
 * functions/ (managed identity in Azure), so this adapter never decides how to authenticate.
 */
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { CryptographyClient, type SignatureAlgorithm } from '@azure/keyvault-keys';
import type { ManifestSigner } from '../../domain/packages/signing';
import { decodeCertificate } from '../../device-agent/key-chain';

/** The one CryptographyClient call used, so tests can stand in for the vault. */
export interface KeyVaultSignClient {
  sign(algorithm: SignatureAlgorithm, digest: Uint8Array): Promise<{ result: Uint8Array }>;
}

export interface KeyVaultSignerConfig {
  /** Key Vault key identifier, e.g. https://<vault>.vault.azure.net/keys/<name>/<version> (pin the version). */
  keyUrl: string;
  credential: TokenCredential;
  /** The root-signed certificate (compact JWS) of this key's public half, made with `npm run keys -- certify`. */
  certificate: string;
}

export class KeyVaultSigner implements ManifestSigner {
  readonly keyId: string;

  constructor(private readonly client: KeyVaultSignClient, readonly certificate: string) {
    const decoded = decodeCertificate(certificate);
    if (!decoded.ok) throw new Error(`signing-key certificate: ${decoded.reason}`);
    // The JWS kid is the certified thumbprint, not the vault URL: devices know keys only by their certificates.
    this.keyId = decoded.value.claims.kid;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    // `sign` takes a digest (signData would send the whole manifest to the vault).
    const digest = createHash('sha256').update(data).digest();
    const { result } = await this.client.sign('ES256', digest);
    if (result.byteLength !== 64) throw new Error(`Key Vault returned a ${result.byteLength}-byte ES256 signature; expected 64 (r‖s)`);
    return result;
  }
}

export function createKeyVaultSigner(config: KeyVaultSignerConfig): KeyVaultSigner {
  return new KeyVaultSigner(new CryptographyClient(config.keyUrl, config.credential), config.certificate);
}
