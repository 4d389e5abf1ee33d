import { FinishQueue } from '../../../../local-iothub/virtual-devices/finish-queue';

it('gives back only what is due, earliest first', () => {
  const queue = new FinishQueue<{ finishMs: number; id: number }>();
  const times = Array.from({ length: 500 }, (_, id) => ({ id, finishMs: (id * 7919) % 1000 }));
  for (const item of times) queue.push(item);
  expect(queue.popDue(-1)).toBeUndefined();
  const due: number[] = [];
  for (let item = queue.popDue(499); item; item = queue.popDue(499)) due.push(item.finishMs);
  expect(due).toEqual(times.map((t) => t.finishMs).filter((ms) => ms <= 499).sort((a, b) => a - b));
  expect(queue.size).toBe(500 - due.length);
});
