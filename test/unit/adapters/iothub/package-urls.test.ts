import { BlobServiceClient, type UserDelegationKey } from '@azure/storage-blob';
import { createPackageUrls } from '../../../../adapters/blob/package-urls';

// Azurite's well-known development account (public, documented): signing needs no network.
const azurite =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';
const t0 = Date.parse('2026-11-30T10:00:00.000Z');
const hourMs = 3_600_000;

const paramsOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('package URLs (read-only SAS)', () => {
  it('signs with the account key: read only, from 5 min ago, for 24 h by default', async () => {
    const urlFor = createPackageUrls({ service: BlobServiceClient.fromConnectionString(azurite), containerName: 'updates', now: () => t0 });
    const url = await urlFor('contoso/line-controller/2.0.0/line-controller 2.0.0.swu');
    expect(url.split('?')[0]).toBe('http://127.0.0.1:10000/devstoreaccount1/updates/contoso/line-controller/2.0.0/line-controller%202.0.0.swu');
    expect(paramsOf(url)).toMatchObject({ sp: 'r', sr: 'b', spr: 'https,http', st: '2026-11-30T09:55:00Z', se: '2026-12-01T10:00:00Z' });
    expect(paramsOf(url).sig).toMatch(/^[A-Za-z0-9+/=]{44}$/);
  });

  it('honours a configured lifetime', async () => {
    const urlFor = createPackageUrls({ service: BlobServiceClient.fromConnectionString(azurite), containerName: 'updates', validForMs: 2 * hourMs, now: () => t0 });
    expect(paramsOf(await urlFor('a/b/1/f.bin')).se).toBe('2026-11-30T12:00:00Z');
  });

  describe('with a user delegation key (managed identity)', () => {
    function identityService() {
      const service = new BlobServiceClient('https://acct.blob.core.windows.net', { getToken: async () => ({ token: 't', expiresOnTimestamp: t0 + hourMs }) });
      const keyFor = (startsOn: Date, expiresOn: Date): UserDelegationKey => ({
        signedObjectId: 'oid', signedTenantId: 'tid', signedStartsOn: startsOn, signedExpiresOn: expiresOn, signedService: 'b', signedVersion: '2025-01-05', value: Buffer.from('k'.repeat(32)).toString('base64'),
      });
      const getUserDelegationKey = jest.spyOn(service, 'getUserDelegationKey').mockImplementation((async (startsOn: Date, expiresOn: Date) => keyFor(startsOn, expiresOn)) as never);
      return { service, getUserDelegationKey };
    }

    it('fetches one key for many URLs and signs them with it', async () => {
      const { service, getUserDelegationKey } = identityService();
      const urlFor = createPackageUrls({ service, containerName: 'updates', now: () => t0 });
      const urls = await Promise.all(['a', 'b', 'c'].map((f) => urlFor(`p/n/1/${f}`)));
      expect(getUserDelegationKey).toHaveBeenCalledTimes(1);
      expect(getUserDelegationKey.mock.calls[0]!.slice(0, 2)).toEqual([new Date(t0 - 300_000), new Date(t0 + 48 * hourMs + 300_000)]);
      expect(paramsOf(urls[0]!)).toMatchObject({ sp: 'r', spr: 'https', skoid: 'oid', sktid: 'tid', se: '2026-12-01T10:00:00Z' });
    });

    it('replaces the key before the URLs it signs would outlive it', async () => {
      const { service, getUserDelegationKey } = identityService();
      let now = t0;
      const urlFor = createPackageUrls({ service, containerName: 'updates', now: () => now });
      await urlFor('x');
      now = t0 + 23 * hourMs;
      await urlFor('x');
      expect(getUserDelegationKey).toHaveBeenCalledTimes(1);
      now = t0 + 25 * hourMs;
      await urlFor('x');
      expect(getUserDelegationKey).toHaveBeenCalledTimes(2);
    });

    it('does not keep a failed key request', async () => {
      const { service, getUserDelegationKey } = identityService();
      getUserDelegationKey.mockRejectedValueOnce(new Error('AuthorizationPermissionMismatch'));
      const urlFor = createPackageUrls({ service, containerName: 'updates', now: () => t0 });
      await expect(urlFor('x')).rejects.toThrow('AuthorizationPermissionMismatch');
      await expect(urlFor('x')).resolves.toContain('sig=');
    });
  });
});
