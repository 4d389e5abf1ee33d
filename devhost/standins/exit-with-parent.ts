/**
 * Ends a child process when its parent is gone, however the parent went (`kill -9` included, where no exit handler
 * of the parent runs). The parent holds the write end of the child's stdin pipe; the operating system closes it when
 * the parent dies, and the child reads end-of-file. Portable (no prctl), and costs nothing while the parent lives.
 */
export function exitWithParent(onParentGone: () => void): void {
  const stdin = process.stdin;
  let gone = false;
  const once = () => {
    if (gone) return;
    gone = true;
    onParentGone();
  };
  stdin.on('end', once);
  stdin.on('error', once);
  stdin.resume();
  // Watching must not keep the child alive once its own work is done (e.g. after a graceful shutdown).
  (stdin as unknown as { unref?: () => void }).unref?.();
}
