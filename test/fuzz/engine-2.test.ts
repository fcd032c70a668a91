// Fuzzing the engine, part 2 of 4 (split so vitest runs them in parallel): 25,000 generated lines, every
// command checked for crashes, one-line coded errors, invariants and unchanged state on failure.
import { fuzzPart } from './part.js';

fuzzPart(2);
