import { createIotHubClients, splitHostPort } from '../../../../adapters/iothub/iothub-clients';

const key = 'c2VjcmV0LWtleS0xMjM0NTY3ODkwMTIzNDU2Nzg5MA==';

describe('IoT Hub clients from a connection string', () => {
  it.each<[string, string, { connectionString: string; host: string; port: number | undefined }]>([
    ['a hub in Azure', `HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`, { connectionString: `HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`, host: 'hub.azure-devices.net', port: undefined }],
    ['the local hub (port in HostName)', `HostName=localhost:48443;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`, { connectionString: `HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`, host: 'localhost', port: 48443 }],
    ['HostName not first, trailing semicolon', `SharedAccessKeyName=iothubowner;HostName=localhost:1;SharedAccessKey=${key};`, { connectionString: `SharedAccessKeyName=iothubowner;HostName=localhost;SharedAccessKey=${key}`, host: 'localhost', port: 1 }],
  ])('%s', (_, input, expected) => {
    expect(splitHostPort(input)).toEqual(expected);
  });

  it('refuses a connection string without HostName', () => {
    expect(() => splitHostPort(`SharedAccessKey=${key}`)).toThrow('no HostName');
  });

  it('gives both clients an agent for the port, which close() ends', () => {
    const clients = createIotHubClients({ connectionString: `HostName=localhost:48443;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}` });
    const agentOf = (client: object) => (client as any)._restApiClient._http._options.http.agent;
    expect(agentOf(clients.registry)).toBe(agentOf(clients.jobs));
    expect(agentOf(clients.registry).defaultPort).toBe(48443);
    expect(clients.hostName).toBe('localhost');
    clients.close();
  });
});
