/**
 * Turns a manifest into the compact JWS devices verify: canonical JSON payload, header with the signer's key id
 * and certificate. Refuses to produce what devices would refuse anyway, so a misconfigured signer or a manifest
 * outliving its key fails at import time, not on a fleet.
 */
import type { UpdateManifest } from '../../domain/packages/manifest';
import type { ManifestSigner } from '../../domain/packages/signing';
import { canonicalJsonBytes } from '../../common/canonical-json';
import { createJws, decodeJws, jwsTypes, verifyJwsSignature } from '../../device-agent/jws';
import { parseManifest } from '../../device-agent/manifest-shape';
import { certificateValidityProblem, decodeCertificate } from '../../device-agent/key-chain';

export async function signManifest(manifest: UpdateManifest, signer: ManifestSigner): Promise<string> {
  // The device's own shape check: a manifest it would call malformed is not worth a signature.
  const shape = parseManifest(JSON.parse(JSON.stringify(manifest)) as unknown);
  if (!shape.ok) throw new Error(`cannot sign: ${shape.reason}`);
  const certificate = decodeCertificate(signer.certificate);
  if (!certificate.ok) throw new Error(`signer ${signer.keyId}: ${certificate.reason}`);
  const { claims } = certificate.value;
  if (claims.kid !== signer.keyId) throw new Error(`signer ${signer.keyId} carries the certificate of key ${claims.kid}`);
  if (manifest.provenance.signerKeyId !== signer.keyId) {
    throw new Error(`manifest provenance names signer ${manifest.provenance.signerKeyId}, but it is being signed by ${signer.keyId}`);
  }
  const problem = certificateValidityProblem(claims, Date.parse(manifest.createdAt));
  if (problem) throw new Error(`cannot sign a manifest created at ${manifest.createdAt}: ${problem}`);
  // Devices check the certificate at their own time: a manifest valid longer than its key would be refused early.
  if (Date.parse(manifest.expiresAt) > Date.parse(claims.notAfter)) {
    throw new Error(`manifest expiresAt ${manifest.expiresAt} is after the signing key's certificate ends (${claims.notAfter}): rotate the key or shorten the expiry`);
  }

  const signed = await createJws(
    { kid: signer.keyId, typ: jwsTypes.manifest, 'x-cert': signer.certificate },
    canonicalJsonBytes(manifest),
    (data) => signer.sign(data),
  );
  const decoded = decodeJws(signed);
  if (!decoded.ok || !verifyJwsSignature(decoded.jws, claims.jwk)) {
    throw new Error(`signer ${signer.keyId} produced a signature its certified public key does not verify: wrong key behind the signer?`);
  }
  return signed;
}
