/**
 * Runs `tasks` concurrently, each with a signal linked to `signal`, and resolves with their results in
 * order. When one fails, the others are aborted and the call rejects with that first error only once
 * every task has settled, so nothing started here is still in flight when the caller sees the failure.
 */
export async function allOrCancel<T>(tasks: readonly ((signal: AbortSignal) => Promise<T>)[], signal?: AbortSignal): Promise<T[]> {
  const controller = new AbortController();
  const linked = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  const pending = tasks.map((task) => task(linked));
  try {
    return await Promise.all(pending);
  } catch (error) {
    controller.abort();
    await Promise.allSettled(pending);
    throw error;
  }
}
