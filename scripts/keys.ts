/**
 * `npm run keys -- <command>`: the offline side of the signing-key hierarchy. Run it where the root key lives
 * (never in the service); what it writes — certificates and revocation lists — is public and goes to the service.
 *
 *   create-root --out <dir>                                  root key pair: root-private.pem, root-public.jwk.json
 *   issue   --root <dir> --out <dir> [--days 90]             signing key pair + root-signed signing-certificate.jws
 *   certify --root <dir> --public-jwk <file> --out <file> [--days 90]
 *                                                            certificate for a key held elsewhere (Key Vault: the
 *                                                            output of `az keyvault key show` or its `key` JWK)
 *   revoke  --root <dir> --kid <kid> --list <file>           adds kid to the root-signed revocation list, serial + 1
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { PublicJwk } from '../domain/packages/signing';
import { isRecord } from '../device-agent/json-shape';
import { jwkThumbprint } from '../adapters/signing/ec-keys';
import { replaceFile } from '../adapters/signing/key-dir';
import { createRootKey, issueSigningKey, readRootKey, revokeSigningKey } from '../adapters/signing/key-hierarchy';
import { issueCertificate } from '../adapters/signing/root-documents';

const day = 24 * 60 * 60 * 1000;

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days <= 0) throw new InvalidArgumentError('must be a positive whole number of days');
  return days;
}

function validityFrom(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: now, notAfter: new Date(now.getTime() + days * day) };
}

/** Accepts a bare P-256 JWK or Key Vault's key bundle `{ key: { kty, crv, x, y, … } }`; the kid becomes the thumbprint. */
async function readPublicJwk(file: string): Promise<PublicJwk> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  const jwk = isRecord(parsed) && isRecord(parsed.key) ? parsed.key : parsed;
  if (!isRecord(jwk) || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error(`${file} holds no P-256 public JWK (kty EC, crv P-256, x, y)`);
  }
  const members = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } as const;
  return { ...members, kid: jwkThumbprint(members) };
}

/** The CLI as a value, so tests run it in-process; `log` receives one line per result. */
export function keysProgram(log: (line: string) => void = console.log, clock: () => Date = () => new Date()): Command {
  const program = new Command('keys').description('Root and signing keys for signed update manifests').exitOverride();

  program
    .command('create-root')
    .description('create the offline root key pair devices trust')
    .requiredOption('--out <dir>', 'directory for root-private.pem and root-public.jwk.json')
    .action(async (options: { out: string }) => {
      const jwk = await createRootKey(options.out);
      log(`root key ${jwk.kid} created in ${options.out}; keep root-private.pem offline, give devices root-public.jwk.json`);
    });

  program
    .command('issue')
    .description('create a signing key pair with a certificate from the root')
    .requiredOption('--root <dir>', 'root key directory')
    .requiredOption('--out <dir>', 'directory for the signing key and its certificate')
    .option('--days <n>', 'certificate validity in days', parseDays, 90)
    .action(async (options: { root: string; out: string; days: number }) => {
      const now = clock();
      const claims = await issueSigningKey({ rootDir: options.root, outDir: options.out, validity: validityFrom(now, options.days), now });
      log(`signing key ${claims.kid} issued in ${options.out}, valid until ${claims.notAfter}`);
    });

  program
    .command('certify')
    .description('certify a public key held elsewhere (a Key Vault key)')
    .requiredOption('--root <dir>', 'root key directory')
    .requiredOption('--public-jwk <file>', 'the public key as JWK, or the JSON of `az keyvault key show`')
    .requiredOption('--out <file>', 'where to write the certificate (compact JWS)')
    .option('--days <n>', 'certificate validity in days', parseDays, 90)
    .action(async (options: { root: string; publicJwk: string; out: string; days: number }) => {
      const now = clock();
      const jwk = await readPublicJwk(options.publicJwk);
      const certificate = await issueCertificate(await readRootKey(options.root), jwk, validityFrom(now, options.days), now);
      await replaceFile(options.out, `${certificate}\n`);
      log(`key ${jwk.kid} certified in ${options.out} for ${options.days} days`);
    });

  program
    .command('revoke')
    .description('revoke a signing key: add its kid to the root-signed revocation list')
    .requiredOption('--root <dir>', 'root key directory')
    .requiredOption('--kid <kid>', 'key id of the signing key to revoke')
    .requiredOption('--list <file>', 'revocation list file (created if missing)')
    .action(async (options: { root: string; kid: string; list: string }) => {
      const { claims, changed } = await revokeSigningKey({ rootDir: options.root, kid: options.kid, listPath: options.list, now: clock() });
      log(changed ? `key ${options.kid} revoked: ${options.list} is now serial ${claims.serial}` : `key ${options.kid} was revoked already (serial ${claims.serial})`);
    });

  return program;
}

if (require.main === module) {
  keysProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      // Commander has printed its own usage errors and help; everything else is ours to say.
      if (err instanceof CommanderError) process.exit(err.exitCode);
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
