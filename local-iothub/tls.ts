/**
 * The hub's TLS: a self-signed CA made on first start and kept with the data (so devices and clients that trust it
 * keep working across restarts), and a server certificate it signs for `localhost` and 127.0.0.1 (what the SDKs
 * connect to). EC P-256 keys; files: ca.pem (give this to clients), ca-key.pem, server.pem, server-key.pem.
 */
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface HubTls {
  caCertFile: string;
  ca: string;
  cert: string;
  key: string;
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const dayMs = 24 * 60 * 60 * 1000;

export async function ensureHubTls(dir: string): Promise<HubTls> {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  if (['ca.pem', 'server.pem', 'server-key.pem'].every((name) => fs.existsSync(file(name)))) {
    const server = new x509.X509Certificate(fs.readFileSync(file('server.pem'), 'utf8'));
    // Re-issued a week before it expires; the CA (what clients trust) stays.
    if (server.notAfter.getTime() - Date.now() > 7 * dayMs) return read(dir);
  }
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  let caKeys: CryptoKeyPair;
  let caCert: x509.X509Certificate;
  if (fs.existsSync(file('ca.pem')) && fs.existsSync(file('ca-key.pem'))) {
    caCert = new x509.X509Certificate(fs.readFileSync(file('ca.pem'), 'utf8'));
    const privateKey = await importPrivateKey(fs.readFileSync(file('ca-key.pem'), 'utf8'));
    caKeys = { privateKey, publicKey: await caCert.publicKey.export(algorithm, ['verify']) };
  } else {
    caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Local IoT Hub CA',
      keys: caKeys,
      notBefore: new Date(Date.now() - dayMs),
      notAfter: new Date(Date.now() + 3650 * dayMs),
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    writePrivate(file('ca-key.pem'), await exportPrivateKey(caKeys.privateKey));
    fs.writeFileSync(file('ca.pem'), caCert.toString('pem'));
  }
  const serverKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: caCert.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore: new Date(Date.now() - dayMs),
    notAfter: new Date(Date.now() + 825 * dayMs),
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  writePrivate(file('server-key.pem'), await exportPrivateKey(serverKeys.privateKey));
  fs.writeFileSync(file('server.pem'), server.toString('pem'));
  return read(dir);
}

function read(dir: string): HubTls {
  const caCertFile = path.join(dir, 'ca.pem');
  return {
    caCertFile,
    ca: fs.readFileSync(caCertFile, 'utf8'),
    cert: fs.readFileSync(path.join(dir, 'server.pem'), 'utf8'),
    key: fs.readFileSync(path.join(dir, 'server-key.pem'), 'utf8'),
  };
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']) as Promise<CryptoKey>;
}

function writePrivate(file: string, pem: string): void {
  fs.writeFileSync(file, pem, { mode: 0o600 });
}
