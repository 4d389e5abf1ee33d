/** The local hub's MQTT device endpoint. */
export { startMqttServer, type MqttServer, type MqttServerOptions } from './server';
export type { AdmitOperation } from './device-connection';
