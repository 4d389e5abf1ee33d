/** Cosmos document ids from free text: safe characters, one-to-one, and never over Cosmos' 255 characters. */
import { escapeId } from '../../../../adapters/cosmos/containers';

it('keeps safe characters and escapes the others one-to-one', () => {
  expect(escapeId('evt-1.2_3:4+5')).toBe('evt-1.2_3:4+5');
  expect(escapeId('a/b?c#d~')).toBe('a~2fb~3fc~23d~7e');
  expect(escapeId('~2f')).not.toBe(escapeId('/'));
});

it('maps an id that would be over 255 characters to a fixed-length one, distinct per value', () => {
  const long = 'x'.repeat(20_000);
  expect(escapeId(long)).toMatch(/^~h[0-9a-f]{64}$/);
  expect(escapeId(long)).toBe(escapeId('x'.repeat(20_000)));
  expect(escapeId(`${long}y`)).not.toBe(escapeId(long));
  expect(escapeId('/'.repeat(85))).toHaveLength(255); // 85 × 3 escaped characters still fits
  expect(escapeId('/'.repeat(86))).toMatch(/^~h/);
});
