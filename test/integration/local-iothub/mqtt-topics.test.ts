/** The MQTT endpoint's pure parts: user names, device topics, property bags, and cutting a stream into packets. */
import * as mqttPacket from 'mqtt-packet';
import { PacketFramer, PacketTooLargeError } from '../../../local-iothub/mqtt/framer';
import { decodePropertyBag, isDeviceFilter, parseDevicePublish, parseUserName } from '../../../local-iothub/mqtt/topics';

describe('parseUserName', () => {
  it('reads host and device id, with or without the query, and refuses module identities', () => {
    expect(parseUserName('localhost/dev-1/?api-version=2021-04-12&DeviceClientType=x')).toEqual({ hostName: 'localhost', deviceId: 'dev-1', query: 'api-version=2021-04-12&DeviceClientType=x' });
    expect(parseUserName("hub/a?b:c=d@e$f'g/?api-version=1")?.deviceId).toBe("a?b:c=d@e$f'g");
    expect(parseUserName('hub/dev-1')?.deviceId).toBe('dev-1');
    expect(parseUserName('hub/dev-1/')?.deviceId).toBe('dev-1');
    expect(parseUserName('hub/dev-1/module-a/?api-version=1')).toBeUndefined();
    expect(parseUserName('hub')).toBeUndefined();
    expect(parseUserName('/dev-1/')).toBeUndefined();
  });
});

describe('device topics', () => {
  it('accepts only the four device filters, spelled exactly', () => {
    expect(isDeviceFilter('$iothub/twin/res/#', 'd')).toBe(true);
    expect(isDeviceFilter('devices/d/messages/devicebound/#', 'd')).toBe(true);
    expect(isDeviceFilter('devices/e/messages/devicebound/#', 'd')).toBe(false);
    expect(isDeviceFilter('$iothub/twin/#', 'd')).toBe(false);
  });

  it('parses twin, method and telemetry publishes and refuses anything else', () => {
    expect(parseDevicePublish('$iothub/twin/GET/?$rid=abc-1', 'd')).toEqual({ kind: 'twinGet', rid: 'abc-1' });
    expect(parseDevicePublish('$iothub/twin/PATCH/properties/reported/?$rid=7&$version=3', 'd')).toEqual({ kind: 'reportedPatch', rid: '7' });
    expect(parseDevicePublish('$iothub/methods/res/500/?$rid=9', 'd')).toEqual({ kind: 'methodResponse', rid: '9', status: 500 });
    expect(parseDevicePublish('devices/d/messages/events', 'd')).toEqual({ kind: 'telemetry', properties: {} });
    expect(parseDevicePublish('devices/d/messages/events/a=1&%24.mid=m', 'd')).toEqual({ kind: 'telemetry', properties: { a: '1', '$.mid': 'm' } });
    for (const topic of ['$iothub/twin/GET/', 'devices/e/messages/events/', 'devices/d/messages/eventsX', '$iothub/methods/POST/x/?$rid=1', 'anything', 'devices/d/messages/events/a=%E0%A4%A']) {
      expect(parseDevicePublish(topic, 'd').kind).toBe('invalid');
    }
  });

  it('keeps a __proto__ property as a plain property', () => {
    const bag = decodePropertyBag('__proto__=x&b=2')!;
    expect(Object.getPrototypeOf(bag)).toBe(Object.prototype);
    expect(bag).toEqual(Object.fromEntries([['__proto__', 'x'], ['b', '2']]));
  });
});

describe('PacketFramer', () => {
  const packets = [
    mqttPacket.generate({ cmd: 'pingreq' }),
    mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(300, 7), qos: 1, messageId: 3, dup: false, retain: false }),
    mqttPacket.generate({ cmd: 'publish', topic: 'big', payload: Buffer.alloc(20_000, 1), qos: 0, dup: false, retain: false }),
    mqttPacket.generate({ cmd: 'disconnect' }),
  ];
  const stream = Buffer.concat(packets);

  it.each([1, 2, 3, 7, 1000, stream.length])('yields the same packets whatever the chunking (%i bytes)', (size) => {
    const framer = new PacketFramer(256 * 1024);
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; at += size) out.push(...framer.push(stream.subarray(at, at + size)));
    expect(out).toEqual(packets);
  });

  it('refuses a packet over the limit from its header and a malformed length', () => {
    expect(() => new PacketFramer(1000).push(packets[2]!.subarray(0, 4))).toThrow(PacketTooLargeError);
    expect(() => new PacketFramer(1000).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff]))).toThrow(/malformed/);
  });
});
