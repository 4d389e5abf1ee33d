/**
 * Signing: a two-level key hierarchy. An offline root key, which devices trust, certifies online signing keys;
 * the service signs manifests with an online key (Key Vault in Azure, a key file locally) through the signer port.
 * Signing keys rotate and are revoked by new root-signed documents, without touching devices.
 */

/** A public key as JWK (EC P-256 for ES256). */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
}

/** Claims of a signing-key certificate: the root vouches that `jwk` may sign manifests in [notBefore, notAfter). */
export interface SigningKeyCertificateClaims {
  kid: string;
  jwk: PublicJwk;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
}

/** Claims of a revocation list: keys no device may trust any more; a higher `serial` replaces a lower one. */
export interface RevocationListClaims {
  serial: number;
  revokedKids: string[];
  issuedAt: string;
}

/** Port: signs bytes with the current online key (ES256: SHA-256 then ECDSA P-256, raw r‖s signature). */
export interface ManifestSigner {
  readonly keyId: string;
  /** The root-signed certificate of this key (compact JWS), shipped in every signed manifest's header. */
  readonly certificate: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}
