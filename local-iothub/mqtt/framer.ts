/**
 * Cuts a byte stream into whole MQTT control packets. mqtt-packet's parser buffers whatever length a header
 * announces; reading the fixed header here first lets a connection refuse an oversized packet before holding it.
 */
export class PacketTooLargeError extends Error {
  override name = 'PacketTooLargeError';
}

export class PacketFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Total size of the packet at the head of the buffer; 0 while its fixed header is incomplete. */
  private expected = 0;

  constructor(private readonly maxPacketBytes: number) {}

  /** The packets completed by `data`; throws on a malformed length or a packet over the limit. */
  push(data: Buffer): Buffer[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const packets: Buffer[] = [];
    for (;;) {
      if (this.expected === 0) {
        const size = this.packetSize();
        if (size === undefined) break;
        if (size > this.maxPacketBytes) throw new PacketTooLargeError(`packet of ${size} bytes exceeds ${this.maxPacketBytes}`);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      packets.push(all.subarray(0, this.expected));
      const rest = all.subarray(this.expected);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.expected = 0;
    }
    return packets;
  }

  /** Fixed header: one type byte, then the remaining length in 1–4 bytes of 7 bits each (MQTT 3.1.1 §2.2.3). */
  private packetSize(): number | undefined {
    if (this.buffered < 2) return undefined;
    const head = this.chunks[0]!.length >= 5 ? this.chunks[0]! : Buffer.concat(this.chunks, Math.min(this.buffered, 5));
    let remaining = 0;
    for (let i = 1; i <= 4; i++) {
      if (i >= head.length) return undefined;
      const byte = head[i]!;
      remaining += (byte & 0x7f) * 128 ** (i - 1);
      if ((byte & 0x80) === 0) return 1 + i + remaining;
    }
    throw new Error('malformed remaining length');
  }
}
