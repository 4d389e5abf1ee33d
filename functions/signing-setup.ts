/**
 * The manifest signer and the published signing keys, from settings: a local key folder (the local stack; created
 * by `ensureLocalKeys`) or a Key Vault key with its root-signed certificate (Azure, managed identity).
 */
import fs from 'node:fs/promises';
import type { TokenCredential } from '@azure/identity';
import { createKeyVaultSigner } from '../adapters/keyvault/keyvault-signer';
import { buildJwks, type SigningKeysDocument } from '../adapters/signing/jwks';
import { ensureLocalKeys } from '../adapters/signing/local-keys';
import { loadLocalKeySigner } from '../adapters/signing/local-key-signer';
import type { ManifestSigner, PublicJwk } from '../domain/packages/signing';
import type { AppConfig } from './config';

export interface Signing {
  signer: ManifestSigner;
  /** The JWKS document of GET /api/signing-keys, as of `now`. */
  signingKeys(now: Date): Promise<SigningKeysDocument>;
}

const readText = async (file: string) => (await fs.readFile(file, 'utf8')).trim();
const readOptional = (file: string) => readText(file).catch(() => undefined);

export async function createSigning(config: AppConfig['signing'], credential: () => TokenCredential): Promise<Signing> {
  if ('keyDir' in config) {
    const paths = await ensureLocalKeys(config.keyDir);
    const signer = await loadLocalKeySigner({ privateKeyPath: paths.privateKey, certificatePath: paths.certificate });
    return {
      signer,
      async signingKeys(now) {
        const certificates = await Promise.all([paths.certificate, ...paths.retiredCertificates].map(readText));
        const roots = [JSON.parse(await readText(paths.rootPublicJwk)) as PublicJwk];
        return buildJwks({ certificates, revocationList: await readOptional(paths.revocationList), roots, activeKid: signer.keyId, now });
      },
    };
  }
  const { keyVaultKeyUrl, certificate } = config;
  if (!keyVaultKeyUrl || !certificate || config.trustedRoots.length === 0) {
    throw new Error('Manifest signing is not set up: KEYVAULT_KEY_URL, SIGNING_CERTIFICATE (from `npm run keys -- certify`) and SIGNING_TRUSTED_ROOTS are needed.');
  }
  const signer = createKeyVaultSigner({ keyUrl: keyVaultKeyUrl, credential: credential(), certificate });
  return {
    signer,
    async signingKeys(now) {
      return buildJwks({ certificates: [certificate, ...config.retiredCertificates], revocationList: config.revocationList, roots: config.trustedRoots, activeKid: signer.keyId, now });
    },
  };
}
