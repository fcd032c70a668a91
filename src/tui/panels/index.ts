// Every panel the console knows, in display order (see registry.ts for how to add one).

import { ipcPanel } from './ipc.js';
import type { Panel } from './registry.js';
import { schedPanel } from './sched.js';
import { sharingPanel } from './sharing.js';
import { treePanel } from './tree.js';

export const PANELS: Panel[] = [treePanel, sharingPanel, schedPanel, ipcPanel];
