/** The value of a `durableClient` input binding: where `df.getClient(context)` sends its HTTP calls. */
import { managementUrls } from './client-api';

export function durableClientBinding(baseUrl: string, taskHub: string): Record<string, unknown> {
  const placeholder = 'INSTANCEID';
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${baseUrl}/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?code=local`,
      createAndWaitOnNewInstancePostUri: `${baseUrl}/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=local`,
    },
    managementUrls: { ...managementUrls(baseUrl, taskHub, placeholder), id: placeholder },
    baseUrl: `${baseUrl}/runtime/webhooks/durabletask`,
    requiredQueryStringParameters: 'code=local',
    rpcBaseUrl: `${baseUrl}/durabletask/`,
    httpBaseUrl: `${baseUrl}/runtime/webhooks/durabletask`,
    maxGrpcMessageSizeInBytes: 0,
    grpcHttpClientTimeout: '00:01:40',
  };
}
