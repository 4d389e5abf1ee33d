/** LEB128 unsigned varints, and zigzag for signed ones: small numbers take one byte, so control data stays small. */
export class VarintWriter {
  private bytes: number[] = [];

  uint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  int(value: number): void {
    this.uint(value < 0 ? -2 * value - 1 : 2 * value);
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export class VarintReader {
  pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  uint(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const byte = this.bytes[this.pos++];
      if (byte === undefined || scale > 2 ** 49) throw new Error('corrupt delta: bad varint');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
  }

  take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw new Error('corrupt delta: truncated');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}
