import { Decoder, Encoder } from '@toondepauw/node-zstd';
import { DeltaCodec, toolName } from '../codec';

/** zstd with the base as dictionary through a prebuilt binding that exposes only a level: the default window. */
export const zstdDict: DeltaCodec = {
  tool: toolName('@toondepauw/node-zstd'),
  createDelta: async (base, target) => new Uint8Array(await new Encoder(19, Buffer.from(base)).encode(Buffer.from(target))),
  applyDelta: async (base, delta) => new Uint8Array(await new Decoder(Buffer.from(base)).decode(Buffer.from(delta))),
};
