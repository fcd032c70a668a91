// The console's panels, in one list. A panel says whether it has something real to show right now
// (`available`); one that has not takes no space, so the console never shows an empty stub. The pVM
// tree and the sharing graph share the main row; panels added by other subsystems (IpC queues, the
// scheduler) go in the row below, which appears when one of them is available. To add one: write
// src/tui/panels/<name>.tsx exporting a Panel, add it to PANELS in src/tui/panels/index.ts. A panel reads
// what it shows from the engine or a command's data, never recomputes it.

import type { FC } from 'react';
import type { ConsoleModel, Snapshot } from '../model.js';

export interface PanelProps {
  model: ConsoleModel;
  snapshot: Snapshot;
  /** Selected pVM (domid). */
  selected: number;
  /** Outer size, the frame included. */
  width: number;
  height: number;
  /** Last in its row: no rule on its right. */
  last: boolean;
}

export interface Panel {
  id: string;
  row: 'main' | 'extra';
  /** Relative width within its row (flex grow). */
  grow: number;
  /** True when the panel has something real to show. */
  available(model: ConsoleModel): boolean;
  Component: FC<PanelProps>;
}
