// The console's React tree: one block of prebuilt lines, the whole screen but its last row (compose.ts
// lays it out and draws it; lines.tsx hands it to ink without measuring it again). React only follows
// the model (useSyncExternalStore) and carries keys and mouse events to input.ts.

import { Text, useApp, useCursor, useInput, useStdin, type Key } from 'ink';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { composeFrame } from './compose.js';
import { fileCandidates } from './files.js';
import { type InputEnv, onKey, onMouse } from './input.js';
import { keyEvents, mouseEvent, playKeyName } from './keymap.js';
import { TOO_SMALL } from './layout.js';
import * as edit from './lineedit.js';
import { Lines } from './lines.js';
import type { ConsoleModel } from './model.js';
import { modeOf } from './input.js';

/** Why the console is leaving: for good, or for the dashboard. */
export type Leave = 'quit' | 'dashboard';

export interface ConsoleProps {
  model: ConsoleModel;
  cols: number;
  rows: number;
  /** The console is leaving: for good (quit) or for the dashboard. */
  onLeave?: (why: Leave) => void;
  /** Ctrl+L: clear the screen and draw everything again. */
  onRedraw?: () => void;
  /** File names for Tab after play, source, save, restore (default: the disk). */
  files?: (prefix: string) => string[];
}

export function Console({ model, cols, rows, onLeave, onRedraw, files }: ConsoleProps) {
  useSyncExternalStore(model.subscribe, model.getVersion);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { setCursorPosition } = useCursor();
  const frame = composeFrame(model, cols, rows);
  // Handlers read the screen as last drawn (page sizes, where panes are).
  const drawn = useRef(frame);
  drawn.current = frame;

  const leave = useCallback(
    (why: Leave) => {
      onLeave?.(why);
      exit();
    },
    [onLeave, exit],
  );

  const onInput = useCallback(
    (input: string, key: Key) => {
      const env: InputEnv = {
        frame: drawn.current,
        tooSmall: drawn.current.layout.tooSmall,
        leave,
        redraw: () => onRedraw?.(),
        files: files ?? ((p) => fileCandidates(p)),
      };
      const mouse = mouseEvent(input);
      if (mouse) {
        if (!env.tooSmall) onMouse(model, mouse, env.frame);
        return;
      }
      // Any key ends an animation that plays, then does what it does.
      model.animator.skip();
      for (const ev of keyEvents(input, key)) {
        const mode = modeOf(model);
        if (ev.kind === 'text' && mode === 'prompt') {
          if (!env.tooSmall) model.setLine(edit.insert(model.line, ev.text));
          continue;
        }
        const names = ev.kind === 'text' ? [...ev.text].map(playKeyName) : [ev.name];
        for (const name of names) if (onKey(model, name, env) === 'left') return;
      }
    },
    [model, leave, onRedraw, files],
  );

  // Ink's useInput throws without raw mode (stdin not a terminal): listen only when it is supported.
  useInput(onInput, { isActive: isRawModeSupported === true });

  setCursorPosition(frame.cursor);
  if (frame.layout.tooSmall) return <Text wrap="truncate">{TOO_SMALL}</Text>;
  return <Lines lines={frame.lines} />;
}
