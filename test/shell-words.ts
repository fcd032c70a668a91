// A command line as a POSIX shell splits it into words, for the lines that docs and programs print for
// a person to paste (`kylinx-sh --seed 1 -c "fork web 2; list"`): single quotes keep everything, double
// quotes keep all but \" and \\, a backslash outside quotes escapes the next character. No expansions:
// a line that needs one ($, `, *, redirections) is refused, so a test never runs it half-understood.
// A # that starts a word starts a comment, to the end of the line.

export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '#' && word === null) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) i++;
        else if (line[i] === '$' || line[i] === '`') throw new Error(`expansion in double quotes in: ${line}`);
        word += line[i];
      }
      if (i >= line.length) throw new Error(`unclosed " in: ${line}`);
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if ('$`*?<>|&;(){}'.includes(c)) {
      throw new Error(`'${c}' needs a shell in: ${line}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
