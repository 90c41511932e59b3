/**
 * Append `item` to `list`; past `max` items, remove the oldest and hand it to `onDrop` (to log it).
 * Every drop-oldest queue of the package goes through here.
 */
export function boundedPush<T>(list: T[], item: T, max: number, onDrop: (dropped: T) => void): void {
  list.push(item);
  while (list.length > max) onDrop(list.shift() as T);
}
