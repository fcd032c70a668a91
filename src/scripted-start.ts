// Imported first by cli.ts, so it runs before the command table loads: the table's lazy handlers wait
// to be asked for (commands/handlers.ts), and cli.ts loads the ones a command line runs.

import { deferHandlers } from './commands/handlers.js';

deferHandlers();
