// Every panel the console knows, in display order (see registry.ts for how to add one).

import type { PanelId } from '../layout.js';
import { ipcPanel } from './ipc.js';
import { libsPanel } from './libs.js';
import type { Panel } from './registry.js';
import { requestsPanel } from './requests.js';
import { schedPanel } from './sched.js';
import { sharingPanel } from './sharing.js';
import { treePanel } from './tree.js';

export const PANELS: Panel[] = [treePanel, sharingPanel, libsPanel, ipcPanel, schedPanel, requestsPanel];

export const PANEL_BY_ID = new Map<PanelId, Panel>(PANELS.map((p) => [p.id, p]));
