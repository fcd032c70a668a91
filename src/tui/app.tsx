// The console's React tree: the log through <Static> (printed once, scrolled by the terminal), then the
// live area pinned below it — header, panels, usage hint, prompt — which ink redraws line by line when
// something changed. Keys go through the table in src/commands/keys.ts.

import { Box, Static, Text, useApp, useCursor, useInput, useStdin, type Key } from 'ink';
import { memo, useCallback, useSyncExternalStore } from 'react';
import { Header, Hint, Prompt, promptWindow } from './chrome.js';
import { actionOf, keyEvents, type KeyMode, playKeyName } from './keymap.js';
import { PlayBar, RunBar } from './playbar.js';
import { layout, Layout, TOO_SMALL } from './layout.js';
import * as edit from './lineedit.js';
import type { ConsoleModel, LogLine } from './model.js';
import { PANELS } from './panels/index.js';
import type { Panel } from './panels/registry.js';

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
}

const LogText = memo(function LogText({ line }: { line: LogLine }) {
  switch (line.kind) {
    case 'banner':
      return (
        <Text bold color="cyan">
          {line.text}
        </Text>
      );
    case 'input':
      return (
        <Text>
          <Text dimColor>kylinx&gt; </Text>
          {line.text}
        </Text>
      );
    case 'error':
      return <Text color="red">{line.text}</Text>;
    case 'event':
      if (line.event === 'stage') return <Text color="magenta">{line.text}</Text>;
      return (
        <Text>
          <Text color="magenta">• </Text>
          {line.text}
        </Text>
      );
    case 'say':
      return (
        <Text bold color="yellow">
          {line.text}
        </Text>
      );
    case 'notice':
      return <Text color="yellow">{line.text}</Text>;
    case 'choices':
      return <Text dimColor>{line.text}</Text>;
    case 'blank':
      return <Text> </Text>;
    default:
      return <Text>{line.text}</Text>;
  }
});

/** Split `total` columns between panels by their grow factors. */
function widths(panels: Panel[], total: number): number[] {
  const g = panels.reduce((s, p) => s + p.grow, 0);
  let left = total;
  return panels.map((p, i) => {
    const w = i === panels.length - 1 ? left : Math.floor((total * p.grow) / g);
    left -= w;
    return w;
  });
}

function Panels({ model, L }: { model: ConsoleModel; L: Layout }) {
  const shown = PANELS.filter((p) => p.available(model));
  const main = shown.filter((p) => p.row === 'main');
  const extra = shown.filter((p) => p.row === 'extra');
  const extraRows = extra.length > 0 ? Math.floor(L.panelRows * 0.4) : 0;
  const rowsOf: [Panel[], number][] = [
    [main, L.panelRows - extraRows],
    [extra, extraRows],
  ];
  return (
    <Box flexDirection="column" height={L.panelRows}>
      {rowsOf.map(([ps, h], i) =>
        ps.length === 0 || h <= 0 ? null : (
          <Box key={i} flexDirection="row" height={h}>
            {ps.map((p, j) => (
              <p.Component
                key={p.id}
                model={model}
                snapshot={model.snapshot}
                selected={model.selected}
                width={widths(ps, L.cols)[j]!}
                height={h}
                last={j === ps.length - 1}
              />
            ))}
          </Box>
        ),
      )}
    </Box>
  );
}

export function Console({ model, cols, rows, onLeave, onRedraw }: ConsoleProps) {
  useSyncExternalStore(model.subscribe, model.getVersion);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { setCursorPosition } = useCursor();
  const L = layout(cols, rows);

  const leave = useCallback(
    (why: Leave) => {
      onLeave?.(why);
      exit();
    },
    [onLeave, exit],
  );

  /** One named key; 'left' when the console is leaving. */
  const onKey = useCallback(
    (name: string, mode: KeyMode): 'left' | undefined => {
      const action = actionOf(name, mode);
      const l = model.line;
      if (L.tooSmall && action !== 'delete-char-or-exit' && action !== 'clear-line') return undefined;
      switch (action) {
        case 'submit': {
          const r = model.submit();
          if (r.quit || r.dashboard) {
            leave(r.quit ? 'quit' : 'dashboard');
            return 'left';
          }
          break;
        }
        case 'play-next':
          model.host.playNext();
          break;
        case 'play-back':
          model.host.playBack();
          break;
        case 'play-stop':
          model.host.playStop();
          break;
        case 'complete':
          model.complete();
          break;
        case 'history-prev':
          model.setLine(edit.historyPrev(l, model.history));
          break;
        case 'history-next':
          model.setLine(edit.historyNext(l, model.history));
          break;
        case 'left':
          model.setLine(edit.move(l, l.cursor - 1));
          break;
        case 'right':
          model.setLine(edit.move(l, l.cursor + 1));
          break;
        case 'home':
          model.setLine(edit.move(l, 0));
          break;
        case 'end':
          model.setLine(edit.move(l, l.text.length));
          break;
        case 'backspace':
          model.setLine(edit.backspace(l));
          break;
        case 'delete-char-or-exit':
          if (l.text === '') {
            leave('quit');
            return 'left';
          }
          model.setLine(edit.deleteUnder(l));
          break;
        case 'clear-line':
          model.interrupt();
          break;
        case 'kill-before':
          model.setLine(edit.killBefore(l));
          break;
        case 'kill-after':
          model.setLine(edit.killAfter(l));
          break;
        case 'kill-word':
          model.setLine(edit.killWord(l));
          break;
        case 'select-prev':
          model.select('prev');
          break;
        case 'select-next':
          model.select('next');
          break;
        case 'select-first':
          model.select('first');
          break;
        case 'select-last':
          model.select('last');
          break;
        case 'redraw':
          onRedraw?.();
          break;
        default:
          break;
      }
      return undefined;
    },
    [model, L.tooSmall, leave, onRedraw],
  );
  const onInput = useCallback(
    (input: string, key: Key) => {
      for (const ev of keyEvents(input, key)) {
        const mode: KeyMode = model.host.player ? 'playing' : 'prompt';
        if (ev.kind === 'text' && mode === 'prompt') {
          if (!L.tooSmall) model.setLine(edit.insert(model.line, ev.text));
          continue;
        }
        const names = ev.kind === 'text' ? [...ev.text].map(playKeyName) : [ev.name];
        for (const name of names) if (onKey(name, mode) === 'left') return;
      }
    },
    [model, L.tooSmall, onKey],
  );

  // Ink's useInput throws without raw mode (stdin not a terminal): listen only when it is supported.
  useInput(onInput, { isActive: isRawModeSupported === true });

  if (L.tooSmall) {
    setCursorPosition(undefined);
    return <Text wrap="truncate">{TOO_SMALL}</Text>;
  }
  const { player, longRun, clock } = model.host;
  const { x } = promptWindow(model.line.text, model.line.cursor, cols);
  // While playing there is no prompt to type at: no cursor.
  setCursorPosition(player ? undefined : { x, y: L.liveRows - 1 });
  return (
    <>
      <Static key={model.staticKey} items={model.staticItems}>
        {(l) => <LogText key={l.id} line={l} />}
      </Static>
      <Box flexDirection="column" width={cols} height={L.liveRows}>
        <Header
          snapshot={model.snapshot}
          host={model.shell.hv.host.name}
          width={cols}
          clockState={{ on: clock.on, speed: clock.speed }}
        />
        <Panels model={model} L={L} />
        {player ? (
          <PlayBar file={player.file} at={player.at} total={player.total} next={player.next} width={cols} />
        ) : (
          <>
            {longRun ? (
              <RunBar text={longRun.text} doneNs={longRun.doneNs} totalNs={longRun.totalNs} width={cols} />
            ) : (
              <Hint text={model.line.text.slice(0, model.line.cursor)} />
            )}
            <Prompt text={model.line.text} cursor={model.line.cursor} width={cols} />
          </>
        )}
      </Box>
    </>
  );
}
