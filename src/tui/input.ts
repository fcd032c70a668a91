// What a key or a mouse event does to the console, given the screen as last drawn (for page sizes and
// where things are). Keys go through the table in src/commands/keys.ts; any key first ends an animation
// that plays (the key then does what it does), so the class never waits for one.

import type { KeyAction } from '../commands/keys.js';
import type { ComposedFrame } from './compose.js';
import { PANE_ORDER } from './focus.js';
import { actionOf, type KeyMode, type MouseEvent } from './keymap.js';
import { type PaneId, paneAt, type PanelId } from './layout.js';
import * as edit from './lineedit.js';
import type { ConsoleModel } from './model.js';
import { panesShown } from './compose.js';

export interface InputEnv {
  frame: ComposedFrame;
  tooSmall: boolean;
  /** Leave the console: for good, or for the dashboard. */
  leave(why: 'quit' | 'dashboard'): void;
  redraw(): void;
  /** File names for completion. */
  files(prefix: string): string[];
}

export function modeOf(m: ConsoleModel): KeyMode {
  return m.host.offer ? 'offer' : m.host.player ? 'playing' : 'prompt';
}

/** Rows of the slot showing `id` now, and where its view starts (for scrolling by a page). */
function rangeOf(f: ComposedFrame, id: PanelId): { first: number; total: number; rows: number } | undefined {
  const s = f.slots.find((x) => x.slot.shown === id);
  return s ? { first: s.view.first, total: s.view.total, rows: Math.max(1, s.slot.rect.h - s.top) } : undefined;
}

/** Scroll a pane by `pages` pages (negative: up), or to an end. */
export function scrollPane(m: ConsoleModel, f: ComposedFrame, pane: PaneId, by: number | 'top' | 'end'): void {
  if (pane === 'output') {
    const page = Math.max(1, f.outputRows);
    if (by === 'top') m.out.toTop(page);
    else if (by === 'end') m.out.live();
    else m.out.scrollUp(-by * Math.max(1, page - 1), page);
  } else if (pane === 'tree') {
    const rows = Math.max(1, (rangeOf(f, 'tree')?.rows ?? 2) - 2);
    m.select(by === 'top' ? 'first' : by === 'end' ? 'last' : by * rows);
  } else {
    const r = rangeOf(f, pane);
    const page = Math.max(1, (r?.rows ?? 2) - 1);
    m.focus.scrollBy(
      pane,
      by === 'top' ? -Number.MAX_SAFE_INTEGER : by === 'end' ? Number.MAX_SAFE_INTEGER : by * page,
      r,
    );
  }
  m.changed();
}

function focusPane(m: ConsoleModel, f: ComposedFrame, pane: PaneId): void {
  if (!panesShown(f).includes(pane)) return;
  m.focus.set(pane);
  m.changed();
}

/** One key by name; 'left' when the console is leaving. */
export function onKey(m: ConsoleModel, name: string, env: InputEnv): 'left' | undefined {
  const mode = modeOf(m);
  let action: KeyAction | undefined = actionOf(name, mode);
  const l = m.line;
  if (env.tooSmall && action !== 'delete-char-or-exit' && action !== 'clear-line') return undefined;
  if (action === 'complete' && l.text === '') action = 'focus-next';
  const f = env.frame;
  switch (action) {
    case 'submit': {
      const r = m.submit();
      if (r.quit || r.dashboard) {
        env.leave(r.quit ? 'quit' : 'dashboard');
        return 'left';
      }
      break;
    }
    case 'play-next':
      m.host.playNext();
      break;
    case 'play-back':
      m.host.playBack();
      break;
    case 'play-stop':
      m.host.playStop();
      break;
    case 'offer-reset':
      m.host.answerOffer('reset');
      break;
    case 'offer-keep':
      m.host.answerOffer('keep');
      break;
    case 'offer-cancel':
      m.host.answerOffer('cancel');
      break;
    case 'complete':
      m.complete(env.files);
      break;
    case 'history-prev':
      m.setLine(edit.historyPrev(l, m.history));
      break;
    case 'history-next':
      m.setLine(edit.historyNext(l, m.history));
      break;
    case 'left':
      m.setLine(edit.move(l, l.cursor - 1));
      break;
    case 'right':
      m.setLine(edit.move(l, l.cursor + 1));
      break;
    case 'home':
      if (l.text === '' && name === 'Home') scrollPane(m, f, m.focus.pane, 'top');
      else m.setLine(edit.move(l, 0));
      break;
    case 'end':
      if (l.text === '' && name === 'End') scrollPane(m, f, m.focus.pane, 'end');
      else m.setLine(edit.move(l, l.text.length));
      break;
    case 'backspace':
      m.setLine(edit.backspace(l));
      break;
    case 'delete-char-or-exit':
      if (l.text === '') {
        env.leave('quit');
        return 'left';
      }
      m.setLine(edit.deleteUnder(l));
      break;
    case 'clear-line':
      m.interrupt();
      break;
    case 'kill-before':
      m.setLine(edit.killBefore(l));
      break;
    case 'kill-after':
      m.setLine(edit.killAfter(l));
      break;
    case 'kill-word':
      m.setLine(edit.killWord(l));
      break;
    case 'select-prev':
      m.select('prev');
      break;
    case 'select-next':
      m.select('next');
      break;
    case 'select-first':
      m.select('first');
      break;
    case 'select-last':
      m.select('last');
      break;
    case 'scroll-up':
      scrollPane(m, f, m.focus.pane, -1);
      break;
    case 'scroll-down':
      scrollPane(m, f, m.focus.pane, 1);
      break;
    case 'focus-next':
    case 'focus-prev':
      m.focus.cycle(panesShown(f), action === 'focus-next' ? 1 : -1);
      m.changed();
      break;
    case 'focus-output':
      focusPane(m, f, 'output');
      break;
    case 'focus-1':
    case 'focus-2':
    case 'focus-3':
    case 'focus-4':
    case 'focus-5':
    case 'focus-6':
    case 'focus-7':
      focusPane(m, f, PANE_ORDER[Number(action.slice(-1)) - 1]!);
      break;
    case 'toggle-folds':
      m.out.toggleAll();
      m.changed();
      break;
    case 'redraw':
      env.redraw();
      break;
    default:
      break;
  }
  return undefined;
}

/** The wheel scrolls the pane under the pointer; a click focuses it, selects a pVM, or opens a fold. */
export function onMouse(m: ConsoleModel, e: MouseEvent, f: ComposedFrame): void {
  const at = paneAt(f.layout, e.x, e.y);
  if (!at) return;
  if (e.kind === 'wheel-up' || e.kind === 'wheel-down') {
    const dir = e.kind === 'wheel-up' ? -1 : 1;
    if (at.pane === 'output') m.out.scrollUp(-dir * 3, Math.max(1, f.outputRows));
    else if (at.pane === 'tree') m.select(dir);
    else m.focus.scrollBy(at.pane, dir, rangeOf(f, at.pane));
    m.changed();
    return;
  }
  if (e.kind !== 'press') return;
  if (at.pane === 'output') {
    m.focus.set('output');
    const fold = f.folds[at.row - 1];
    if (fold) m.out.toggle(fold);
    m.changed();
    return;
  }
  const s = f.slots.find((x) => x.slot.shown === at.pane);
  // A click on the tab strip of a shared slot shows the tab clicked.
  const tab =
    s && at.row === 0 ? s.tabs.find((t) => e.x - s.slot.rect.x >= t.from && e.x - s.slot.rect.x < t.to) : undefined;
  m.focus.set(tab?.id ?? at.pane);
  const domid = s ? s.view.domids?.[at.row - s.top] : undefined;
  if (domid !== undefined && domid !== null) m.selectDomid(domid);
  m.changed();
}
