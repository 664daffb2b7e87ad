/**
 * Notices when a named network namespace is deleted under a long-running command. `ip netns del`
 * only removes the name (/run/netns/NAME): a socket inside keeps the namespace itself alive, so
 * the monitor would wait for ever on a namespace nobody can reach any more, and hold it in memory.
 */
import { statSync } from 'node:fs';

/** The namespace /run/netns/NAME names now (device and inode of the nsfs file), or undefined. */
function identity(name: string): string | undefined {
  try {
    const st = statSync(`/run/netns/${name}`);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` once when /run/netns/NAME disappears (or is missing already) or comes to name
 * another namespace (deleted and made again). Checked every `intervalMs`; the timer never keeps the process alive. Returns
 * the function that stops watching.
 */
export function watchNetns(name: string, onGone: () => void, intervalMs = 1000): () => void {
  // The caller has entered the namespace already (the monitor subscribes first): a name gone
  // by now was deleted since.
  const first = identity(name);
  const timer = setInterval(() => {
    if (first !== undefined && identity(name) === first) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
