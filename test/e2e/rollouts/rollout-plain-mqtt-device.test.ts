/**
 * A device written by someone else against docs/device-twin-contract.md — a plain MQTT 3.1.1 client over TLS with
 * a SAS token from its registry key, no Azure SDK — takes part in a rollout through the local IoT Hub: it gets its
 * command, reports, and the rollout completes or rolls back as its reports say. Real time (no time-skipping): a
 * real device stamps its reports with its own clock, as in a plant.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, lineController } from './fixtures';

interface HubInfo { hostName: string; mqttsPort: number; caCertFile: string }

/** The SAS token a device signs with its own key: HMAC-SHA256 over `<url-encoded resource>\n<expiry>`. */
function deviceToken(hostName: string, deviceId: string, key: string): string {
  const sr = encodeURIComponent(`${hostName}/devices/${deviceId}`);
  const se = Math.floor(Date.now() / 1000) + 3600;
  const sig = createHmac('sha256', Buffer.from(key, 'base64')).update(`${sr}\n${se}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}`;
}

/** The contract's device: acts once per command id, reports installing then its outcome; `fails` makes installs of that version fail. */
class PlainDevice {
  readonly commands: string[] = [];
  private rid = 0;
  private version = '1.0.0';

  private constructor(private readonly client: MqttClient, private readonly fails: string | undefined) {}

  static async connect(info: HubInfo, deviceId: string, key: string, fails?: string): Promise<PlainDevice> {
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${info.mqttsPort}`, {
      clientId: deviceId,
      username: `${info.hostName}/${deviceId}/?api-version=2021-04-12`,
      password: deviceToken(info.hostName, deviceId, key),
      protocolVersion: 4,
      clean: false,
      ca: fs.readFileSync(info.caCertFile),
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    const device = new PlainDevice(client, fails);
    client.on('message', (topic, payload) => device.onMessage(topic, payload));
    await client.subscribeAsync(['$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#'], { qos: 0 });
    await device.report({ state: 'idle', installedVersion: device.version, software: { 'line-controller': device.version }, healthy: true, at: new Date().toISOString() });
    await client.publishAsync(`$iothub/twin/GET/?$rid=${++device.rid}`, '');
    return device;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer): void {
    let desired: any;
    if (topic.startsWith('$iothub/twin/res/200/')) desired = JSON.parse(payload.toString()).desired;
    else if (topic.startsWith('$iothub/twin/PATCH/properties/desired/')) desired = JSON.parse(payload.toString());
    const command = desired?.ota?.command;
    if (!command?.id || this.commands.includes(command.id)) return;
    this.commands.push(command.id);
    void this.install(command);
  }

  private async install(command: { id: string; update: { name: string; version: string } }): Promise<void> {
    const base = { commandId: command.id, healthy: true };
    await this.report({ ...base, state: 'installing', installedVersion: this.version, software: { 'line-controller': this.version }, at: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 200));
    if (command.update.version === this.fails) {
      await this.report({ ...base, state: 'failed', installedVersion: this.version, software: { 'line-controller': this.version }, error: { code: 'health-probe', message: 'line speed probe failed' }, at: new Date().toISOString() });
      return;
    }
    this.version = command.update.version;
    await this.report({ ...base, state: 'succeeded', installedVersion: this.version, software: { 'line-controller': this.version }, error: null, at: new Date().toISOString() });
  }

  private async report(ota: Record<string, unknown>): Promise<void> {
    await this.client.publishAsync(`$iothub/twin/PATCH/properties/reported/?$rid=${++this.rid}`, JSON.stringify({ ota }));
  }
}

describe('a plain MQTT device following the twin contract', () => {
  let stack: LocalStack;
  let info: HubInfo;
  const devices: PlainDevice[] = [];

  /** Registers the device in the stack's hub with its tags and connects it with its own key. */
  async function plainDevice(deviceId: string, fails?: string): Promise<PlainDevice> {
    const { registry } = stack.iotHub();
    await registry.create({ deviceId });
    await registry.updateTwin(deviceId, { tags: { site: 'plant-z', model: 'ctl-a' } }, '*');
    const key = (await registry.get(deviceId)).responseBody.authentication!.symmetricKey!.primaryKey!;
    const device = await PlainDevice.connect(info, deviceId, key, fails);
    devices.push(device);
    return device;
  }

  beforeAll(async () => {
    // A few virtual devices besides, at another site: the rollouts below must not touch them.
    stack = await startLocalStack({ fleet: writeProfile({ devices: [{ count: 5, idPrefix: 'v-', tags: { site: 'plant-y', model: 'ctl-a' }, installedVersion: '1.0.0' }] }) });
    info = JSON.parse(fs.readFileSync(/IoT Hub connection info[^:]*: (\S+)/.exec(stack.output())![1]!, 'utf8'));
    await registerUpdate(stack, '2.0.0');
    await registerUpdate(stack, '2.1.0');
  });
  afterAll(async () => {
    for (const device of devices) await device.close().catch(() => undefined);
    await stack?.stop();
  });

  const rollout = (version: string, deviceIds: string[]) => ({
    updateId: lineController(version),
    target: { deviceIds },
    canary: { devices: 1 },
    canarySoak: 'PT2S',
    waves: [{ percent: 100, soak: 'PT2S' }],
    healthCheckInterval: 'PT1S',
    deviceTimeout: 'PT30S',
    failureThreshold: { count: 1 },
  });

  it('gets its command once, reports, and the rollout completes on its reports', async () => {
    const one = await plainDevice('plain-1');
    const two = await plainDevice('plain-2');
    const created = await stack.api('POST', 'rollouts', rollout('2.0.0', ['plain-1', 'plain-2']));
    expect(created.status).toBe(201);
    const done = await waitForRollout(stack, created.body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled'], 60_000);
    expect(done.status).toBe('Completed');
    expect(done.counts).toMatchObject({ targeted: 2, succeeded: 2, failed: 0 });
    expect([one.commands.length, two.commands.length]).toEqual([1, 1]);
    expect((await stack.api('GET', 'devices/plain-1')).body).toMatchObject({ installedVersion: '2.0.0', state: 'succeeded', healthy: true });
    for (let i = 0; i < 5; i++) expect(await stack.commandsOf(`v-${i}`)).toEqual([]);
  });

  it('fails its install, and the rollout rolls back and verifies the restore from its reports', async () => {
    const failing = await plainDevice('plain-3', '2.1.0');
    const created = await stack.api('POST', 'rollouts', rollout('2.1.0', ['plain-3']));
    expect(created.status).toBe(201);
    const done = await waitForRollout(stack, created.body.id, ['Completed', 'RolledBack', 'Failed', 'Cancelled'], 60_000);
    expect(done.status).toBe('RolledBack');
    expect(failing.commands).toEqual([expect.stringMatching(/:install$/), expect.stringMatching(/:restore$/)]);
    expect((await stack.api('GET', 'devices/plain-3')).body).toMatchObject({ installedVersion: '1.0.0' });
  });
});
