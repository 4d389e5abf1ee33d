// Workloads for `npm run bench:devhost`: a wide fan-out through sub-orchestrations, and a long sequential history.
const df = require('durable-functions');

df.app.activity('noop', { handler: (n) => n });

df.app.orchestration('fanOutChunk', function* (context) {
  const { offset, size } = context.df.getInput();
  const tasks = [];
  for (let i = 0; i < size; i++) tasks.push(context.df.callActivity('noop', offset + i));
  const results = yield context.df.Task.all(tasks);
  return results.length;
});

df.app.orchestration('fanOutAll', function* (context) {
  const { total, chunk } = context.df.getInput();
  const children = [];
  for (let offset = 0; offset < total; offset += chunk) {
    children.push(context.df.callSubOrchestrator('fanOutChunk', { offset, size: Math.min(chunk, total - offset) }));
  }
  const counts = yield context.df.Task.all(children);
  return counts.reduce((a, b) => a + b, 0);
});

df.app.orchestration('sequence', function* (context) {
  const n = context.df.getInput();
  for (let i = 0; i < n; i++) yield context.df.callActivity('noop', i);
  return n;
});
