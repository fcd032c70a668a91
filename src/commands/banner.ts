// A framed banner for `say` narration where there is a terminal: the text wrapped in a box drawn with
// box-drawing characters, so it stands out from command output (the console, --step, -c in a TTY).

const MAX_WIDTH = 76;

export function banner(text: string): string {
  const width = Math.min(MAX_WIDTH, Math.max(20, text.length + 4));
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (cur && cur.length + 1 + w.length > width - 4) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  const bar = '═'.repeat(width - 2);
  return [`╔${bar}╗`, ...lines.map((l) => `║ ${l.padEnd(width - 4)} ║`), `╚${bar}╝`].join('\n');
}
