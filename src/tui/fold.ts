// Folding a burst of engine events into one line: the events of one command (or of the clock's steps
// while it runs) grouped by kind, in the order each kind first happened. A group of FOLD_AT or more
// events is one line with a count and the pVMs it touched, busiest first (`cow ×35: web.2 (20),
// web.3 (15)`); it opens to show every event. Fewer are shown one per line.

export interface EventItem {
  kind: string;
  name: string;
  text: string;
}

export interface EventGroup {
  kind: string;
  events: EventItem[];
}

/** Groups of this many events or more are folded. */
export const FOLD_AT = 3;

/** Events grouped by kind, kinds in the order they first occur, events in order within a kind. */
export function groupEvents(events: readonly EventItem[]): EventGroup[] {
  const byKind = new Map<string, EventItem[]>();
  for (const e of events) {
    const g = byKind.get(e.kind);
    if (g) g.push(e);
    else byKind.set(e.kind, [e]);
  }
  return [...byKind].map(([kind, es]) => ({ kind, events: es }));
}

/** How many events of the group each pVM had, most first (ties by name). */
export function countsByName(g: EventGroup): [string, number][] {
  const n = new Map<string, number>();
  for (const e of g.events) n.set(e.name, (n.get(e.name) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The folded line of a group: `cow ×35: web.2 (20), web.3 (15)`; names alone when each had one. */
export function foldText(g: EventGroup): string {
  const counts = countsByName(g);
  const once = counts.every(([, k]) => k === 1);
  return `${g.kind} ×${g.events.length}: ${counts.map(([name, k]) => (once ? name : `${name} (${k})`)).join(', ')}`;
}

/** One event as a line of its own: its kind in a column, then what happened. */
export function eventText(e: EventItem): string {
  return `${e.kind.padEnd(9)} ${e.text}`;
}
