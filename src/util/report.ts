/** Tell `listener` about `value`, if there is one. What it throws is ignored: it must not stop delivery. */
export function report<T>(listener: ((value: T) => void) | undefined, value: T): void {
  if (!listener) return;
  try {
    listener(value);
  } catch {
    // the host's listener failing is no reason to lose an event
  }
}
